// The bit-manipulating float16 / bfloat16 conversions against independent arithmetic references.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "simd/distance.h"

namespace elanus::simd {
namespace {

float FloatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

bool IsNanF16(uint16_t h) { return (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0; }
bool IsNanBF16(uint16_t h) { return (h & 0x7F80) == 0x7F80 && (h & 0x7F) != 0; }

void ExpectSameF16(float f) {
  const uint16_t got = F32ToF16(f), want = ref::F32ToF16(f);
  if (std::isnan(f)) {
    EXPECT_TRUE(IsNanF16(got)) << f;
    EXPECT_EQ(got & 0x8000, want & 0x8000);
  } else {
    EXPECT_EQ(got, want) << std::hexfloat << f;
  }
}

void ExpectSameBF16(float f) {
  const uint16_t got = F32ToBF16(f), want = ref::F32ToBF16(f);
  if (std::isnan(f)) {
    EXPECT_TRUE(IsNanBF16(got)) << f;
  } else {
    EXPECT_EQ(got, want) << std::hexfloat << f;
  }
}

TEST(ConversionTest, KnownValues) {
  EXPECT_EQ(F32ToF16(1.0f), 0x3C00);
  EXPECT_EQ(F32ToF16(-2.0f), 0xC000);
  EXPECT_EQ(F32ToF16(65504.0f), 0x7BFF);    // max half
  EXPECT_EQ(F32ToF16(65519.0f), 0x7BFF);    // below the midpoint to 65536
  EXPECT_EQ(F32ToF16(65520.0f), 0x7C00);    // midpoint, ties to even -> Inf
  EXPECT_EQ(F32ToF16(0x1p-24f), 0x0001);    // smallest subnormal
  EXPECT_EQ(F32ToF16(0x1p-25f), 0x0000);    // tie, rounds to even (zero)
  EXPECT_EQ(F32ToF16(0x1.8p-25f), 0x0001);  // above the tie
  EXPECT_EQ(F32ToF16(-0.0f), 0x8000);
  EXPECT_EQ(F16ToF32(0x3555), 0x1.554p-2f);  // 0.333251953125
  EXPECT_EQ(F16ToF32(0x0001), 0x1p-24f);
  EXPECT_EQ(F16ToF32(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(F16ToF32(0x7E00)));
  EXPECT_EQ(F32ToBF16(1.0f), 0x3F80);
  EXPECT_EQ(F32ToBF16(FloatOf(0x3F808000)), 0x3F80);  // tie, even stays
  EXPECT_EQ(F32ToBF16(FloatOf(0x3F818000)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(F32ToBF16(FloatOf(0x7F7FFFFF)), 0x7F80);  // max float rounds to Inf
  EXPECT_EQ(BF16ToF32(0x3F80), 1.0f);
  EXPECT_EQ(ref::F32ToF16(65520.0f), 0x7C00);
  EXPECT_EQ(ref::F32ToBF16(FloatOf(0x3F818000)), 0x3F82);
}

TEST(ConversionTest, WideningMatchesReferenceForAllBitPatterns) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const float got = F16ToF32(static_cast<uint16_t>(h)),
                want = ref::F16ToF32(static_cast<uint16_t>(h));
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << h;
    } else {
      ASSERT_EQ(got, want) << h;
      ASSERT_EQ(std::signbit(got), std::signbit(want)) << h;
    }
    const float gb = BF16ToF32(static_cast<uint16_t>(h)),
                wb = ref::BF16ToF32(static_cast<uint16_t>(h));
    if (std::isnan(wb)) {
      ASSERT_TRUE(std::isnan(gb)) << h;
    } else {
      ASSERT_EQ(gb, wb) << h;
      ASSERT_EQ(std::signbit(gb), std::signbit(wb)) << h;
    }
  }
}

TEST(ConversionTest, NarrowingRoundTripsEveryRepresentableValue) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const uint16_t x = static_cast<uint16_t>(h);
    if (!IsNanF16(x)) {
      ASSERT_EQ(F32ToF16(F16ToF32(x)), x) << h;
    }
    if (!IsNanBF16(x)) {
      ASSERT_EQ(F32ToBF16(BF16ToF32(x)), x) << h;
    }
  }
}

TEST(ConversionTest, NarrowingRoundsTiesToEvenLikeReference) {
  // Midpoints between consecutive halves, and their float neighbours.
  for (uint32_t h = 0; h < 0x7C00; ++h) {
    const double lo = ref::F16ToF32(static_cast<uint16_t>(h));
    const double hi = ref::F16ToF32(static_cast<uint16_t>(h + 1));  // 0x7C00: Inf; skip below
    if (std::isinf(hi)) break;
    const float mid = static_cast<float>((lo + hi) / 2);  // exact in float
    ExpectSameF16(mid);
    ExpectSameF16(-mid);
    ExpectSameF16(std::nextafter(mid, 0.0f));
    ExpectSameF16(std::nextafter(mid, 1e30f));
    const uint16_t r = F32ToF16(mid);
    EXPECT_EQ(r & 1, 0) << "tie not to even at " << h;
  }
}

TEST(ConversionTest, NarrowingMatchesReferenceOnRandomBitPatterns) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> any;
  // Exponents near the half range, where all the cases of F32ToF16 are.
  std::uniform_int_distribution<uint32_t> near_half(0x32000000u, 0x48000000u);
  for (int i = 0; i < 1000000; ++i) {
    const float f = FloatOf(any(rng));
    ExpectSameF16(f);
    ExpectSameBF16(f);
    const uint32_t bits = near_half(rng) | (any(rng) & 0x80000000u);
    ExpectSameF16(FloatOf(bits));
    if (HasFailure()) return;
  }
  // Specials and float subnormals.
  for (float f : {0.0f, -0.0f, std::numeric_limits<float>::infinity(),
                  -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                  std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::min(),
                  std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()}) {
    ExpectSameF16(f);
    ExpectSameBF16(f);
  }
}

}  // namespace
}  // namespace elanus::simd
