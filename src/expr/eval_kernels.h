// Column-at-a-time kernels of the filter evaluator for fixed-width columns (BOOL, INT8..INT64,
// FLOAT, DOUBLE). Internal to src/expr.
//
// Every kernel writes one bit per row into `out` (ceil(n / 64) words; bit i of word i / 64 is
// row i; bits past n are zero) and ignores validity: the caller masks NULL rows. `data` points
// at n values of the column's physical type, little-endian and possibly unaligned.
// Semantics: integers compare exactly (constants outside the column type's range are handled
// mathematically: `i8 > 1000` is false everywhere); FLOAT columns compare in float precision
// (constants rounded to the nearest float); integer arithmetic is exact (computed in 128 bits).
#pragma once

#include <cstddef>
#include <cstdint>

#include "elanus/schema.h"
#include "elanus/status.h"
#include "expr/plan.h"

namespace elanus::expr::internal {

inline size_t NumWords(size_t n) { return (n + 63) / 64; }
// Mask of the valid bits of the last word (all ones when n is a multiple of 64).
inline uint64_t TailMask(size_t n) {
  return n % 64 == 0 ? ~uint64_t{0} : (uint64_t{1} << (n % 64)) - 1;
}

// Packs `valid` bytes (nonzero = value) into bits.
void PackValid(const uint8_t* valid, size_t n, uint64_t* out);
// Sets the first n bits (and clears the tail).
void FillOnes(size_t n, uint64_t* out);

// The kernels return false when the column type is not one they handle (a plan/schema bug).
bool FixedCompare(DataType type, const uint8_t* data, size_t n, CompareOp op,
                  const ScalarValue& value, uint64_t* out);
bool FixedRange(DataType type, const uint8_t* data, size_t n, const RangeExpr& range,
                uint64_t* out);
// `in` membership (not negated; the caller negates over known rows).
bool FixedIn(DataType type, const uint8_t* data, size_t n, const std::vector<ScalarValue>& values,
             uint64_t* out);
bool FixedArith(DataType type, const uint8_t* data, size_t n, const ArithCompareExpr& e,
                uint64_t* out);
// left op right for two numeric (or two BOOL) columns; exact across integer and floating types.
bool FixedCompareFields(DataType lt, const uint8_t* l, DataType rt, const uint8_t* r, size_t n,
                        CompareOp op, uint64_t* out);

}  // namespace elanus::expr::internal
