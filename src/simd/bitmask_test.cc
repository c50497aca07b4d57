// IntegerPredicateBits against a scalar reference, on every SIMD target, for every width, both
// modes, lengths around the 64-row word and the vector widths, unaligned input and wrapping
// intervals.
#include "simd/bitmask.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "simd/test_targets.h"

namespace elanus::simd {
namespace {

template <typename T>
std::vector<uint64_t> Reference(const uint8_t* x, size_t n, T lo, T span, bool not_equal) {
  std::vector<uint64_t> out((n + 63) / 64, 0);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, x + i * sizeof(T), sizeof(T));
    const bool pass = not_equal ? v != lo : static_cast<T>(v - lo) <= span;
    if (pass) out[i / 64] |= uint64_t{1} << (i % 64);
  }
  return out;
}

template <typename T>
void CheckWidth(std::mt19937_64& rng) {
  const std::vector<size_t> lengths = {0, 1, 7, 8, 31, 63, 64, 65, 127, 128, 129, 200, 1000};
  std::vector<uint8_t> buf(1001 * sizeof(T) + 1);
  for (size_t n : lengths) {
    for (int trial = 0; trial < 6; ++trial) {
      // Values from a small range around a random centre so that intervals cut through them.
      const T centre = static_cast<T>(rng());
      for (size_t i = 0; i < n; ++i) {
        const T v = static_cast<T>(centre + static_cast<T>(rng() % 16));
        std::memcpy(buf.data() + 1 + i * sizeof(T), &v, sizeof(T));  // odd address: unaligned
      }
      const T lo = static_cast<T>(centre + static_cast<T>(rng() % 8));
      // Spans: empty-ish, partial, and one that wraps past the type's maximum.
      for (T span : {T{0}, static_cast<T>(rng() % 8), static_cast<T>(~T{0} - T{3})}) {
        for (bool ne : {false, true}) {
          SCOPED_TRACE(testing::Message() << "width " << sizeof(T) << " n " << n << " ne " << ne);
          std::vector<uint64_t> got((n + 63) / 64, 0xdeadbeefULL);
          IntegerPredicateBits(buf.data() + 1, sizeof(T), n, lo, span, ne, got.data());
          EXPECT_EQ(got, Reference<T>(buf.data() + 1, n, lo, span, ne));
        }
      }
    }
  }
}

TEST(BitmaskTest, IntegerPredicateBitsMatchesScalarOnEveryTarget) {
  ForEachTarget([] {
    std::mt19937_64 rng(5);
    CheckWidth<uint8_t>(rng);
    CheckWidth<uint16_t>(rng);
    CheckWidth<uint32_t>(rng);
    CheckWidth<uint64_t>(rng);
  });
}

}  // namespace
}  // namespace elanus::simd
