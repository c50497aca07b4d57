// Nearest-centroid assignment (the k-means / IVF build hot loop) as a register-blocked matrix
// product: |x - c|^2 = |x|^2 + |c|^2 - 2 x.c, and |x|^2 does not change the argmin. Centroids are
// packed transposed in panels of W = kPanelVecs * Lanes centroids ([dim][W] per panel), so each
// step broadcasts one coordinate of kRowBlock rows and multiplies it into W centroids: every load
// feeds several FMAs, where one L2Sqr per (row, centroid) pair would be bound by loads.
// Compiled once per Highway target (foreach_target re-includes this file).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/nearest.cc"
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

}  // namespace elanus::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace elanus::simd {
HWY_EXPORT(NearestL2Impl);

void NearestL2(const float* rows, size_t n, const float* centroids, size_t k, size_t dim,
               uint32_t* out) {
  HWY_DYNAMIC_DISPATCH(NearestL2Impl)(rows, n, centroids, k, dim, out);
}
}  // namespace elanus::simd
#endif  // HWY_ONCE
