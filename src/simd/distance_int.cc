// SIMD int8 and binary kernels (exact integer arithmetic), compiled once per Highway target and
// dispatched at runtime; plus the sparse inner product (scalar, no dispatch).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/distance_int.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hwy/highway.h"
#include "simd/distance.h"
#include "simd/distance_internal.h"

HWY_BEFORE_NAMESPACE();
namespace elanus::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// ---- int8 ---------------------------------------------------------------------------------------
// int8 -> int16 (differences fit: |a - b| <= 255), then pairwise multiply-add into int32 lanes
// (pmaddwd / vpdpwssd). Each pair adds at most 2 * 255^2 to one lane, so the int32 lanes are
// flushed into an int64 total every kBlock elements: the sum of a block's terms, and so every
// partial sum of them, is at most kBlock * 255^2 < 2^31.

using DI32 = hn::ScalableTag<int32_t>;
#if HWY_TARGET == HWY_SCALAR
using DI16 = hn::Rebind<int16_t, DI32>;  // one lane; there are no two-lane scalar vectors
#else
using DI16 = hn::Repartition<int16_t, DI32>;
#endif
using DI8 = hn::Rebind<int8_t, DI16>;
constexpr size_t kI8Block = 16384;
static_assert(kI8Block * 255 * 255 < (size_t{1} << 31), "int32 lanes could overflow");

template <bool kL2, bool kUnary>
HWY_INLINE int64_t I8Reduce(const int8_t* HWY_RESTRICT a, const int8_t* HWY_RESTRICT b,
                            size_t dim) {
  const DI32 d32;
  const DI16 d16;
  const DI8 d8;
  const size_t N = hn::Lanes(d16);
  // Multiplies x by y (or x by x), pairwise-adds into sum0 (some targets also use sum1).
  auto step = [&](hn::Vec<DI16> x, hn::Vec<DI16> y, hn::Vec<DI32> sum0, hn::Vec<DI32>& sum1) {
    if constexpr (kL2) x = hn::Sub(x, y);
    if constexpr (kL2 || kUnary) y = x;
    return hn::ReorderWidenMulAccumulate(d32, x, y, sum0, sum1);
  };
  auto load = [&](const int8_t* p) { return hn::PromoteTo(d16, hn::LoadU(d8, p)); };

  int64_t total = 0;
  for (size_t start = 0; start < dim; start += kI8Block) {
    const size_t end = std::min(dim, start + kI8Block);
    auto s0 = hn::Zero(d32), s1 = hn::Zero(d32), c0 = hn::Zero(d32), c1 = hn::Zero(d32);
    size_t i = start;
    for (; i + 2 * N <= end; i += 2 * N) {
      const auto x0 = load(a + i), x1 = load(a + i + N);
      s0 = step(x0, kUnary ? x0 : load(b + i), s0, c0);
      s1 = step(x1, kUnary ? x1 : load(b + i + N), s1, c1);
    }
    for (; i + N <= end; i += N) {
      const auto x0 = load(a + i);
      s0 = step(x0, kUnary ? x0 : load(b + i), s0, c0);
    }
    if (i < end) {
      int8_t ta[HWY_LANES(int16_t)] = {}, tb[HWY_LANES(int16_t)] = {};
      std::copy(a + i, a + end, ta);
      if constexpr (!kUnary) std::copy(b + i, b + end, tb);
      const auto x0 = load(ta);
      s1 = step(x0, kUnary ? x0 : load(tb), s1, c1);
    }
    const auto sum = hn::Add(hn::Add(s0, s1), hn::Add(c0, c1));
    total += hn::GetLane(hn::SumOfLanes(d32, sum));
  }
  return total;
}

// One query against four rows: each query load serves the four rows. Integer sums are exact in any
// order, so out[r] equals I8Reduce<kL2, false>(q, rows[r], dim).
template <bool kL2>
HWY_INLINE void I8Reduce4(const int8_t* HWY_RESTRICT q, const int8_t* const* rows, size_t dim,
                          int64_t* out) {
  const DI32 d32;
  const DI16 d16;
  const DI8 d8;
  const size_t N = hn::Lanes(d16);
  auto step = [&](hn::Vec<DI16> x, hn::Vec<DI16> y, hn::Vec<DI32> sum0, hn::Vec<DI32>& sum1) {
    if constexpr (kL2) {
      x = hn::Sub(x, y);
      y = x;
    }
    return hn::ReorderWidenMulAccumulate(d32, x, y, sum0, sum1);
  };
  auto load = [&](const int8_t* p) { return hn::PromoteTo(d16, hn::LoadU(d8, p)); };
  const int8_t* HWY_RESTRICT r0 = rows[0];
  const int8_t* HWY_RESTRICT r1 = rows[1];
  const int8_t* HWY_RESTRICT r2 = rows[2];
  const int8_t* HWY_RESTRICT r3 = rows[3];
  for (int r = 0; r < 4; ++r) out[r] = 0;
  for (size_t start = 0; start < dim; start += kI8Block) {
    const size_t end = std::min(dim, start + kI8Block);
    auto s0 = hn::Zero(d32), s1 = hn::Zero(d32), s2 = hn::Zero(d32), s3 = hn::Zero(d32);
    auto c0 = hn::Zero(d32), c1 = hn::Zero(d32), c2 = hn::Zero(d32), c3 = hn::Zero(d32);
    size_t i = start;
    for (; i + N <= end; i += N) {
      const auto x = load(q + i);
      s0 = step(x, load(r0 + i), s0, c0);
      s1 = step(x, load(r1 + i), s1, c1);
      s2 = step(x, load(r2 + i), s2, c2);
      s3 = step(x, load(r3 + i), s3, c3);
    }
    if (i < end) {
      int8_t tq[HWY_LANES(int16_t)] = {}, t[4][HWY_LANES(int16_t)] = {};
      std::copy(q + i, q + end, tq);
      std::copy(r0 + i, r0 + end, t[0]);
      std::copy(r1 + i, r1 + end, t[1]);
      std::copy(r2 + i, r2 + end, t[2]);
      std::copy(r3 + i, r3 + end, t[3]);
      const auto x = load(tq);
      s0 = step(x, load(t[0]), s0, c0);
      s1 = step(x, load(t[1]), s1, c1);
      s2 = step(x, load(t[2]), s2, c2);
      s3 = step(x, load(t[3]), s3, c3);
    }
    out[0] += hn::GetLane(hn::SumOfLanes(d32, hn::Add(s0, c0)));
    out[1] += hn::GetLane(hn::SumOfLanes(d32, hn::Add(s1, c1)));
    out[2] += hn::GetLane(hn::SumOfLanes(d32, hn::Add(s2, c2)));
    out[3] += hn::GetLane(hn::SumOfLanes(d32, hn::Add(s3, c3)));
  }
}

void L2SqrI8Rows4Impl(const int8_t* q, const int8_t* const* rows, size_t dim, int64_t* out) {
  I8Reduce4<true>(q, rows, dim, out);
}
void DotI8Rows4Impl(const int8_t* q, const int8_t* const* rows, size_t dim, int64_t* out) {
  I8Reduce4<false>(q, rows, dim, out);
}

// Rows [0, n) of a contiguous [n][dim] block, four at a time (I8Reduce4), the rest one by one.
void DotI8BatchImpl(const int8_t* q, const int8_t* rows, size_t n, size_t dim, float* out) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const int8_t* const r[4] = {rows + i * dim, rows + (i + 1) * dim, rows + (i + 2) * dim,
                                rows + (i + 3) * dim};
    int64_t s[4];
    I8Reduce4<false>(q, r, dim, s);
    for (size_t k = 0; k < 4; ++k) out[i + k] = static_cast<float>(s[k]);
  }
  for (; i < n; ++i) out[i] = static_cast<float>(I8Reduce<false, false>(q, rows + i * dim, dim));
}

int64_t L2SqrI8Impl(const int8_t* a, const int8_t* b, size_t dim) {
  return I8Reduce<true, false>(a, b, dim);
}
int64_t DotI8Impl(const int8_t* a, const int8_t* b, size_t dim) {
  return I8Reduce<false, false>(a, b, dim);
}
int64_t SelfDotI8Impl(const int8_t* a, size_t dim) { return I8Reduce<false, true>(a, a, dim); }

// ---- binary -------------------------------------------------------------------------------------
// Bytes are combined (xor / and / or) as u8 vectors, then counted into u64 lanes: with AVX-512
// VPOPCNTDQ (AVX3_DL) directly, otherwise by a per-byte table popcount summed with psadbw
// (SumsOf8).

#if HWY_TARGET == HWY_SCALAR
// One-lane vectors cannot be reinterpreted between u8 and u64; count 8 bytes at a time instead.
template <class Op>
HWY_INLINE uint64_t CountBits(const uint8_t* a, const uint8_t* b, size_t nbytes, Op op) {
  uint64_t n = 0;
  size_t i = 0;
  for (; i + 8 <= nbytes; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    n += std::popcount(op(x, y));
  }
  for (; i < nbytes; ++i) n += std::popcount(static_cast<uint8_t>(op(a[i], b[i])));
  return n;
}

uint64_t HammingImpl(const uint8_t* a, const uint8_t* b, size_t nbytes) {
  return CountBits(a, b, nbytes, [](auto x, auto y) { return x ^ y; });
}
void IntersectUnionImpl(const uint8_t* a, const uint8_t* b, size_t nbytes, uint64_t* counts) {
  counts[0] = CountBits(a, b, nbytes, [](auto x, auto y) { return x & y; });
  counts[1] = CountBits(a, b, nbytes, [](auto x, auto y) { return x | y; });
}

#else  // HWY_TARGET != HWY_SCALAR

using DU64 = hn::ScalableTag<uint64_t>;
using DU8 = hn::Repartition<uint8_t, DU64>;
using VU8 = hn::Vec<DU8>;
using VU64 = hn::Vec<DU64>;

// Popcount of every byte of v, as partial sums in u64 lanes.
HWY_INLINE VU64 Count(VU8 v) {
#if HWY_TARGET == HWY_AVX3_DL
  return hn::PopulationCount(hn::BitCast(DU64(), v));
#else
  return hn::SumsOf8(hn::PopulationCount(v));
#endif
}

// Calls body(va, vb) for each vector of bytes; the tail is zero-padded (zero bytes count 0 bits
// under xor / and / or).
template <class Body>
HWY_INLINE void ForEachVector(const uint8_t* HWY_RESTRICT a, const uint8_t* HWY_RESTRICT b,
                              size_t nbytes, Body body) {
  const DU8 d8;
  const size_t N = hn::Lanes(d8);
  size_t i = 0;
  if (nbytes >= 2 * N) {
    for (; i <= nbytes - 2 * N; i += 2 * N) {
      body(hn::LoadU(d8, a + i), hn::LoadU(d8, b + i), 0);
      body(hn::LoadU(d8, a + i + N), hn::LoadU(d8, b + i + N), 1);
    }
  }
  for (; i + N <= nbytes; i += N) body(hn::LoadU(d8, a + i), hn::LoadU(d8, b + i), 0);
  if (i < nbytes) {
    uint8_t ta[HWY_LANES(uint8_t)] = {}, tb[HWY_LANES(uint8_t)] = {};
    std::copy(a + i, a + nbytes, ta);
    std::copy(b + i, b + nbytes, tb);
    body(hn::LoadU(d8, ta), hn::LoadU(d8, tb), 1);
  }
}

uint64_t HammingImpl(const uint8_t* a, const uint8_t* b, size_t nbytes) {
  const DU64 d64;
  VU64 acc[2] = {hn::Zero(d64), hn::Zero(d64)};
  ForEachVector(a, b, nbytes,
                [&](VU8 x, VU8 y, int k) { acc[k] = hn::Add(acc[k], Count(hn::Xor(x, y))); });
  return hn::GetLane(hn::SumOfLanes(d64, hn::Add(acc[0], acc[1])));
}

// counts[0] = popcount(a & b), counts[1] = popcount(a | b).
void IntersectUnionImpl(const uint8_t* a, const uint8_t* b, size_t nbytes, uint64_t* counts) {
  const DU64 d64;
  VU64 inter[2] = {hn::Zero(d64), hn::Zero(d64)};
  VU64 uni[2] = {hn::Zero(d64), hn::Zero(d64)};
  ForEachVector(a, b, nbytes, [&](VU8 x, VU8 y, int k) {
    inter[k] = hn::Add(inter[k], Count(hn::And(x, y)));
    uni[k] = hn::Add(uni[k], Count(hn::Or(x, y)));
  });
  counts[0] = hn::GetLane(hn::SumOfLanes(d64, hn::Add(inter[0], inter[1])));
  counts[1] = hn::GetLane(hn::SumOfLanes(d64, hn::Add(uni[0], uni[1])));
}

#endif  // HWY_TARGET == HWY_SCALAR

// One dispatched call per block of rows instead of one per row: the per-row kernels are inlined.
void HammingBatchImpl(const uint8_t* q, const uint8_t* rows, size_t n, size_t nbytes,
                      uint32_t* out) {
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<uint32_t>(HammingImpl(q, rows + i * nbytes, nbytes));
}
void IntersectUnionBatchImpl(const uint8_t* q, const uint8_t* rows, size_t n, size_t nbytes,
                             uint64_t* counts) {
  for (size_t i = 0; i < n; ++i) IntersectUnionImpl(q, rows + i * nbytes, nbytes, counts + 2 * i);
}

}  // namespace elanus::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

namespace elanus::simd {

HWY_EXPORT(L2SqrI8Impl);
HWY_EXPORT(DotI8Impl);
HWY_EXPORT(SelfDotI8Impl);
HWY_EXPORT(L2SqrI8Rows4Impl);
HWY_EXPORT(DotI8Rows4Impl);
HWY_EXPORT(HammingImpl);
HWY_EXPORT(IntersectUnionImpl);
HWY_EXPORT(DotI8BatchImpl);
HWY_EXPORT(HammingBatchImpl);
HWY_EXPORT(IntersectUnionBatchImpl);

float L2SqrI8(const int8_t* a, const int8_t* b, size_t dim) {
  return static_cast<float>(HWY_DYNAMIC_DISPATCH(L2SqrI8Impl)(a, b, dim));
}
float InnerProductI8(const int8_t* a, const int8_t* b, size_t dim) {
  return static_cast<float>(HWY_DYNAMIC_DISPATCH(DotI8Impl)(a, b, dim));
}
float NormI8(const int8_t* a, size_t dim) {
  const int64_t s = HWY_DYNAMIC_DISPATCH(SelfDotI8Impl)(a, dim);
  return static_cast<float>(std::sqrt(static_cast<double>(s)));
}

void L2SqrI8Rows4(const int8_t* q, const int8_t* const rows[4], size_t dim, float out[4]) {
  int64_t s[4];
  HWY_DYNAMIC_DISPATCH(L2SqrI8Rows4Impl)(q, rows, dim, s);
  for (int r = 0; r < 4; ++r) out[r] = static_cast<float>(s[r]);
}
void InnerProductI8Rows4(const int8_t* q, const int8_t* const rows[4], size_t dim, float out[4]) {
  int64_t s[4];
  HWY_DYNAMIC_DISPATCH(DotI8Rows4Impl)(q, rows, dim, s);
  for (int r = 0; r < 4; ++r) out[r] = static_cast<float>(s[r]);
}

void InnerProductI8Batch(const int8_t* q, const int8_t* rows, size_t n, size_t dim, float* out) {
  HWY_DYNAMIC_DISPATCH(DotI8BatchImpl)(q, rows, n, dim, out);
}

void HammingBatch(const uint8_t* q, const uint8_t* rows, size_t n, size_t nbytes, uint32_t* out) {
  HWY_DYNAMIC_DISPATCH(HammingBatchImpl)(q, rows, n, nbytes, out);
}

void JaccardBatch(const uint8_t* q, const uint8_t* rows, size_t n, size_t nbytes, float* out) {
  constexpr size_t kBlock = 256;
  uint64_t counts[2 * kBlock];
  for (size_t i = 0; i < n; i += kBlock) {
    const size_t m = std::min(kBlock, n - i);
    HWY_DYNAMIC_DISPATCH(IntersectUnionBatchImpl)(q, rows + i * nbytes, m, nbytes, counts);
    for (size_t k = 0; k < m; ++k)
      out[i + k] = detail::JaccardFromCounts(counts[2 * k], counts[2 * k + 1]);
  }
}

uint32_t Hamming(const uint8_t* a, const uint8_t* b, size_t nbytes) {
  return static_cast<uint32_t>(HWY_DYNAMIC_DISPATCH(HammingImpl)(a, b, nbytes));
}

float Jaccard(const uint8_t* a, const uint8_t* b, size_t nbytes) {
  uint64_t counts[2];
  HWY_DYNAMIC_DISPATCH(IntersectUnionImpl)(a, b, nbytes, counts);
  return detail::JaccardFromCounts(counts[0], counts[1]);
}

// Merge join. When one side is much shorter (e.g. a short query against a long document), each of
// its indices is found in the other by galloping (exponential then binary search) instead, which
// costs O(small * log(large)) rather than O(small + large). Products are added in increasing index
// order into a double either way, so the result is identical to ref::SparseInnerProduct.
float SparseInnerProduct(const uint32_t* ai, const float* av, size_t an, const uint32_t* bi,
                         const float* bv, size_t bn) {
  constexpr size_t kGallopRatio = 16;
  if (an > bn) {  // make a the shorter side
    std::swap(ai, bi);
    std::swap(av, bv);
    std::swap(an, bn);
  }
  double s = 0;
  if (an * kGallopRatio < bn) {
    size_t j = 0;
    for (size_t i = 0; i < an && j < bn; ++i) {
      const uint32_t key = ai[i];
      size_t step = 1, hi = j;
      while (hi < bn && bi[hi] < key) {  // gallop: find hi with bi[hi] >= key
        j = hi + 1;
        hi += step;
        step *= 2;
      }
      j = static_cast<size_t>(std::lower_bound(bi + j, bi + std::min(hi, bn), key) - bi);
      if (j < bn && bi[j] == key) s += static_cast<double>(av[i]) * bv[j++];
    }
    return static_cast<float>(s);
  }
  size_t i = 0, j = 0;
  while (i < an && j < bn) {
    const uint32_t x = ai[i], y = bi[j];
    if (x == y) s += static_cast<double>(av[i]) * bv[j];
    i += (x <= y);
    j += (y <= x);
  }
  return static_cast<float>(s);
}

}  // namespace elanus::simd
#endif  // HWY_ONCE
