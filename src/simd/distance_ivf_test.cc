// The IVF kernels (NearestL2, SQ8 codes) against scalar definitions, on every SIMD target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "simd/distance.h"
#include "simd/test_targets.h"

namespace elanus::simd {
namespace {

std::vector<float> Random(size_t count, std::mt19937* rng) {
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = g(*rng);
  return v;
}

void CheckShape(size_t dim, size_t k, size_t n, std::mt19937* rng) {
  const std::vector<float> rows = Random(n * dim, rng);
  const std::vector<float> cents = Random(k * dim, rng);
  std::vector<uint32_t> got(n, 12345);
  NearestL2(rows.data(), n, cents.data(), k, dim, got.data());
  for (size_t i = 0; i < n; ++i) {
    ASSERT_LT(got[i], k);
    const float* x = rows.data() + i * dim;
    float best = ref::L2Sqr(x, cents.data(), dim);
    for (size_t c = 1; c < k; ++c)
      best = std::min(best, ref::L2Sqr(x, cents.data() + c * dim, dim));
    const float mine = ref::L2Sqr(x, cents.data() + got[i] * dim, dim);
    // The minimum, up to the rounding of the |c|^2 - 2 x.c form.
    EXPECT_LE(mine, best + 1e-4f * (1.0f + best)) << "dim=" << dim << " k=" << k << " i=" << i;
  }
}

TEST(NearestL2Test, PicksTheNearestCentroidForEveryShape) {
  // Shapes around the kernel's blocks: rows in blocks of 4 and chunks of 256, centroids in
  // panels of 8..64, and small dims (product quantizer subspaces).
  ForEachTarget([] {
    std::mt19937 rng(11);
    for (size_t dim : {1u, 3u, 8u, 17u, 128u})
      for (size_t k : {1u, 5u, 64u, 100u})
        for (size_t n : {1u, 3u, 4u, 257u}) CheckShape(dim, k, n, &rng);
  });
}

TEST(NearestL2Test, ExactTiesGoToTheSmallerIndex) {
  ForEachTarget([] {
    const size_t dim = 4, k = 70;
    std::vector<float> cents(k * dim, 5.0f);
    const float target[4] = {1, 2, 3, 4};
    for (size_t c : {66u, 20u, 3u}) std::copy_n(target, dim, cents.data() + c * dim);
    std::vector<float> rows(2 * dim);
    std::copy_n(target, dim, rows.data());
    std::copy_n(target, dim, rows.data() + dim);
    std::vector<uint32_t> got(2);
    NearestL2(rows.data(), 2, cents.data(), k, dim, got.data());
    EXPECT_EQ(got[0], 3u);
    EXPECT_EQ(got[1], 3u);
  });
}

TEST(Sq8KernelTest, MatchTheScalarDefinitionAtEveryDim) {
  ForEachTarget([] {
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> byte(0, 255);
    for (size_t dim : kDims) {
      const std::vector<float> a = Random(dim, &rng);
      const std::vector<float> step = Random(dim, &rng);
      std::vector<uint8_t> codes(dim);
      for (uint8_t& c : codes) c = static_cast<uint8_t>(byte(rng));
      double l2 = 0, dot = 0, mag = 0;
      for (size_t j = 0; j < dim; ++j) {
        const double d = a[j] - static_cast<double>(codes[j]) * step[j];
        l2 += d * d;
        dot += static_cast<double>(a[j]) * codes[j];
        mag += std::abs(static_cast<double>(a[j]) * codes[j]);
      }
      const double tol = 1e-5 * static_cast<double>(dim);
      EXPECT_NEAR(L2SqrSq8(a.data(), codes.data(), step.data(), dim), l2, tol * (1 + l2)) << dim;
      EXPECT_NEAR(DotSq8(a.data(), codes.data(), dim), dot, tol * (1 + mag)) << dim;
    }
  });
}

TEST(Sq8KernelTest, BatchesEqualTheOneRowKernelsExactly) {
  ForEachTarget([] {
    std::mt19937 rng(6);
    std::uniform_int_distribution<int> byte(0, 255);
    for (size_t dim : kDims) {
      for (size_t n : {size_t{0}, size_t{1}, size_t{7}}) {
        const std::vector<float> a = Random(dim, &rng);
        const std::vector<float> step = Random(dim, &rng);
        std::vector<uint8_t> codes(n * dim);
        for (uint8_t& c : codes) c = static_cast<uint8_t>(byte(rng));
        std::vector<float> l2(n + 1, -1.0f), dot(n + 1, -1.0f);  // one sentinel past the end
        L2SqrSq8Batch(a.data(), codes.data(), n, step.data(), dim, l2.data());
        DotSq8Batch(a.data(), codes.data(), n, dim, dot.data());
        for (size_t i = 0; i < n; ++i) {
          EXPECT_EQ(l2[i], L2SqrSq8(a.data(), codes.data() + i * dim, step.data(), dim)) << dim;
          EXPECT_EQ(dot[i], DotSq8(a.data(), codes.data() + i * dim, dim)) << dim;
        }
        EXPECT_EQ(l2[n], -1.0f);
        EXPECT_EQ(dot[n], -1.0f);
      }
    }
  });
}

}  // namespace
}  // namespace elanus::simd
