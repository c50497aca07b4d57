// Predicates over fixed-width integer columns packed straight into bitsets (the filter language's
// hot comparison loop, src/expr/eval_kernels.cc). Runtime-dispatched like the distance kernels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace elanus::simd {

// n values of width_bytes (1, 2, 4 or 8) at x: the raw little-endian bits of a signed or unsigned
// integer column, any alignment. Sets bit i % 64 of out[i / 64] (out: ceil(n / 64) words, all
// written; bits past n are 0) when, with v = x[i] as an unsigned width-bit integer:
//   not_equal = false: (v - lo) mod 2^bits <= span   (the interval [lo, lo + span], wrapping)
//   not_equal = true:  v != lo
// lo and span are taken modulo 2^bits.
void IntegerPredicateBits(const void* x, size_t width_bytes, size_t n, uint64_t lo, uint64_t span,
                          bool not_equal, uint64_t* out);

}  // namespace elanus::simd
