// HNSW row storage: exact narrow row formats (uint8 / int8 / float16 / bfloat16) must give the
// same graph and the same answers as float32 storage, with less memory; a later row that does
// not fit widens the rows; images with narrow rows and a component order round-trip.
#include <gtest/gtest.h>

#include <cmath>

#include "index/hnsw_index.h"
#include "index/test_data.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

using testing::Dataset;

// The clustered set with every value rounded to something `t` holds exactly.
Dataset RoundedTo(simd::RowType t) {
  Dataset ds = testing::MakeClustered(4000, 40, 48, 8, 5);
  auto round = [t](float x) {
    switch (t) {
      case simd::RowType::kU8:
        return std::clamp(std::round(x * 100.0f + 128.0f), 0.0f, 255.0f);
      case simd::RowType::kI8:
        return std::clamp(std::round(x * 100.0f), -128.0f, 127.0f);
      case simd::RowType::kF16:
        return simd::F16ToF32(simd::F32ToF16(x * 1000.0f));
      case simd::RowType::kBF16:
        return simd::BF16ToF32(simd::F32ToBF16(x * 1e6f));  // outside the float16 range
      case simd::RowType::kF32:
        break;
    }
    return x;
  };
  for (float& x : ds.base) x = round(x);
  for (float& x : ds.queries) x = round(x);
  return ds;
}

std::unique_ptr<HnswIndex> Build(const Dataset& ds, bool narrow, int64_t rows) {
  auto index = HnswIndex::Create({DataType::kFloatVector, ds.dim, MetricType::kL2},
                                 HnswParams{.m = 8, .ef_construction = 64, .narrow_rows = narrow});
  EXPECT_TRUE(index.ok());
  EXPECT_TRUE((*index)->Build(ds.base.data(), rows, nullptr).ok());
  return std::move(index).value();
}

std::vector<std::vector<Neighbor>> AnswerAll(const HnswIndex& index, const Dataset& ds) {
  std::vector<std::vector<Neighbor>> all(static_cast<size_t>(ds.nq));
  const Bitset allowed = testing::RandomFilter(index.Size(), 0.3, 9);
  for (int64_t i = 0; i < ds.nq; ++i) {
    const float* q = ds.queries.data() + i * ds.dim;
    EXPECT_TRUE(index
                    .Search(q, 10, i % 2 ? &allowed : nullptr, SearchParams{.ef = 40},
                            &all[static_cast<size_t>(i)])
                    .ok());
    EXPECT_EQ(all[static_cast<size_t>(i)].size(), 10u);
  }
  return all;
}

TEST(HnswRowsTest, NarrowRowsAnswerExactlyAsFloat32Rows) {
  for (simd::RowType t :
       {simd::RowType::kU8, simd::RowType::kI8, simd::RowType::kF16, simd::RowType::kBF16}) {
    SCOPED_TRACE(simd::RowTypeName(t));
    const Dataset ds = RoundedTo(t);
    auto narrow = Build(ds, true, ds.n);
    auto wide = Build(ds, false, ds.n);
    EXPECT_EQ(narrow->StoredRowType(), t);
    EXPECT_EQ(wide->StoredRowType(), simd::RowType::kF32);
    EXPECT_LT(narrow->MemoryBytes(), wide->MemoryBytes());
    EXPECT_EQ(AnswerAll(*narrow, ds), AnswerAll(*wide, ds));
    // Scores are exact squared distances to the original values.
    std::vector<Neighbor> out;
    ASSERT_TRUE(narrow->Search(ds.queries.data(), 3, nullptr, {}, &out).ok());
    for (const Neighbor& nb : out) {  // exact up to summation order (rows are permuted)
      const float want = simd::ref::L2Sqr(ds.queries.data(), ds.base.data() + nb.row * ds.dim,
                                          static_cast<size_t>(ds.dim));
      EXPECT_NEAR(nb.score, want, 1e-5 * want);
    }
  }
}

TEST(HnswRowsTest, FractionalValuesStayFloat32) {
  const Dataset ds = testing::MakeClustered(500, 5, 16, 4, 3);
  EXPECT_EQ(Build(ds, true, ds.n)->StoredRowType(), simd::RowType::kF32);
  for (MetricType metric : {MetricType::kIP, MetricType::kCosine}) {  // narrow rows: L2 only
    const Dataset u8 = RoundedTo(simd::RowType::kU8);
    auto index = HnswIndex::Create({DataType::kFloatVector, u8.dim, metric}, HnswParams{.m = 8});
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->Build(u8.base.data(), 200, nullptr).ok());
    EXPECT_EQ((*index)->StoredRowType(), simd::RowType::kF32);
  }
}

TEST(HnswRowsTest, AddingRowsThatDoNotFitWidensToFloat32) {
  Dataset ds = RoundedTo(simd::RowType::kU8);
  const int64_t first = 3000;
  for (int64_t i = first * ds.dim; i < ds.n * ds.dim; i += 7) ds.base[i] += 0.25f;  // not uint8
  auto grown = Build(ds, true, first);
  ASSERT_EQ(grown->StoredRowType(), simd::RowType::kU8);
  ASSERT_TRUE(grown->Add(ds.base.data() + first * ds.dim, ds.n - first, nullptr).ok());
  EXPECT_EQ(grown->StoredRowType(), simd::RowType::kF32);
  auto wide = Build(ds, false, first);
  ASSERT_TRUE(wide->Add(ds.base.data() + first * ds.dim, ds.n - first, nullptr).ok());
  EXPECT_EQ(AnswerAll(*grown, ds), AnswerAll(*wide, ds));
}

TEST(HnswRowsTest, NarrowPermutedImagesRoundTrip) {
  const Dataset ds = RoundedTo(simd::RowType::kI8);
  auto index = Build(ds, true, ds.n);
  auto wide = Build(ds, false, ds.n);
  std::string image, wide_image;
  ASSERT_TRUE(index->Serialize(&image).ok());
  ASSERT_TRUE(wide->Serialize(&wide_image).ok());
  EXPECT_LT(image.size(), wide_image.size());
  auto loaded = HnswIndex::Create(index->spec(), HnswParams{});
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE((*loaded)->Load(image).ok());
  EXPECT_EQ((*loaded)->StoredRowType(), simd::RowType::kI8);
  EXPECT_EQ(AnswerAll(**loaded, ds), AnswerAll(*index, ds));
  std::string again;
  ASSERT_TRUE((*loaded)->Serialize(&again).ok());
  EXPECT_EQ(again, image);
}

TEST(HnswRowsTest, InnerProductScoresAreExact) {
  const Dataset ds = testing::MakeClustered(2000, 5, 32, 6, 8);
  auto index = HnswIndex::Create({DataType::kFloatVector, ds.dim, MetricType::kIP},
                                 HnswParams{.m = 8, .ef_construction = 64});
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->Build(ds.base.data(), ds.n, nullptr).ok());
  for (int64_t i = 0; i < ds.nq; ++i) {
    const float* q = ds.queries.data() + i * ds.dim;
    std::vector<Neighbor> out;
    ASSERT_TRUE((*index)->Search(q, 5, nullptr, SearchParams{.ef = 32}, &out).ok());
    ASSERT_EQ(out.size(), 5u);
    for (const Neighbor& nb : out) {
      EXPECT_NEAR(
          nb.score,
          simd::ref::InnerProduct(q, ds.base.data() + nb.row * ds.dim, static_cast<size_t>(ds.dim)),
          1e-4);
    }
  }
}

}  // namespace
}  // namespace elanus::index
