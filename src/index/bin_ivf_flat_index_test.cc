#include "index/bin_ivf_flat_index.h"

#include <gtest/gtest.h>

#include <random>

#include "common/thread_pool.h"
#include "index/index_registry.h"
#include "index/test_data.h"

namespace elanus::index {
namespace {

// Binary rows clustered around random centres: each bit flipped with probability 0.1.
std::vector<uint8_t> ClusteredBits(size_t n, size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> centres(16 * bytes);
  for (auto& b : centres) b = static_cast<uint8_t>(rng());
  std::bernoulli_distribution flip(0.1);
  std::vector<uint8_t> rows(n * bytes);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = centres.data() + (rng() % 16) * bytes;
    for (size_t j = 0; j < bytes; ++j) {
      uint8_t v = c[j];
      for (int bit = 0; bit < 8; ++bit) v ^= static_cast<uint8_t>(flip(rng) << bit);
      rows[i * bytes + j] = v;
    }
  }
  return rows;
}

TEST(BinIvfFlatIndexTest, MatchesBinFlatWithAllProbesAndRecallsWithDefault) {
  const size_t n = 5000, bytes = 16, nq = 30;
  const auto rows = ClusteredBits(n + nq, bytes, 4);
  for (MetricType metric : {MetricType::kHamming, MetricType::kJaccard}) {
    SCOPED_TRACE(MetricTypeName(metric));
    const IndexSpec spec{DataType::kBinaryVector, static_cast<int64_t>(bytes * 8), metric};
    auto ivf = IndexRegistry::Global().Create("BIN_IVF_FLAT", spec, {{"nlist", "32"}});
    auto flat = IndexRegistry::Global().Create("BIN_FLAT", spec, {});
    ASSERT_TRUE(ivf.ok() && flat.ok());
    ASSERT_TRUE((*ivf)->Build(rows.data(), static_cast<int64_t>(n), nullptr).ok());
    ASSERT_TRUE((*flat)->Build(rows.data(), static_cast<int64_t>(n), nullptr).ok());
    double recall_default = 0;
    for (size_t i = 0; i < nq; ++i) {
      const uint8_t* q = rows.data() + (n + i) * bytes;
      std::vector<Neighbor> a, b, c;
      ASSERT_TRUE((*ivf)->Search(q, 10, nullptr, SearchParams{.nprobe = 32}, &a).ok());
      ASSERT_TRUE((*flat)->Search(q, 10, nullptr, {}, &b).ok());
      ASSERT_EQ(a.size(), 10u);
      for (size_t j = 0; j < 10; ++j) EXPECT_EQ(a[j].score, b[j].score);  // ties may reorder rows
      ASSERT_TRUE((*ivf)->Search(q, 10, nullptr, {}, &c).ok());
      std::vector<int64_t> truth;
      for (const auto& nb : b) truth.push_back(nb.row);
      recall_default += testing::Recall(c, truth) / nq;
    }
    EXPECT_GE(recall_default, 0.8);
  }
}

// Rows added by many small Adds (assigned on a pool) land where one Build puts them, and the
// lists hold at most 1.5x spare capacity; a Build alone sizes them exactly.
TEST(BinIvfFlatIndexTest, SmallAddsMatchOneBuildAndBoundTheSpareCapacity) {
  const size_t n = 5000, bytes = 16, nq = 20, first = 1000;
  const auto rows = ClusteredBits(n + nq, bytes, 9);
  const IndexSpec spec{DataType::kBinaryVector, static_cast<int64_t>(bytes * 8),
                       MetricType::kHamming};
  ThreadPool pool(2);
  auto whole = IndexRegistry::Global().Create("BIN_IVF_FLAT", spec, {{"nlist", "16"}});
  auto parts = IndexRegistry::Global().Create("BIN_IVF_FLAT", spec, {{"nlist", "16"}});
  ASSERT_TRUE(whole.ok() && parts.ok());
  ASSERT_TRUE((*whole)->Build(rows.data(), static_cast<int64_t>(first), nullptr).ok());
  // Exact after a Build: codes + row ids + centroids + list headers.
  const size_t exact_first = first * (bytes + 4) + 16 * bytes;
  EXPECT_GE((*whole)->MemoryBytes(), exact_first);
  EXPECT_LE((*whole)->MemoryBytes(), exact_first + 16 * 64);
  ASSERT_TRUE((*whole)->Add(rows.data() + first * bytes, n - first, nullptr).ok());
  ASSERT_TRUE((*parts)->Build(rows.data(), static_cast<int64_t>(first), &pool).ok());
  for (size_t at = first; at < n; at += 100) {
    ASSERT_TRUE((*parts)->Add(rows.data() + at * bytes, 100, &pool).ok());
  }
  ASSERT_EQ((*parts)->Size(), static_cast<int64_t>(n));
  const size_t exact = n * (bytes + 4) + 16 * bytes;
  EXPECT_LE((*parts)->MemoryBytes(), exact * 3 / 2 + 16 * 64 + 16 * 2 * (bytes + 4));
  for (size_t i = 0; i < nq; ++i) {
    const uint8_t* q = rows.data() + (n + i) * bytes;
    std::vector<Neighbor> a, b;
    ASSERT_TRUE((*whole)->Search(q, 10, nullptr, SearchParams{.nprobe = 3}, &a).ok());
    ASSERT_TRUE((*parts)->Search(q, 10, nullptr, SearchParams{.nprobe = 3}, &b).ok());
    ASSERT_EQ(a.size(), 10u);
    ASSERT_EQ(b.size(), 10u);
    for (size_t j = 0; j < 10; ++j) EXPECT_EQ(a[j].score, b[j].score);
  }
}

TEST(BinIvfFlatIndexTest, FilterAndValidation) {
  const size_t n = 2000, bytes = 8;
  const auto rows = ClusteredBits(n, bytes, 9);
  const IndexSpec spec{DataType::kBinaryVector, 64, MetricType::kHamming};
  auto ivf = IndexRegistry::Global().Create("BIN_IVF_FLAT", spec, {{"nlist", "16"}});
  ASSERT_TRUE(ivf.ok());
  ASSERT_TRUE((*ivf)->Build(rows.data(), static_cast<int64_t>(n), nullptr).ok());
  Bitset allowed(n);
  for (size_t r : {3u, 700u, 1999u}) allowed.set(r);
  std::vector<Neighbor> out;
  ASSERT_TRUE((*ivf)->Search(rows.data(), 10, &allowed, SearchParams{.nprobe = 1}, &out).ok());
  EXPECT_EQ(out.size(), 3u);  // probing continues past nprobe to find the allowed rows
  auto bad = IndexRegistry::Global().Create("BIN_IVF_FLAT",
                                            {DataType::kFloatVector, 8, MetricType::kL2}, {});
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  auto nlist = IndexRegistry::Global().Create("BIN_IVF_FLAT", spec, {{"nlist", "0"}});
  EXPECT_NE(nlist.status().message().find("nlist=0"), std::string::npos);
}

}  // namespace
}  // namespace elanus::index
