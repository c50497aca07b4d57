// Reference read kernel for kernel_bench: sum of floats, SIMD, dispatched like elanus_simd.
#ifndef ELANUS_BENCH_KERNELS_STREAM_READ_H_
#define ELANUS_BENCH_KERNELS_STREAM_READ_H_

#include <cstddef>

namespace elanus::bench {

// Sum of p[0, n). Reads every byte once, with several independent accumulators, so that it runs at
// the memory read bandwidth of one core when [p, p + n) is far larger than the caches.
float StreamSum(const float* p, size_t n);

}  // namespace elanus::bench

#endif  // ELANUS_BENCH_KERNELS_STREAM_READ_H_
