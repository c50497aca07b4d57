// HNSW_SQ: graph search on SQ8 codes (or FP16/BF16 copies) with float32 re-ranking.
#include <gtest/gtest.h>

#include "index/hnsw_index.h"
#include "index/index_registry.h"
#include "index/test_data.h"

namespace elanus::index {
namespace {

using testing::BruteForce;
using testing::Recall;

const testing::Dataset& Clustered() {
  static const testing::Dataset ds = testing::MakeClustered(20000, 100, 64, 20, 42);
  return ds;
}

std::unique_ptr<VectorIndex> BuildSq(MetricType metric, ParamMap params, ThreadPool* pool) {
  const auto& ds = Clustered();
  params.emplace("M", "16");
  params.emplace("efConstruction", "200");
  auto index =
      IndexRegistry::Global().Create("HNSW_SQ", {DataType::kFloatVector, ds.dim, metric}, params);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_TRUE((*index)->Build(ds.base.data(), ds.n, pool).ok());
  return std::move(index).value();
}

double MeanRecall(const VectorIndex& index, const SearchParams& sp, const Bitset* allowed,
                  bool check_scores) {
  const auto& ds = Clustered();
  double sum = 0;
  for (int64_t i = 0; i < ds.nq; ++i) {
    const float* q = ds.queries.data() + i * ds.dim;
    std::vector<Neighbor> out;
    EXPECT_TRUE(index.Search(q, 10, allowed, sp, &out).ok());
    EXPECT_EQ(out.size(), 10u);
    if (check_scores && !out.empty()) {  // refined scores are exact distances
      const float* x = ds.base.data() + out[0].row * ds.dim;
      if (index.spec().metric == MetricType::kL2) {
        EXPECT_NEAR(out[0].score, simd::ref::L2Sqr(q, x, static_cast<size_t>(ds.dim)), 1e-3);
      }
    }
    sum += Recall(out, BruteForce(ds, index.spec().metric, q, 10, allowed));
  }
  return sum / static_cast<double>(ds.nq);
}

TEST(HnswSqTest, RecallWithRefineOnClusteredData) {
  ThreadPool pool(2);
  for (MetricType metric : {MetricType::kL2, MetricType::kIP, MetricType::kCosine}) {
    SCOPED_TRACE(MetricTypeName(metric));
    auto index = BuildSq(metric, {}, &pool);
    EXPECT_EQ(index->TypeName(), "HNSW_SQ");
    EXPECT_GE(MeanRecall(*index, SearchParams{.ef = 64}, nullptr, true), 0.95);
    const Bitset allowed = testing::RandomFilter(Clustered().n, 0.1, 5);
    EXPECT_GE(MeanRecall(*index, SearchParams{.ef = 64}, &allowed, true), 0.9);
  }
}

TEST(HnswSqTest, WithoutRefineScoresAreEstimates) {
  auto index = BuildSq(MetricType::kL2, {{"refine", "false"}}, nullptr);
  EXPECT_GE(MeanRecall(*index, SearchParams{.ef = 64}, nullptr, false), 0.85);
  // refine_k widens the candidate list.
  auto sp = index->ParseSearchParams({{"ef", "10"}, {"refine_k", "4"}}, 10);
  ASSERT_TRUE(sp.ok());
  EXPECT_FLOAT_EQ(sp->refine_k, 4.0f);
  EXPECT_FALSE(index->ParseSearchParams({{"refine_k", "0.5"}}, 10).ok());
}

TEST(HnswSqTest, HalfPrecisionSqTypesReachRecallAndPersist) {
  const auto& ds = Clustered();
  for (const char* sq_type : {"FP16", "BF16"}) {
    for (MetricType metric : {MetricType::kL2, MetricType::kIP, MetricType::kCosine}) {
      SCOPED_TRACE(std::string(sq_type) + " " + MetricTypeName(metric));
      auto index = BuildSq(metric, {{"sq_type", sq_type}, {"refine", "false"}}, nullptr);
      // Graph walk and scores on half-precision copies: close to float32 search.
      EXPECT_GE(MeanRecall(*index, SearchParams{.ef = 64}, nullptr, false), 0.9);
      std::string image;
      ASSERT_TRUE(index->Serialize(&image).ok());
      auto loaded = IndexRegistry::Global().Load(image);
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      std::vector<Neighbor> a, b;
      ASSERT_TRUE(index->Search(ds.queries.data(), 10, nullptr, SearchParams{.ef = 32}, &a).ok());
      ASSERT_TRUE(
          (*loaded)->Search(ds.queries.data(), 10, nullptr, SearchParams{.ef = 32}, &b).ok());
      EXPECT_EQ(a, b);
    }
    // With refine (default), scores are exact float32 distances.
    auto refined = BuildSq(MetricType::kL2, {{"sq_type", sq_type}}, nullptr);
    EXPECT_GE(MeanRecall(*refined, SearchParams{.ef = 64}, nullptr, true), 0.95);
  }
}

TEST(HnswSqTest, ParametersAreValidated) {
  auto& reg = IndexRegistry::Global();
  const IndexSpec spec{DataType::kFloatVector, 8, MetricType::kL2};
  auto sq4 = reg.Create("HNSW_SQ", spec, {{"sq_type", "SQ4U"}});
  ASSERT_FALSE(sq4.ok());
  EXPECT_NE(sq4.status().message().find("sq_type=SQ4U"), std::string::npos);
  auto sq6 = reg.Create("HNSW_SQ", spec, {{"sq_type", "SQ6"}});
  ASSERT_FALSE(sq6.ok());
  EXPECT_NE(sq6.status().message().find("sq_type=SQ6"), std::string::npos);
  EXPECT_TRUE(reg.Create("HNSW_SQ", spec, {{"sq_type", "FP16"}}).ok());
  EXPECT_TRUE(reg.Create("HNSW_SQ", spec, {{"sq_type", "BF16"}}).ok());
  EXPECT_TRUE(reg.Create("HNSW_SQ", spec, {{"refine", "False"}}).ok());  // Python's spelling
  auto refine = reg.Create("HNSW_SQ", spec, {{"refine", "yes"}});
  ASSERT_FALSE(refine.ok());
  EXPECT_NE(refine.status().message().find("refine=yes: must be true or false"), std::string::npos);
  EXPECT_TRUE(reg.Create("HNSW_SQ", spec, {{"refine_type", "FP16"}, {"M", "8"}}).ok());
  EXPECT_FALSE(reg.Create("HNSW_SQ", spec, {{"M", "1"}}).ok());
}

}  // namespace
}  // namespace elanus::index
