// Every dispatched kernel against its scalar reference, on every SIMD target this CPU supports.
#include "simd/distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "simd/test_targets.h"

namespace elanus::simd {
namespace {

// Worst-case bound for summing dim terms in any order in float: dim * eps * sum|term|.
// abs_sum = sum |term| (computed in double by the caller).
void ExpectClose(float simd, float ref, double abs_sum, size_t dim) {
  const double tol = (static_cast<double>(dim) + 4) * FLT_EPSILON * abs_sum + 1e-37;
  EXPECT_NEAR(simd, ref, tol) << "dim=" << dim;
}

std::vector<float> RandomFloats(size_t n, std::mt19937& rng, float lo = -1, float hi = 1) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Small integers: every product and every partial sum (< 2^24) is exact in float, so the result
// must be bit-identical to the reference whatever the summation order.
std::vector<float> SmallInts(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> dist(-8, 8);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(dist(rng));
  return v;
}

double AbsDot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += std::fabs(static_cast<double>(a[i]) * b[i]);
  return s;
}

double AbsL2(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
  return s;
}

std::vector<uint16_t> ToF16(const std::vector<float>& v) {
  std::vector<uint16_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = F32ToF16(v[i]);
  return out;
}
std::vector<uint16_t> ToBF16(const std::vector<float>& v) {
  std::vector<uint16_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = F32ToBF16(v[i]);
  return out;
}
std::vector<float> FromF16(const std::vector<uint16_t>& v) {
  std::vector<float> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = F16ToF32(v[i]);
  return out;
}
std::vector<float> FromBF16(const std::vector<uint16_t>& v) {
  std::vector<float> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = BF16ToF32(v[i]);
  return out;
}

// Compares all nine float-family kernels with the reference on a (widened) pair of inputs.
void CheckFloatKernels(const std::vector<float>& a, const std::vector<float>& b,
                       bool check_f16 = true) {
  const size_t d = a.size();
  ExpectClose(L2Sqr(a.data(), b.data(), d), ref::L2Sqr(a.data(), b.data(), d), AbsL2(a, b), d);
  ExpectClose(InnerProduct(a.data(), b.data(), d), ref::InnerProduct(a.data(), b.data(), d),
              AbsDot(a, b), d);
  const double na = std::sqrt(AbsDot(a, a));
  EXPECT_NEAR(Norm(a.data(), d), ref::Norm(a.data(), d), (d + 4) * FLT_EPSILON * na + 1e-37);

  if (check_f16) {
    const auto ah = ToF16(a), bh = ToF16(b);
    const auto af = FromF16(ah), bf = FromF16(bh);
    ExpectClose(L2SqrF16(ah.data(), bh.data(), d), ref::L2SqrF16(ah.data(), bh.data(), d),
                AbsL2(af, bf), d);
    ExpectClose(InnerProductF16(ah.data(), bh.data(), d),
                ref::InnerProductF16(ah.data(), bh.data(), d), AbsDot(af, bf), d);
    EXPECT_NEAR(NormF16(ah.data(), d), ref::NormF16(ah.data(), d),
                (d + 4) * FLT_EPSILON * std::sqrt(AbsDot(af, af)) + 1e-37);
  }

  const auto ab = ToBF16(a), bb = ToBF16(b);
  const auto abf = FromBF16(ab), bbf = FromBF16(bb);
  ExpectClose(L2SqrBF16(ab.data(), bb.data(), d), ref::L2SqrBF16(ab.data(), bb.data(), d),
              AbsL2(abf, bbf), d);
  ExpectClose(InnerProductBF16(ab.data(), bb.data(), d),
              ref::InnerProductBF16(ab.data(), bb.data(), d), AbsDot(abf, bbf), d);
  EXPECT_NEAR(NormBF16(ab.data(), d), ref::NormBF16(ab.data(), d),
              (d + 4) * FLT_EPSILON * std::sqrt(AbsDot(abf, abf)) + 1e-37);
}

TEST(DistanceTest, TargetSelectionCoversEveryAvailableTarget) {
  const std::vector<int64_t> targets = AvailableTargets();
  ASSERT_FALSE(targets.empty());
  // Without forcing, the best available target is used.
  EXPECT_STREQ(ActiveTarget(), TargetName(targets.front()));
  std::set<std::string> names;
  ForEachTarget([&] { names.insert(ActiveTarget()); });
  EXPECT_EQ(names.size(), targets.size());
  EXPECT_STREQ(ActiveTarget(), TargetName(targets.front()));  // restored
}

TEST(DistanceTest, L2MatchesReferenceOnRandomInputs) {
  ForEachTarget([] {
    std::mt19937 rng(1);
    for (size_t d : kDims) {
      const auto a = RandomFloats(d, rng), b = RandomFloats(d, rng);
      ExpectClose(L2Sqr(a.data(), b.data(), d), ref::L2Sqr(a.data(), b.data(), d), AbsL2(a, b), d);
      // Random inputs must not give trivially zero distances.
      EXPECT_GT(L2Sqr(a.data(), b.data(), d), 0.0f);
    }
  });
}

TEST(DistanceTest, FloatFamilyMatchesReferenceOnRandomInputs) {
  ForEachTarget([] {
    std::mt19937 rng(2);
    for (size_t d : kDims) {
      SCOPED_TRACE(d);
      CheckFloatKernels(RandomFloats(d, rng), RandomFloats(d, rng));
      CheckFloatKernels(RandomFloats(d, rng, -100, 100), RandomFloats(d, rng, 0, 3));
    }
  });
}

TEST(DistanceTest, FloatFamilyIsExactOnSmallIntegers) {
  ForEachTarget([] {
    std::mt19937 rng(3);
    for (size_t d : kDims) {
      SCOPED_TRACE(d);
      const auto a = SmallInts(d, rng), b = SmallInts(d, rng);
      EXPECT_EQ(L2Sqr(a.data(), b.data(), d), ref::L2Sqr(a.data(), b.data(), d));
      EXPECT_EQ(InnerProduct(a.data(), b.data(), d), ref::InnerProduct(a.data(), b.data(), d));
      EXPECT_EQ(Norm(a.data(), d), ref::Norm(a.data(), d));
      const auto ah = ToF16(a), bh = ToF16(b), ab = ToBF16(a), bb = ToBF16(b);
      EXPECT_EQ(L2SqrF16(ah.data(), bh.data(), d), ref::L2Sqr(a.data(), b.data(), d));
      EXPECT_EQ(InnerProductF16(ah.data(), bh.data(), d), ref::InnerProduct(a.data(), b.data(), d));
      EXPECT_EQ(NormF16(ah.data(), d), ref::Norm(a.data(), d));
      EXPECT_EQ(L2SqrBF16(ab.data(), bb.data(), d), ref::L2Sqr(a.data(), b.data(), d));
      EXPECT_EQ(InnerProductBF16(ab.data(), bb.data(), d),
                ref::InnerProduct(a.data(), b.data(), d));
      EXPECT_EQ(NormBF16(ab.data(), d), ref::Norm(a.data(), d));
    }
  });
}

// a[i] = i % 1000 + 1 against a one-hot b at position p: the result identifies exactly which
// element was paired with p (catches tail, unroll and lane-order bugs).
TEST(DistanceTest, EveryPositionIsCountedExactlyOnce) {
  ForEachTarget([] {
    for (size_t d : kDims) {
      std::vector<float> a(d), b(d, 0.0f);
      for (size_t i = 0; i < d; ++i) a[i] = static_cast<float>(i % 1000 + 1);
      const auto ah = ToF16(a), ab16 = ToBF16(a);
      const size_t stride = d > 200 ? 37 : 1;
      for (size_t p = 0; p < d; p += stride) {
        b.assign(d, 0.0f);
        b[p] = 1.0f;
        const auto bh = ToF16(b), bb = ToBF16(b);
        const float want = a[p];
        ASSERT_EQ(InnerProduct(a.data(), b.data(), d), want) << "d=" << d << " p=" << p;
        ASSERT_EQ(InnerProductF16(ah.data(), bh.data(), d), want) << "d=" << d << " p=" << p;
        // bf16 keeps 8 significant bits: compare with the rounded value.
        ASSERT_EQ(InnerProductBF16(ab16.data(), bb.data(), d), BF16ToF32(ab16[p]))
            << "d=" << d << " p=" << p;
        std::vector<float> out(1);
        L2SqrBatch(b.data(), b.data(), 1, d, out.data());
        ASSERT_EQ(out[0], 0.0f);
      }
    }
  });
}

TEST(DistanceTest, FloatEdgeCases) {
  ForEachTarget([] {
    for (size_t d : kDims) {
      SCOPED_TRACE(d);
      const std::vector<float> zeros(d, 0.0f);
      EXPECT_EQ(L2Sqr(zeros.data(), zeros.data(), d), 0.0f);
      EXPECT_EQ(InnerProduct(zeros.data(), zeros.data(), d), 0.0f);
      EXPECT_EQ(Norm(zeros.data(), d), 0.0f);

      std::vector<float> neg(d, -2.0f), pos(d, 3.0f);
      EXPECT_EQ(L2Sqr(neg.data(), pos.data(), d), 25.0f * d);
      EXPECT_EQ(InnerProduct(neg.data(), pos.data(), d), -6.0f * d);
      EXPECT_EQ(Norm(neg.data(), d), static_cast<float>(std::sqrt(4.0 * d)));

      // Large magnitudes (squares near 1e30) stay finite and accurate.
      std::mt19937 rng(static_cast<unsigned>(d));
      // (Beyond the float16 range, which is checked separately below.)
      CheckFloatKernels(RandomFloats(d, rng, -1e15f, 1e15f), RandomFloats(d, rng, -1e15f, 1e15f),
                        /*check_f16=*/false);
      // Overflow gives +Inf like the reference (rounded to float).
      const std::vector<float> huge(d, 3e38f), nhuge(d, -3e38f);
      EXPECT_EQ(L2Sqr(huge.data(), nhuge.data(), d), std::numeric_limits<float>::infinity());
      EXPECT_EQ(ref::L2Sqr(huge.data(), nhuge.data(), d), std::numeric_limits<float>::infinity());

      // Denormal inputs must not be flushed to zero: 1e-40 * 1e30 = 1e-10 per element.
      const std::vector<float> tiny(d, 1e-40f), big(d, 1e30f);
      ASSERT_TRUE(std::fpclassify(tiny[0]) == FP_SUBNORMAL);
      const float ip = InnerProduct(tiny.data(), big.data(), d);
      EXPECT_GT(ip, 0.0f);
      ExpectClose(ip, ref::InnerProduct(tiny.data(), big.data(), d), 1e-10 * d, d);
      CheckFloatKernels(RandomFloats(d, rng, -1e-39f, 1e-39f), RandomFloats(d, rng, -1, 1));
    }
  });
}

TEST(DistanceTest, HalfFloatSpecialValuesPropagate) {
  ForEachTarget([] {
    for (size_t d : {size_t{1}, size_t{9}, size_t{33}, size_t{128}}) {
      SCOPED_TRACE(d);
      std::vector<uint16_t> v(d, 0x3C00);  // 1.0
      v[d / 2] = 0x7C00;                   // +Inf
      EXPECT_EQ(NormF16(v.data(), d), std::numeric_limits<float>::infinity());
      v[d / 2] = 0xFC00;  // -Inf
      EXPECT_EQ(InnerProductF16(v.data(), v.data(), d), std::numeric_limits<float>::infinity());
      v[d / 2] = 0x7E00;  // NaN
      EXPECT_TRUE(std::isnan(NormF16(v.data(), d)));
      v[d / 2] = 0x0001;  // smallest subnormal 2^-24
      std::vector<uint16_t> w(d, 0);
      w[d / 2] = 0x7800;  // 2^15
      EXPECT_EQ(InnerProductF16(v.data(), w.data(), d), std::ldexp(1.0f, -9));
    }
  });
}

TEST(DistanceTest, WideningArraysMatchScalarConversionForAllBitPatterns) {
  std::vector<uint16_t> all(65536 + 7);  // + 7: a ragged tail
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i);
  ForEachTarget([&] {
    std::vector<float> out(all.size());
    F16ToF32Array(all.data(), all.size(), out.data());
    for (size_t i = 0; i < all.size(); ++i) {
      const float want = ref::F16ToF32(all[i]);
      if (std::isnan(want)) {
        ASSERT_TRUE(std::isnan(out[i])) << i;
      } else {
        ASSERT_EQ(std::signbit(out[i]), std::signbit(want)) << i;
        ASSERT_EQ(out[i], want) << i;
      }
    }
    BF16ToF32Array(all.data(), all.size(), out.data());
    for (size_t i = 0; i < all.size(); ++i) {
      const float want = ref::BF16ToF32(all[i]);
      if (std::isnan(want)) {
        ASSERT_TRUE(std::isnan(out[i])) << i;
      } else {
        ASSERT_EQ(std::signbit(out[i]), std::signbit(want)) << i;
        ASSERT_EQ(out[i], want) << i;
      }
    }
  });
}

}  // namespace
}  // namespace elanus::simd
