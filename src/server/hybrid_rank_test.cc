#include "server/hybrid_rank.h"

#include <gtest/gtest.h>

#include <cmath>

namespace elanus::server {
namespace {

SearchResult Hits(std::vector<int64_t> ids, std::vector<float> scores) {
  SearchResult r;
  r.nq = 1;
  r.topks = {static_cast<int64_t>(ids.size())};
  r.ids.ints = std::move(ids);
  r.scores = std::move(scores);
  return r;
}

TEST(HybridRankTest, RrfSumsReciprocalRanksAndBreaksTiesOnSmallerKey) {
  auto ranker = ParseRanker("rrf", R"({"k": 60})");
  ASSERT_TRUE(ranker.ok());
  // Key 5 is first in list A and 9 first in list B: equal RRF scores, 5 wins the tie.
  std::vector<SearchResult> subs = {Hits({5, 9}, {0.9f, 0.8f}), Hits({9, 5}, {3.0f, 2.0f})};
  auto fused = FuseHits(*ranker, subs, {MetricType::kCosine, MetricType::kIP}, 10, 0);
  ASSERT_TRUE(fused.ok()) << fused.status().ToString();
  ASSERT_EQ((*fused)[0].size(), 2u);
  EXPECT_EQ(subs[(*fused)[0][0].source].ids.ints[(*fused)[0][0].row], 5);
  EXPECT_NEAR((*fused)[0][0].score, 1.0 / 61 + 1.0 / 62, 1e-6);
}

TEST(HybridRankTest, WeightedNormalizesPerMetricAndAppliesOffsetLimit) {
  auto ranker = ParseRanker("weighted", R"({"weights": [1.0, 0.5], "norm_score": true})");
  ASSERT_TRUE(ranker.ok());
  std::vector<SearchResult> subs = {Hits({1, 2, 3}, {0.5f, 0.0f, -0.5f}),  // COSINE
                                    Hits({3, 2}, {0.0f, 1.0f})};           // L2 distances
  auto fused = FuseHits(*ranker, subs, {MetricType::kCosine, MetricType::kL2}, 2, 1);
  ASSERT_TRUE(fused.ok());
  // Scores: 1 -> 0.75; 2 -> 0.5 + 0.5 * (1 - 2 atan(1)/pi) = 0.75; 3 -> 0.25 + 0.5 = 0.75.
  // All tie: order 1, 2, 3 by key; offset 1 keeps 2, 3.
  ASSERT_EQ((*fused)[0].size(), 2u);
  EXPECT_NEAR((*fused)[0][0].score, 0.75, 1e-6);
  const FusedHit& h = (*fused)[0][0];
  EXPECT_EQ(subs[h.source].ids.ints[h.row], 2);
}

TEST(HybridRankTest, RejectsBadParameters) {
  EXPECT_FALSE(ParseRanker("rrf", R"({"k": 0})").ok());
  EXPECT_FALSE(ParseRanker("rrf", R"({"k": 16384})").ok());
  EXPECT_FALSE(ParseRanker("weighted", R"({"weights": [1.5]})").ok());
  EXPECT_FALSE(ParseRanker("magic", "").ok());
  auto w = ParseRanker("weighted", R"({"weights": [1.0]})");
  ASSERT_TRUE(w.ok());
  std::vector<SearchResult> subs = {Hits({1}, {1}), Hits({1}, {1})};
  EXPECT_FALSE(FuseHits(*w, subs, {MetricType::kIP, MetricType::kIP}, 10, 0).ok());
}

}  // namespace
}  // namespace elanus::server
