// The node renumbering after an HNSW build (hnsw_reorder.cc): it must change where nodes live, not
// what any search returns, and rows added later, images and filters must keep row numbers.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "index/hnsw_index.h"
#include "index/index_registry.h"
#include "index/test_data.h"

namespace elanus::index {
namespace {

using testing::Dataset;

const Dataset& Data() {
  static const Dataset ds = testing::MakeClustered(6000, 40, 32, 30, 7);
  return ds;
}

std::unique_ptr<HnswIndex> Build(MetricType metric, bool reorder, bool sq8 = false,
                                 int64_t rows = 6000) {
  HnswParams params{.m = 8, .ef_construction = 64, .sq8 = sq8};
  params.reorder = reorder;
  auto index = HnswIndex::Create({DataType::kFloatVector, Data().dim, metric}, params);
  EXPECT_TRUE(index.ok());
  // One thread: the graph (before renumbering) is then identical for both settings.
  EXPECT_TRUE((*index)->Build(Data().base.data(), rows, nullptr).ok());
  return std::move(index).value();
}

// Every answer the tests compare: unfiltered, post-filtered (2/3 of the rows), exact-scan
// filtered (1% of the rows) and range searches, for each query.
std::vector<std::vector<Neighbor>> Answers(const HnswIndex& index) {
  const Dataset& ds = Data();
  Bitset most(static_cast<size_t>(index.Size())), few(static_cast<size_t>(index.Size()));
  for (int64_t i = 0; i < index.Size(); ++i) {
    if (i % 3 != 0) most.set(static_cast<size_t>(i));
    if (i % 100 == 7) few.set(static_cast<size_t>(i));
  }
  std::vector<std::vector<Neighbor>> all;
  for (int64_t q = 0; q < ds.nq; ++q) {
    const float* v = ds.queries.data() + q * ds.dim;
    const Bitset* filters[] = {nullptr, &most, &few};
    for (const Bitset* allowed : filters) {
      std::vector<Neighbor> out;
      EXPECT_TRUE(index.Search(v, 10, allowed, SearchParams{.ef = 40}, &out).ok());
      EXPECT_EQ(out.size(), 10u);
      all.push_back(std::move(out));
    }
    std::vector<Neighbor> in_range;
    const float radius = index.spec().metric == MetricType::kL2 ? 2.0f : 0.8f;
    EXPECT_TRUE(
        index.RangeSearch(v, radius, std::nullopt, 50, nullptr, SearchParams{}, &in_range).ok());
    all.push_back(std::move(in_range));
  }
  return all;
}

TEST(HnswReorderTest, RenumberingChangesNoAnswer) {
  for (MetricType metric : {MetricType::kL2, MetricType::kIP, MetricType::kCosine}) {
    for (bool sq8 : {false, true}) {
      SCOPED_TRACE(std::string(MetricTypeName(metric)) + (sq8 ? " HNSW_SQ" : " HNSW"));
      auto plain = Build(metric, false, sq8);
      auto renumbered = Build(metric, true, sq8);
      EXPECT_EQ(Answers(*renumbered), Answers(*plain));
      // The numbering did change, and the two maps are inverse permutations.
      size_t moved = 0;
      for (uint32_t row = 0; row < 6000; ++row) {
        const uint32_t node = renumbered->NodeOfRow(row);
        ASSERT_LT(node, 6000u);
        ASSERT_EQ(renumbered->RowOfNode(node), row);
        moved += node != row;
        EXPECT_EQ(plain->NodeOfRow(row), row);
      }
      EXPECT_GT(moved, 3000u);
    }
  }
}

// The point of the renumbering: a node's layer-0 neighbours get nearby numbers (so nearby
// memory). Input rows in this data set are in random order, so before it about 2 * 128 / 6000 of
// the links join nodes fewer than 128 numbers apart.
TEST(HnswReorderTest, NeighboursGetNearbyNumbers) {
  auto near_fraction = [](const HnswIndex& index) {
    size_t near = 0, links = 0;
    for (int64_t u = 0; u < index.Size(); ++u) {
      for (size_t j = 0; j < index.Degree0(u); ++j) {
        near += std::abs(static_cast<int64_t>(index.Neighbor0(u, j)) - u) < 128;
        ++links;
      }
    }
    return static_cast<double>(near) / static_cast<double>(links);
  };
  const double before = near_fraction(*Build(MetricType::kL2, false));
  const double after = near_fraction(*Build(MetricType::kL2, true));
  std::printf("links between nodes < 128 apart: %.3f before, %.3f after renumbering\n", before,
              after);
  EXPECT_LT(before, 0.1);
  EXPECT_GT(after, 0.3);  // 0.43 when written
}

TEST(HnswReorderTest, RowsAddedLaterAndImagesKeepRowNumbers) {
  const Dataset& ds = Data();
  auto index = Build(MetricType::kL2, true, false, 4000);
  ASSERT_TRUE(index->Add(ds.base.data() + 4000 * ds.dim, 2000, nullptr).ok());
  std::string image;
  ASSERT_TRUE(index->Serialize(&image).ok());
  auto loaded = IndexRegistry::Global().Load(image);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const VectorIndex* both[] = {index.get(), loaded->get()};
  for (const VectorIndex* idx : both) {
    ASSERT_EQ(idx->Size(), 6000);
    // Each row, searched by its own vector, is its own nearest neighbour (rows of the build and
    // of the later Add alike).
    for (int64_t row = 0; row < 6000; row += 37) {
      std::vector<Neighbor> out;
      ASSERT_TRUE(
          idx->Search(ds.base.data() + row * ds.dim, 1, nullptr, SearchParams{.ef = 64}, &out)
              .ok());
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0].row, row);
    }
  }
  EXPECT_EQ(Answers(*static_cast<const HnswIndex*>(loaded->get())), Answers(*index));
}

}  // namespace
}  // namespace elanus::index
