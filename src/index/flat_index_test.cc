#include "index/flat_index.h"

#include <gtest/gtest.h>

#include "index/index_registry.h"
#include "index/test_data.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

TEST(FlatIndexTest, ExactTopKForEveryMetric) {
  const auto ds = testing::MakeClustered(3000, 20, 24, 5, 9);
  for (MetricType metric : {MetricType::kL2, MetricType::kIP, MetricType::kCosine}) {
    SCOPED_TRACE(MetricTypeName(metric));
    auto index = FlatIndex::Create({DataType::kFloatVector, ds.dim, metric}, false);
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->Build(ds.base.data(), ds.n, nullptr).ok());
    const Bitset allowed = testing::RandomFilter(ds.n, 0.2, 3);
    for (int64_t i = 0; i < ds.nq; ++i) {
      const float* q = ds.queries.data() + i * ds.dim;
      std::vector<Neighbor> out;
      ASSERT_TRUE((*index)->Search(q, 10, nullptr, {}, &out).ok());
      EXPECT_EQ(testing::Recall(out, testing::BruteForce(ds, metric, q, 10)), 1.0);
      ASSERT_TRUE((*index)->Search(q, 10, &allowed, {}, &out).ok());
      EXPECT_EQ(testing::Recall(out, testing::BruteForce(ds, metric, q, 10, &allowed)), 1.0);
    }
  }
}

TEST(FlatIndexTest, RangeSearchFollowsMilvusBounds) {
  auto index = FlatIndex::Create({DataType::kFloatVector, 1, MetricType::kL2}, false);
  ASSERT_TRUE(index.ok());
  const float rows[5] = {0, 1, 2, 3, 4};
  ASSERT_TRUE((*index)->Build(rows, 5, nullptr).ok());
  const float q = 0;
  std::vector<Neighbor> out;
  // range_filter <= d < radius: 1 <= d < 9 -> rows 1 (d=1) and 2 (d=4).
  ASSERT_TRUE((*index)->RangeSearch(&q, 9.0f, 1.0f, 0, nullptr, {}, &out).ok());
  EXPECT_EQ(out, (std::vector<Neighbor>{{1, 1.0f}, {2, 4.0f}}));

  auto ip = FlatIndex::Create({DataType::kFloatVector, 1, MetricType::kIP}, false);
  ASSERT_TRUE(ip.ok());
  ASSERT_TRUE((*ip)->Build(rows, 5, nullptr).ok());
  const float one = 1;
  // radius < s <= range_filter: 1 < s <= 3 -> rows 3, 2.
  ASSERT_TRUE((*ip)->RangeSearch(&one, 1.0f, 3.0f, 0, nullptr, {}, &out).ok());
  EXPECT_EQ(out, (std::vector<Neighbor>{{3, 3.0f}, {2, 2.0f}}));
  ASSERT_TRUE((*ip)->RangeSearch(&one, 1.0f, 3.0f, 1, nullptr, {}, &out).ok());
  EXPECT_EQ(out.size(), 1u);
}

TEST(FlatIndexTest, BinaryHammingAndJaccard) {
  std::mt19937 rng(5);
  const int64_t n = 500, nbytes = 8;
  std::vector<uint8_t> data(static_cast<size_t>(n * nbytes));
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (MetricType metric : {MetricType::kHamming, MetricType::kJaccard}) {
    auto index = IndexRegistry::Global().Create("BIN_FLAT",
                                                {DataType::kBinaryVector, nbytes * 8, metric}, {});
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->Build(data.data(), n, nullptr).ok());
    const uint8_t* q = data.data() + 7 * nbytes;
    std::vector<Neighbor> out;
    ASSERT_TRUE((*index)->Search(q, 5, nullptr, {}, &out).ok());
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(out[0], (Neighbor{7, 0.0f}));
    for (const Neighbor& nb : out) {
      const uint8_t* x = data.data() + nb.row * nbytes;
      const float want = metric == MetricType::kHamming
                             ? static_cast<float>(simd::ref::Hamming(q, x, nbytes))
                             : simd::ref::Jaccard(q, x, nbytes);
      EXPECT_FLOAT_EQ(nb.score, want);
    }
    float worst_seen = out.back().score;
    for (int64_t i = 0; i < n; ++i) {  // nothing better than the 5th result was left out
      const uint8_t* x = data.data() + i * nbytes;
      const float d = metric == MetricType::kHamming
                          ? static_cast<float>(simd::ref::Hamming(q, x, nbytes))
                          : simd::ref::Jaccard(q, x, nbytes);
      if (d < worst_seen) {
        EXPECT_TRUE(std::any_of(out.begin(), out.end(), [&](auto& nb) { return nb.row == i; }));
      }
    }
  }
}

}  // namespace
}  // namespace elanus::index
