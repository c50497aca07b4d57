#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace elanus {
namespace {

uint32_t Crc(const std::string& s) { return Crc32c(s.data(), s.size()); }

TEST(Crc32cTest, MatchesKnownVectors) {
  EXPECT_EQ(Crc(""), 0u);
  EXPECT_EQ(Crc("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc("a"), 0xC1D04330u);
  // RFC 3720 (iSCSI) appendix B.4 test vectors.
  EXPECT_EQ(Crc(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, ChainingEqualsWholeBuffer) {
  std::mt19937 rng(42);
  std::string data(1000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  const uint32_t whole = Crc(data);
  for (size_t split : {0, 1, 7, 8, 9, 63, 500, 999, 1000}) {
    const uint32_t a = Crc32c(data.data(), split);
    EXPECT_EQ(Crc32c(data.data() + split, data.size() - split, a), whole) << "split " << split;
  }
}

TEST(Crc32cTest, SoftwareAndDispatchedAgreeOnAllLengthsAndAlignments) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(300);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t n = 0; n + offset <= buf.size(); n += 13) {
      const uint32_t init = static_cast<uint32_t>(rng());
      ASSERT_EQ(Crc32c(buf.data() + offset, n, init),
                internal::Crc32cSoftware(buf.data() + offset, n, init))
          << "offset " << offset << " n " << n;
    }
  }
  EXPECT_EQ(internal::Crc32cSoftware("123456789", 9, 0), 0xE3069283u);
}

TEST(Crc32cTest, DetectsSingleBitFlip) {
  std::string s(100, 'x');
  const uint32_t before = Crc(s);
  s[50] ^= 0x01;
  EXPECT_NE(Crc(s), before);
}

}  // namespace
}  // namespace elanus
