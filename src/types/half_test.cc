#include "types/half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace elanus::types {
namespace {

TEST(HalfTest, RoundTripsEveryHalfValue) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = HalfToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(f))));
      continue;
    }
    EXPECT_EQ(FloatToHalf(f), h) << "half bits " << h;
  }
}

TEST(HalfTest, KnownValuesAndRounding) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(FloatToHalf(1e6f), 0x7c00);                    // overflow -> inf
  EXPECT_EQ(FloatToHalf(5.960464477539063e-08f), 0x0001);  // smallest subnormal
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 2048), 0x3c00);      // tie rounds to even
  EXPECT_EQ(FloatToHalf(1.0f + 3.0f / 2048), 0x3c02);      // tie rounds to even (up)
  EXPECT_FLOAT_EQ(HalfToFloat(0x3555), 0.333251953125f);
}

TEST(HalfTest, BFloat16MatchesTruncationWithRounding) {
  EXPECT_EQ(FloatToBFloat16(1.0f), 0x3f80);
  EXPECT_FLOAT_EQ(BFloat16ToFloat(0x3f80), 1.0f);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-1e6f, 1e6f);
  for (int i = 0; i < 10000; ++i) {
    float x = d(rng);
    float y = BFloat16ToFloat(FloatToBFloat16(x));
    EXPECT_LE(std::fabs(x - y), std::fabs(x) / 128.0f) << x;
  }
  EXPECT_TRUE(
      std::isnan(BFloat16ToFloat(FloatToBFloat16(std::numeric_limits<float>::quiet_NaN()))));
}

}  // namespace
}  // namespace elanus::types
