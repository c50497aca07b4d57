#include "index/ivf_pq_index.h"

#include <gtest/gtest.h>

#include "index/index_registry.h"
#include "index/test_data.h"

namespace elanus::index {
namespace {

using testing::BruteForce;
using testing::Recall;

std::unique_ptr<VectorIndex> MakePq(int64_t dim, MetricType metric, const ParamMap& params) {
  auto index =
      IndexRegistry::Global().Create("IVF_PQ", {DataType::kFloatVector, dim, metric}, params);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index).value() : nullptr;
}

double MeanRecall(const VectorIndex& index, const testing::Dataset& ds, int64_t nprobe,
                  const Bitset* allowed = nullptr) {
  double sum = 0;
  for (int64_t i = 0; i < ds.nq; ++i) {
    const float* q = ds.queries.data() + i * ds.dim;
    std::vector<Neighbor> out;
    EXPECT_TRUE(index.Search(q, 10, allowed, SearchParams{.nprobe = nprobe}, &out).ok());
    EXPECT_EQ(out.size(), 10u);
    sum += Recall(out, BruteForce(ds, index.spec().metric, q, 10, allowed));
  }
  return sum / static_cast<double>(ds.nq);
}

TEST(IvfPqIndexTest, RecallFloorPerMetric) {
  const auto ds = testing::MakeClustered(6000, 30, 32, 20, 42);
  for (MetricType metric : {MetricType::kL2, MetricType::kIP, MetricType::kCosine}) {
    SCOPED_TRACE(MetricTypeName(metric));
    auto index = MakePq(ds.dim, metric, {{"nlist", "32"}, {"m", "16"}});
    ASSERT_TRUE(index);
    ASSERT_TRUE(index->Build(ds.base.data(), ds.n, nullptr).ok());
    // 16 bytes of codes + 4 of row id per row instead of 128 bytes of floats.
    EXPECT_LT(index->MemoryBytes(),
              size_t{6000} * (16 + 4) + 32 * 32 * 4 + 256 * 32 * 4 + 32 * 100);
    EXPECT_GE(MeanRecall(*index, ds, 32), 0.6);
    EXPECT_GE(MeanRecall(*index, ds, 0), 0.5);  // default nprobe = 8
  }
}

TEST(IvfPqIndexTest, ScoresApproximateExactOnes) {
  const auto ds = testing::MakeClustered(5000, 10, 32, 10, 4);
  auto index = MakePq(ds.dim, MetricType::kL2, {{"nlist", "16"}, {"m", "16"}});
  ASSERT_TRUE(index);
  ASSERT_TRUE(index->Build(ds.base.data(), ds.n, nullptr).ok());
  auto flat = IndexRegistry::Global().Create("FLAT", index->spec(), {});
  ASSERT_TRUE(flat.ok());
  ASSERT_TRUE((*flat)->Build(ds.base.data(), ds.n, nullptr).ok());
  for (int64_t i = 0; i < ds.nq; ++i) {
    const float* q = ds.queries.data() + i * ds.dim;
    std::vector<Neighbor> a, b;
    ASSERT_TRUE(index->Search(q, 1, nullptr, SearchParams{.nprobe = 16}, &a).ok());
    ASSERT_TRUE((*flat)->Search(q, 1, nullptr, {}, &b).ok());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_NEAR(a[0].score, b[0].score, 0.25 * b[0].score + 0.05);
  }
}

TEST(IvfPqIndexTest, WideCodesAndFewRows) {
  const auto ds = testing::MakeClustered(3000, 20, 16, 8, 9);
  // nbits = 10: 2-byte codes; 1024 codewords trained from 3000 rows.
  auto wide = MakePq(ds.dim, MetricType::kL2, {{"nlist", "8"}, {"m", "4"}, {"nbits", "10"}});
  ASSERT_TRUE(wide);
  ASSERT_TRUE(wide->Build(ds.base.data(), ds.n, nullptr).ok());
  EXPECT_GE(MeanRecall(*wide, ds, 8), 0.6);
  // Fewer rows than codewords and lists.
  auto tiny = MakePq(ds.dim, MetricType::kL2, {{"nlist", "16"}, {"m", "2"}});
  ASSERT_TRUE(tiny);
  ASSERT_TRUE(tiny->Build(ds.base.data(), 5, nullptr).ok());
  std::vector<Neighbor> out;
  ASSERT_TRUE(tiny->Search(ds.queries.data(), 10, nullptr, SearchParams{.nprobe = 5}, &out).ok());
  EXPECT_EQ(out.size(), 5u);
  EXPECT_TRUE(tiny->Search(ds.queries.data(), 10, nullptr, SearchParams{.nprobe = 6}, &out)
                  .IsInvalidArgument());
}

TEST(IvfPqIndexTest, FilteredSearchAndAdd) {
  const auto ds = testing::MakeClustered(8000, 20, 32, 10, 3);
  auto index = MakePq(ds.dim, MetricType::kL2, {{"nlist", "32"}, {"m", "16"}});
  ASSERT_TRUE(index);
  EXPECT_EQ(index->Add(ds.base.data(), 10, nullptr).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(index->Build(ds.base.data(), 4000, nullptr).ok());
  const size_t built = index->MemoryBytes();
  ASSERT_TRUE(index->Add(ds.base.data() + 4000 * ds.dim, 4000, nullptr).ok());
  EXPECT_EQ(index->Size(), 8000);
  // The Add reserves each list's new rows up front: 4,000 more rows of 16 code bytes + 4 row-id
  // bytes, at most doubling a list that had spare room.
  EXPECT_GE(index->MemoryBytes(), built + 4000 * (16 + 4));
  EXPECT_LE(index->MemoryBytes(), built + 2 * 4000 * (16 + 4));
  for (double fraction : {0.002, 0.05, 0.5}) {
    SCOPED_TRACE(fraction);
    const Bitset allowed = testing::RandomFilter(ds.n, fraction, 11);
    std::vector<Neighbor> out;
    for (int64_t i = 0; i < ds.nq; ++i) {
      ASSERT_TRUE(index
                      ->Search(ds.queries.data() + i * ds.dim, 10, &allowed,
                               SearchParams{.nprobe = 2}, &out)
                      .ok());
      EXPECT_EQ(out.size(), std::min<size_t>(10, allowed.count()));
      for (const Neighbor& nb : out) EXPECT_TRUE(allowed.test(static_cast<size_t>(nb.row)));
    }
    EXPECT_GE(MeanRecall(*index, ds, 32, &allowed), 0.6);
  }
}

TEST(IvfPqIndexTest, RangeSearchMatchesItsOwnScores) {
  const auto ds = testing::MakeClustered(3000, 1, 16, 4, 8);
  auto index = MakePq(ds.dim, MetricType::kL2, {{"nlist", "8"}, {"m", "8"}});
  ASSERT_TRUE(index);
  ASSERT_TRUE(index->Build(ds.base.data(), ds.n, nullptr).ok());
  std::vector<Neighbor> all, range;
  const SearchParams sp{.nprobe = 8};
  ASSERT_TRUE(index->Search(ds.queries.data(), 3000, nullptr, sp, &all).ok());
  ASSERT_EQ(all.size(), 3000u);
  const float lo = all[10].score, hi = all[200].score;
  ASSERT_TRUE(index->RangeSearch(ds.queries.data(), hi, lo, 0, nullptr, sp, &range).ok());
  size_t want = 0;
  for (const Neighbor& nb : all) want += nb.score >= lo && nb.score < hi;
  EXPECT_EQ(range.size(), want);
  for (const Neighbor& nb : range) {
    EXPECT_GE(nb.score, lo);
    EXPECT_LT(nb.score, hi);
  }
  ASSERT_TRUE(index->RangeSearch(ds.queries.data(), hi, lo, 7, nullptr, sp, &range).ok());
  EXPECT_EQ(range.size(), 7u);
}

TEST(IvfPqIndexTest, ParameterValidation) {
  const IndexSpec spec{DataType::kFloatVector, 12, MetricType::kL2};
  auto err = [&](const ParamMap& p) {
    auto r = IndexRegistry::Global().Create("IVF_PQ", spec, p);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(err({}).find("m is required"), std::string::npos);
  EXPECT_NE(err({{"m", "5"}}).find("m=5"), std::string::npos);
  EXPECT_NE(err({{"m", "5"}}).find("dim=12"), std::string::npos);
  EXPECT_NE(err({{"m", "0"}}).find("m=0"), std::string::npos);
  EXPECT_NE(err({{"m", "24"}}).find("m=24"), std::string::npos);
  EXPECT_NE(err({{"m", "4"}, {"nbits", "17"}}).find("nbits=17"), std::string::npos);
  EXPECT_NE(err({{"m", "4"}, {"nbits", "0"}}).find("nbits=0"), std::string::npos);
  EXPECT_NE(err({{"m", "4"}, {"nlist", "0"}}).find("nlist=0"), std::string::npos);
  EXPECT_NE(err({{"m", "x"}}).find("m=x"), std::string::npos);
  auto ok = IndexRegistry::Global().Create("IVF_PQ", spec, {{"m", "12"}, {"nbits", "16"}});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  auto bin = IndexRegistry::Global().Create(
      "IVF_PQ", {DataType::kBinaryVector, 16, MetricType::kHamming}, {{"m", "2"}});
  EXPECT_TRUE(bin.status().IsInvalidArgument());
  auto sp = (*ok)->ParseSearchParams({{"nprobe", "129"}}, 10);
  ASSERT_FALSE(sp.ok());
  EXPECT_NE(sp.status().message().find("nprobe=129"), std::string::npos);
  EXPECT_TRUE((*ok)->ParseSearchParams({{"nprobe", "128"}}, 10).ok());
}

}  // namespace
}  // namespace elanus::index
