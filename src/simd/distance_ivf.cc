// Kernels of the IVF indexes: SQ8 list scans (u8 codes with a per-dimension step) and
// nearest-centroid assignment (the k-means / IVF build hot loop) as a register-blocked matrix
// product: |x - c|^2 = |x|^2 + |c|^2 - 2 x.c, and |x|^2 does not change the argmin. Centroids are
// packed transposed in panels of W = kPanelVecs * Lanes centroids ([dim][W] per panel), so each
// step broadcasts one coordinate of kRowBlock rows and multiplies it into W centroids: every load
// feeds several FMAs, where one L2Sqr per (row, centroid) pair would be bound by loads.
// Compiled once per Highway target (foreach_target re-includes this file).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/distance_ivf.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "hwy/aligned_allocator.h"
#include "hwy/highway.h"
#include "simd/distance.h"

HWY_BEFORE_NAMESPACE();
namespace elanus::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

// Accumulators: kRowBlock * kPanelVecs vectors, plus kPanelVecs centroid vectors and a
// broadcast, must fit the register file (32 vector registers with AVX-512, 16 otherwise).
#if HWY_TARGET <= HWY_AVX3 && HWY_ARCH_X86
constexpr size_t kPanelVecs = 4;
#else
constexpr size_t kPanelVecs = 2;
#endif
constexpr size_t kRowBlock = 4;
// Rows per pass over the panels: their coordinates stay in L2 while every panel visits them.
constexpr size_t kRowChunk = 256;

// f(0) .. f(K - 1), expanded at compile time so the accumulators stay in registers (a plain loop
// over an accumulator array was compiled to loads and stores: 40 GFLOP/s instead of ~100).
template <size_t K, class F>
HWY_INLINE void Repeat(F&& f) {
  [&]<size_t... i>(std::index_sequence<i...>) { (f(i), ...); }
  (std::make_index_sequence<K>());
}

void NearestL2Impl(const float* HWY_RESTRICT rows, size_t n, const float* HWY_RESTRICT cents,
                   size_t k, size_t dim, uint32_t* HWY_RESTRICT out) {
  if (n == 0 || k == 0) return;
  const DF df;
  const size_t N = hn::Lanes(df);
  const size_t W = kPanelVecs * N;
  const size_t panels = (k + W - 1) / W;
  auto packed = hwy::AllocateAligned<float>(std::max<size_t>(1, panels * dim * W));
  auto norms = hwy::AllocateAligned<float>(panels * W);
  std::fill_n(packed.get(), panels * dim * W, 0.0f);
  std::fill_n(norms.get(), panels * W, std::numeric_limits<float>::infinity());
  for (size_t c = 0; c < k; ++c) {
    float* panel = packed.get() + (c / W) * dim * W + c % W;
    double norm = 0;
    for (size_t j = 0; j < dim; ++j) {
      const float v = cents[c * dim + j];
      panel[j * W] = v;
      norm += static_cast<double>(v) * v;
    }
    norms[c] = static_cast<float>(norm);
  }
  auto scores = hwy::AllocateAligned<float>(kRowBlock * W);
  std::vector<float> best(kRowChunk);
  for (size_t chunk = 0; chunk < n; chunk += kRowChunk) {
    const size_t rows_here = std::min(kRowChunk, n - chunk);
    std::fill_n(best.begin(), rows_here, std::numeric_limits<float>::infinity());
    std::fill_n(out + chunk, rows_here, 0u);
    for (size_t p = 0; p < panels; ++p) {
      const float* panel = packed.get() + p * dim * W;
      const size_t live = std::min(W, k - p * W);  // real centroids in this panel
      for (size_t r0 = 0; r0 < rows_here; r0 += kRowBlock) {
        const size_t rb = std::min(kRowBlock, rows_here - r0);
        const float* x[kRowBlock];
        for (size_t r = 0; r < kRowBlock; ++r) {  // a short block repeats its last row
          x[r] = rows + (chunk + r0 + std::min(r, rb - 1)) * dim;
        }
        VF acc[kRowBlock * kPanelVecs];
        Repeat<kRowBlock * kPanelVecs>([&](size_t a) { acc[a] = hn::Zero(df); });
        for (size_t j = 0; j < dim; ++j) {
          const float* pj = panel + j * W;
          VF c[kPanelVecs];
          Repeat<kPanelVecs>([&](size_t v) { c[v] = hn::Load(df, pj + v * N); });
          Repeat<kRowBlock>([&](size_t r) {
            const VF b = hn::Set(df, x[r][j]);
            Repeat<kPanelVecs>([&](size_t v) {
              acc[r * kPanelVecs + v] = hn::MulAdd(b, c[v], acc[r * kPanelVecs + v]);
            });
          });
        }
        const VF minus_two = hn::Set(df, -2.0f);
        for (size_t r = 0; r < rb; ++r) {
          for (size_t v = 0; v < kPanelVecs; ++v) {
            const VF d = hn::MulAdd(minus_two, acc[r * kPanelVecs + v],
                                    hn::Load(df, norms.get() + p * W + v * N));
            hn::Store(d, df, scores.get() + r * W + v * N);
          }
          const float* s = scores.get() + r * W;
          const size_t row = chunk + r0 + r;
          float& bd = best[r0 + r];
          for (size_t c = 0; c < live; ++c) {  // ascending: exact ties keep the smaller index
            if (s[c] < bd) {
              bd = s[c];
              out[row] = static_cast<uint32_t>(p * W + c);
            }
          }
        }
      }
    }
  }
}

// ---- SQ8 codes: u8 per dimension, value = code * step[j] (+ a per-dimension offset the caller
// folded into a) ----

HWY_INLINE VF LoadCodes(DF df, const uint8_t* p) {
  const hn::Rebind<uint8_t, DF> du8;
  const hn::Rebind<int32_t, DF> di32;
  return hn::ConvertTo(df, hn::PromoteTo(di32, hn::LoadU(du8, p)));
}

// sum_j (a_j - codes_j * step_j)^2 (kL2) or sum_j a_j * codes_j.
template <bool kL2>
HWY_INLINE float CodeReduce(const float* HWY_RESTRICT a, const uint8_t* HWY_RESTRICT codes,
                            const float* HWY_RESTRICT step, size_t dim) {
  const DF df;
  const size_t N = hn::Lanes(df);
  VF s0 = hn::Zero(df), s1 = hn::Zero(df);
  auto term = [&](size_t j, VF acc) {
    const VF c = LoadCodes(df, codes + j);
    if constexpr (kL2) {
      const VF d = hn::NegMulAdd(c, hn::LoadU(df, step + j), hn::LoadU(df, a + j));
      return hn::MulAdd(d, d, acc);
    } else {
      return hn::MulAdd(hn::LoadU(df, a + j), c, acc);
    }
  };
  size_t j = 0;
  if (dim >= 2 * N) {
    for (; j <= dim - 2 * N; j += 2 * N) {
      s0 = term(j, s0);
      s1 = term(j + N, s1);
    }
  }
  for (; j + N <= dim; j += N) s0 = term(j, s0);
  float sum = hn::GetLane(hn::SumOfLanes(df, hn::Add(s0, s1)));
  for (; j < dim; ++j) {  // tail: nothing is read past the end of any input
    const float c = static_cast<float>(codes[j]);
    if constexpr (kL2) {
      const float d = a[j] - c * step[j];
      sum += d * d;
    } else {
      sum += a[j] * c;
    }
  }
  return sum;
}

float L2SqrSq8Impl(const float* a, const uint8_t* codes, const float* step, size_t dim) {
  return CodeReduce<true>(a, codes, step, dim);
}
float DotSq8Impl(const float* a, const uint8_t* codes, size_t dim) {
  return CodeReduce<false>(a, codes, nullptr, dim);
}
// n consecutive code rows in one dispatched call (a list scan made one call per row).
void L2SqrSq8BatchImpl(const float* a, const uint8_t* codes, size_t n, const float* step,
                       size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = CodeReduce<true>(a, codes + i * dim, step, dim);
}
void DotSq8BatchImpl(const float* a, const uint8_t* codes, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = CodeReduce<false>(a, codes + i * dim, nullptr, dim);
}

}  // namespace elanus::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace elanus::simd {
HWY_EXPORT(NearestL2Impl);
HWY_EXPORT(L2SqrSq8Impl);
HWY_EXPORT(DotSq8Impl);
HWY_EXPORT(L2SqrSq8BatchImpl);
HWY_EXPORT(DotSq8BatchImpl);

float L2SqrSq8(const float* a, const uint8_t* codes, const float* step, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(L2SqrSq8Impl)(a, codes, step, dim);
}
float DotSq8(const float* a, const uint8_t* codes, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(DotSq8Impl)(a, codes, dim);
}
void L2SqrSq8Batch(const float* a, const uint8_t* codes, size_t n, const float* step, size_t dim,
                   float* out) {
  HWY_DYNAMIC_DISPATCH(L2SqrSq8BatchImpl)(a, codes, n, step, dim, out);
}
void DotSq8Batch(const float* a, const uint8_t* codes, size_t n, size_t dim, float* out) {
  HWY_DYNAMIC_DISPATCH(DotSq8BatchImpl)(a, codes, n, dim, out);
}

void NearestL2(const float* rows, size_t n, const float* centroids, size_t k, size_t dim,
               uint32_t* out) {
  HWY_DYNAMIC_DISPATCH(NearestL2Impl)(rows, n, centroids, k, dim, out);
}
}  // namespace elanus::simd
#endif  // HWY_ONCE
