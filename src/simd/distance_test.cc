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

// Below the bound the result is L2Sqr's, bit for bit; at or above it, any value >= bound.
TEST(DistanceTest, BoundedL2IsExactBelowTheBoundAndAtLeastTheBoundAbove) {
  ForEachTarget([] {
    std::mt19937 rng(7);
    for (size_t d : kDims) {
      for (int rep = 0; rep < 20; ++rep) {
        const auto a = RandomFloats(d, rng), b = RandomFloats(d, rng);
        const float full = L2Sqr(a.data(), b.data(), d);
        for (float frac : {0.0f, 0.1f, 0.5f, 0.9f, 0.999f, 1.0f, 1.001f, 2.0f}) {
          const float bound = full * frac;
          const float got = L2SqrBounded(a.data(), b.data(), d, bound);
          const float want_ref = ref::L2SqrBounded(a.data(), b.data(), d, bound);
          if (full < bound) {
            EXPECT_EQ(got, full) << "d=" << d << " frac=" << frac;
          } else {
            EXPECT_GE(got, bound) << "d=" << d << " frac=" << frac;
            EXPECT_LE(got, full * (1 + 1e-5f)) << "a partial sum exceeds the full sum";
          }
          if (ref::L2Sqr(a.data(), b.data(), d) < bound) {
            EXPECT_EQ(want_ref, ref::L2Sqr(a.data(), b.data(), d));
          } else {
            EXPECT_GE(want_ref, bound);
          }
        }
        EXPECT_EQ(L2SqrBounded(a.data(), b.data(), d, std::numeric_limits<float>::infinity()),
                  full);
      }
    }
  });
}

// Values that fit each row type exactly, for the stored-row kernels.
std::vector<float> ValuesOfType(RowType t, size_t n, std::mt19937& rng) {
  std::vector<float> v(n);
  for (auto& x : v) {
    switch (t) {
      case RowType::kU8:
        x = static_cast<float>(rng() % 256);
        break;
      case RowType::kI8:
        x = static_cast<float>(static_cast<int>(rng() % 256) - 128);
        break;
      case RowType::kF16:
        x = F16ToF32(F32ToF16(std::uniform_real_distribution<float>(-100, 100)(rng)));
        break;
      case RowType::kBF16:
        x = BF16ToF32(F32ToBF16(std::uniform_real_distribution<float>(-100, 100)(rng)));
        break;
      case RowType::kF32:
        x = std::uniform_real_distribution<float>(-100, 100)(rng);
        break;
    }
  }
  return v;
}

TEST(DistanceTest, StoredRowKernelsEqualTheFloatKernelsOnTheDecodedRow) {
  const RowType kTypes[] = {RowType::kF32, RowType::kF16, RowType::kBF16, RowType::kI8,
                            RowType::kU8};
  ForEachTarget([&] {
    std::mt19937 rng(11);
    for (RowType t : kTypes) {
      SCOPED_TRACE(RowTypeName(t));
      for (size_t d : kDims) {
        const auto v = ValuesOfType(t, d, rng);
        const auto q = RandomFloats(d, rng, -50, 50);
        ASSERT_TRUE(RowTypeFits(v.data(), d, t));
        std::vector<uint8_t> row(d * RowTypeBytes(t));
        EncodeRow(v.data(), d, t, row.data());
        std::vector<float> back(d);
        DecodeRow(row.data(), t, d, back.data());
        EXPECT_EQ(back, v) << "d=" << d;
        const float full = L2Sqr(q.data(), v.data(), d);
        EXPECT_EQ(L2SqrBoundedRow(q.data(), row.data(), t, d, INFINITY), full) << "d=" << d;
        EXPECT_EQ(L2SqrBoundedRow(q.data(), row.data(), t, d, full * 0.5f),
                  L2SqrBounded(q.data(), v.data(), d, full * 0.5f));
        EXPECT_GE(L2SqrBoundedRow(q.data(), row.data(), t, d, full * 0.5f), full * 0.5f);
        EXPECT_EQ(InnerProductRow(q.data(), row.data(), t, d), InnerProduct(q.data(), v.data(), d));
      }
    }
  });
}

TEST(DistanceTest, FourRowKernelsEqualTheOneRowKernelsBitForBit) {
  const RowType kTypes[] = {RowType::kF32, RowType::kF16, RowType::kBF16, RowType::kI8,
                            RowType::kU8};
  ForEachTarget([&] {
    std::mt19937 rng(12);
    for (RowType t : kTypes) {
      SCOPED_TRACE(RowTypeName(t));
      for (size_t d : kDims) {
        const auto q = RandomFloats(d, rng, -50, 50);
        std::vector<std::vector<uint8_t>> rows(4, std::vector<uint8_t>(d * RowTypeBytes(t)));
        const void* ptrs[4];
        float full[4];
        for (int r = 0; r < 4; ++r) {
          const auto v = ValuesOfType(t, d, rng);
          EncodeRow(v.data(), d, t, rows[r].data());
          ptrs[r] = rows[r].data();
          full[r] = L2SqrBoundedRow(q.data(), ptrs[r], t, d, INFINITY);
        }
        float out[4];
        InnerProductRows4(q.data(), ptrs, t, d, out);
        for (int r = 0; r < 4; ++r) {
          EXPECT_EQ(out[r], InnerProductRow(q.data(), ptrs[r], t, d)) << "d=" << d << " r=" << r;
        }
        L2SqrBoundedRows4(q.data(), ptrs, t, d, INFINITY, out);
        for (int r = 0; r < 4; ++r) EXPECT_EQ(out[r], full[r]) << "d=" << d << " r=" << r;
        // A bound between the rows' distances: rows below it are exact, the others at least it.
        float sorted[4];
        std::copy(full, full + 4, sorted);
        std::sort(sorted, sorted + 4);
        for (float bound : {sorted[0] * 0.5f, (sorted[1] + sorted[2]) * 0.5f, sorted[3] * 2.0f}) {
          L2SqrBoundedRows4(q.data(), ptrs, t, d, bound, out);
          for (int r = 0; r < 4; ++r) {
            if (full[r] < bound) {
              EXPECT_EQ(out[r], full[r]) << "d=" << d << " r=" << r << " bound=" << bound;
            } else {
              EXPECT_GE(out[r], bound) << "d=" << d << " r=" << r << " bound=" << bound;
            }
          }
        }
      }
    }
  });
}

TEST(DistanceTest, RowTypeFitsOnlyExactlyRepresentableValues) {
  const float half = 0.5f, big = 256.0f, neg = -1.0f, nan = std::nanf("");
  EXPECT_FALSE(RowTypeFits(&half, 1, RowType::kU8));
  EXPECT_FALSE(RowTypeFits(&big, 1, RowType::kU8));
  EXPECT_FALSE(RowTypeFits(&neg, 1, RowType::kU8));
  EXPECT_TRUE(RowTypeFits(&neg, 1, RowType::kI8));
  EXPECT_FALSE(RowTypeFits(&big, 1, RowType::kI8));
  EXPECT_TRUE(RowTypeFits(&big, 1, RowType::kBF16));
  const float fine = 1.0f + 1.0f / 1024;  // 11 significant bits: float16 yes, bfloat16 no
  EXPECT_TRUE(RowTypeFits(&fine, 1, RowType::kF16));
  EXPECT_FALSE(RowTypeFits(&fine, 1, RowType::kBF16));
  const float third = 1.0f / 3;
  EXPECT_FALSE(RowTypeFits(&third, 1, RowType::kF16));
  EXPECT_TRUE(RowTypeFits(&third, 1, RowType::kF32));
  for (RowType t : {RowType::kF32, RowType::kF16, RowType::kBF16, RowType::kI8, RowType::kU8}) {
    EXPECT_FALSE(RowTypeFits(&nan, 1, t)) << RowTypeName(t);
  }
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
