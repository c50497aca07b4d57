// HNSW filtered search: recall and result counts across filter selectivities.
#include <gtest/gtest.h>

#include "index/hnsw_index.h"
#include "index/test_data.h"

namespace elanus::index {
namespace {

using testing::BruteForce;
using testing::Recall;

TEST(HnswFilterTest, RecallAndExactlyKResultsAcrossSelectivities) {
  const auto ds = testing::MakeClustered(20000, 100, 64, 20, 42);
  ThreadPool pool(2);
  for (MetricType metric : {MetricType::kL2, MetricType::kIP}) {
    auto index = HnswIndex::Create({DataType::kFloatVector, ds.dim, metric},
                                   HnswParams{.m = 16, .ef_construction = 200});
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->Build(ds.base.data(), ds.n, &pool).ok());
    for (double fraction : {0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 0.9}) {
      SCOPED_TRACE(fraction);
      SCOPED_TRACE(MetricTypeName(metric));
      const Bitset allowed = testing::RandomFilter(ds.n, fraction, 7);
      double sum = 0;
      for (int64_t i = 0; i < ds.nq; ++i) {
        const float* q = ds.queries.data() + i * ds.dim;
        std::vector<Neighbor> out;
        ASSERT_TRUE((*index)->Search(q, 10, &allowed, SearchParams{.ef = 64}, &out).ok());
        ASSERT_EQ(out.size(), 10u);
        for (const Neighbor& nb : out) ASSERT_TRUE(allowed.test(static_cast<size_t>(nb.row)));
        sum += Recall(out, BruteForce(ds, metric, q, 10, &allowed));
      }
      EXPECT_GE(sum / static_cast<double>(ds.nq), 0.9);
    }
  }
}

TEST(HnswFilterTest, FewAllowedRowsAreAllReturned) {
  const auto ds = testing::MakeClustered(3000, 1, 16, 5, 1);
  auto index = HnswIndex::Create({DataType::kFloatVector, ds.dim, MetricType::kIP},
                                 HnswParams{.m = 8, .ef_construction = 50});
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->Build(ds.base.data(), ds.n, nullptr).ok());
  Bitset allowed(3000);
  std::vector<Neighbor> out;
  ASSERT_TRUE((*index)->Search(ds.queries.data(), 10, &allowed, {}, &out).ok());
  EXPECT_TRUE(out.empty());
  for (size_t r : {5u, 1500u, 2999u}) allowed.set(r);
  ASSERT_TRUE((*index)->Search(ds.queries.data(), 10, &allowed, SearchParams{.ef = 10}, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_GE(out[0].score, out[1].score);
}

}  // namespace
}  // namespace elanus::index
