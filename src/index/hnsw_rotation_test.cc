// HNSW row rotation (float32 rows stored on the principal axes of the first batch): the answers
// keep exact scores and the recall of the unrotated index, later batches reuse the axes, COSINE's
// L2 form handles all-zero rows, and rotated images round-trip or are rejected when damaged.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "index/hnsw_index.h"
#include "index/index_format.h"
#include "index/test_data.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

using testing::Dataset;

std::unique_ptr<HnswIndex> Build(const Dataset& ds, MetricType metric, bool rotate, int64_t rows) {
  auto index = HnswIndex::Create({DataType::kFloatVector, ds.dim, metric},
                                 HnswParams{.m = 12, .ef_construction = 100, .rotate = rotate});
  EXPECT_TRUE(index.ok());
  EXPECT_TRUE((*index)->Build(ds.base.data(), rows, nullptr).ok());
  return std::move(index).value();
}

// The exact score of a row for the metric (COSINE on normalized vectors, 0 for a zero vector).
float ExactScore(MetricType metric, const float* q, const float* row, size_t dim) {
  if (metric == MetricType::kL2) return simd::ref::L2Sqr(q, row, dim);
  const float ip = simd::ref::InnerProduct(q, row, dim);
  if (metric == MetricType::kIP) return ip;
  const float nq = std::sqrt(simd::ref::InnerProduct(q, q, dim));
  const float nr = std::sqrt(simd::ref::InnerProduct(row, row, dim));
  return nq > 0 && nr > 0 ? ip / (nq * nr) : 0.0f;
}

// Mean recall@10 at ef=64 over the queries, checking every score against the exact one.
double CheckedRecall(const HnswIndex& index, const Dataset& ds, MetricType metric) {
  const auto dim = static_cast<size_t>(ds.dim);
  double sum = 0;
  for (int64_t i = 0; i < ds.nq; ++i) {
    const float* q = ds.queries.data() + i * ds.dim;
    std::vector<Neighbor> out;
    EXPECT_TRUE(index.Search(q, 10, nullptr, SearchParams{.ef = 64}, &out).ok());
    EXPECT_EQ(out.size(), 10u);
    for (const Neighbor& nb : out) {
      const float want = ExactScore(metric, q, ds.base.data() + nb.row * ds.dim, dim);
      EXPECT_NEAR(nb.score, want, 1e-4f * std::max(1.0f, std::fabs(want)));
    }
    sum += testing::Recall(out, testing::BruteForce(ds, metric, q, 10));
  }
  return sum / static_cast<double>(ds.nq);
}

TEST(HnswRotationTest, RotatedRowsKeepScoresAndRecall) {
  const Dataset ds = testing::MakeClustered(3000, 30, 320, 8, 21);
  for (MetricType metric : {MetricType::kL2, MetricType::kCosine, MetricType::kIP}) {
    SCOPED_TRACE(static_cast<int>(metric));
    auto rotated = Build(ds, metric, true, ds.n);
    auto plain = Build(ds, metric, false, ds.n);
    EXPECT_TRUE(rotated->Rotated());
    EXPECT_FALSE(plain->Rotated());
    const double r_rot = CheckedRecall(*rotated, ds, metric);
    const double r_plain = CheckedRecall(*plain, ds, metric);
    EXPECT_GE(r_rot, 0.9);
    EXPECT_GE(r_rot, r_plain - 0.03);
  }
}

TEST(HnswRotationTest, NoRotationForNarrowRowsSqOrSmallFirstBatches) {
  Dataset ints = testing::MakeClustered(500, 5, 320, 4, 3);
  for (float& x : ints.base) x = std::round(x * 10.0f);
  EXPECT_FALSE(Build(ints, MetricType::kL2, true, ints.n)->Rotated());  // narrow exact rows
  const Dataset ds = testing::MakeClustered(500, 5, 320, 4, 3);
  EXPECT_FALSE(Build(ds, MetricType::kL2, true, 319)->Rotated());  // fewer rows than dims
  const Dataset small = testing::MakeClustered(500, 5, 256, 4, 3);
  EXPECT_FALSE(Build(small, MetricType::kL2, true, small.n)->Rotated());  // no early stop there
  auto sq =
      HnswIndex::Create({DataType::kFloatVector, ds.dim, MetricType::kL2}, HnswParams{.sq8 = true});
  ASSERT_TRUE(sq.ok());
  ASSERT_TRUE((*sq)->Build(ds.base.data(), ds.n, nullptr).ok());
  EXPECT_FALSE((*sq)->Rotated());
}

TEST(HnswRotationTest, LaterBatchesUseTheFirstBatchAxes) {
  const Dataset ds = testing::MakeClustered(2000, 20, 272, 6, 4);
  auto index = Build(ds, MetricType::kL2, true, 1000);
  ASSERT_TRUE(index->Rotated());
  ASSERT_TRUE(index->Add(ds.base.data() + 1000 * ds.dim, ds.n - 1000, nullptr).ok());
  EXPECT_GE(CheckedRecall(*index, ds, MetricType::kL2), 0.9);
}

TEST(HnswRotationTest, CosineZeroRowsScoreZero) {
  Dataset ds = testing::MakeClustered(2000, 20, 288, 6, 5);
  for (int64_t i = 0; i < ds.n; i += 10) {
    std::fill_n(ds.base.begin() + i * ds.dim, ds.dim, 0.0f);
  }
  auto index = Build(ds, MetricType::kCosine, true, ds.n);
  ASSERT_TRUE(index->Rotated());
  // Zero rows (similarity 0) must not displace the true neighbours; scores are exact.
  EXPECT_GE(CheckedRecall(*index, ds, MetricType::kCosine), 0.9);
  // Range search with a radius below 0 reaches the zero rows, each with score 0.
  std::vector<Neighbor> out;
  ASSERT_TRUE(
      index->RangeSearch(ds.queries.data(), -0.5f, std::nullopt, 0, nullptr, {}, &out).ok());
  size_t zero_rows = 0;
  for (const Neighbor& nb : out) {
    if (nb.row % 10 == 0) {
      ++zero_rows;
      EXPECT_EQ(nb.score, 0.0f);
    }
  }
  EXPECT_EQ(zero_rows, 200u);
}

TEST(HnswRotationTest, RotatedImagesRoundTripAndDamageIsRejected) {
  const Dataset ds = testing::MakeClustered(1500, 10, 264, 5, 6);
  auto index = Build(ds, MetricType::kCosine, true, ds.n);
  ASSERT_TRUE(index->Rotated());
  std::string image;
  ASSERT_TRUE(index->Serialize(&image).ok());
  auto loaded = HnswIndex::Create(index->spec(), HnswParams{});
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE((*loaded)->Load(image).ok());
  EXPECT_TRUE((*loaded)->Rotated());
  for (int64_t i = 0; i < ds.nq; ++i) {
    std::vector<Neighbor> a, b;
    ASSERT_TRUE(index->Search(ds.queries.data() + i * ds.dim, 10, nullptr, {}, &a).ok());
    ASSERT_TRUE((*loaded)->Search(ds.queries.data() + i * ds.dim, 10, nullptr, {}, &b).ok());
    EXPECT_EQ(a, b);
  }
  std::string again;
  ASSERT_TRUE((*loaded)->Serialize(&again).ok());
  EXPECT_EQ(again, image);

  // A rotation row that is not unit length, behind a valid checksum: the axes follow the 41-byte
  // header (M, efConstruction, seed, n, entry, max level, flags, max norm).
  auto env = ReadIndexEnvelope(image);
  ASSERT_TRUE(env.ok());
  std::string body(env->body);
  const float two = 2.0f;
  std::memcpy(body.data() + 41, &two, sizeof(two));
  std::string damaged;
  WriteIndexEnvelope(env->type_name, env->spec, body, &damaged);
  auto fresh = HnswIndex::Create(index->spec(), HnswParams{});
  ASSERT_TRUE(fresh.ok());
  const Status st = (*fresh)->Load(damaged);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("rotation"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace elanus::index
