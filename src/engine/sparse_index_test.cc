// SPARSE_INVERTED_INDEX through the engine: AUTOINDEX on a sparse field builds it per sealed
// segment, index-backed search equals the exact scan (also with filters and deletes), and the
// index's search parameters are honoured (drop_ratio_search) or rejected by name.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;

constexpr int kRows = 2000;

SparseVector RandomSparse(std::mt19937& rng, int nnz) {
  std::map<uint32_t, float> m;
  std::uniform_real_distribution<float> val(0.05f, 1.0f);
  while (static_cast<int>(m.size()) < nnz) m[static_cast<uint32_t>(rng() % 300)] = val(rng);
  SparseVector v;
  for (auto [d, x] : m) {
    v.indices.push_back(d);
    v.values.push_back(x);
  }
  return v;
}

class SparseIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    CollectionSchema s;
    s.name = "c";
    FieldSchema id = F("id", DataType::kInt64);
    id.is_primary_key = true;
    s.fields = {id, F("sp", DataType::kSparseFloatVector), F("n", DataType::kInt32)};
    ASSERT_OK(e_->CreateCollection("default", s));
    std::mt19937 rng(7);
    FieldColumn ids{.name = "id", .type = DataType::kInt64};
    FieldColumn sp{.name = "sp", .type = DataType::kSparseFloatVector};
    FieldColumn n{.name = "n", .type = DataType::kInt32};
    for (int i = 0; i < kRows; ++i) {
      ids.ints.push_back(i);
      sp.sparse.push_back(RandomSparse(rng, 1 + i % 20));
      n.ints.push_back(i % 10);
    }
    ASSERT_OK(e_->Insert("default", "c", "", {ids, sp, n}).status());
    ASSERT_OK(e_->Flush("default", "c"));
    for (int q = 0; q < 20; ++q) queries_.push_back(RandomSparse(rng, 2 + q % 8));
  }
  SearchResult Search(const SparseVector& q, const std::string& filter,
                      std::map<std::string, std::string> params = {}) {
    SearchRequest r;
    r.collection = "c";
    r.limit = 15;
    r.filter = filter;
    r.search_params = std::move(params);
    r.queries = FieldColumn{.type = DataType::kSparseFloatVector};
    r.queries.sparse.push_back(q);
    auto res = e_->Search(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? std::move(res).value() : SearchResult{};
  }
  static void ExpectSame(const SearchResult& a, const SearchResult& b) {
    ASSERT_EQ(a.scores.size(), b.scores.size());
    const size_t n = a.scores.size();
    for (size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(a.scores[i], b.scores[i], 1e-5f) << i;
      // Same ids, except where float summation order may swap (near-)ties.
      const bool tie = (i > 0 && std::abs(a.scores[i] - a.scores[i - 1]) < 1e-5f) ||
                       (i + 1 < n && std::abs(a.scores[i] - a.scores[i + 1]) < 1e-5f);
      EXPECT_TRUE(a.ids.ints[i] == b.ids.ints[i] || tie) << "rank " << i;
    }
  }
  TempDir dir_;
  std::unique_ptr<Engine> e_;
  std::vector<SparseVector> queries_;
};

TEST_F(SparseIndexTest, AutoIndexBuildsInvertedIndexThatEqualsExactSearch) {
  // Exact results before any index exists.
  std::vector<SearchResult> exact, exact_filtered;
  for (const auto& q : queries_) {
    exact.push_back(Search(q, ""));
    exact_filtered.push_back(Search(q, "n < 3"));
  }
  ASSERT_OK(e_->CreateIndex(
      "default", "c",
      IndexParams{.field_name = "sp", .index_type = "AUTOINDEX", .metric = MetricType::kIP}));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].resolved_type, "SPARSE_INVERTED_INDEX");
  EXPECT_TRUE(infos[0].finished);
  EXPECT_EQ(infos[0].indexed_rows, static_cast<uint64_t>(kRows));
  for (size_t i = 0; i < queries_.size(); ++i) {
    ExpectSame(Search(queries_[i], ""), exact[i]);
    ExpectSame(Search(queries_[i], "n < 3"), exact_filtered[i]);
  }
  // The index is what answers: drop_ratio_search = 0.5 equals the exact search with the larger
  // half of the query weights (the exact scan has no such parameter).
  SparseVector q{{1, 2, 3, 4}, {0.9f, 0.1f, 0.8f, 0.2f}};
  SparseVector half{{1, 3}, {0.9f, 0.8f}};
  const SearchResult want = Search(half, "");
  ExpectSame(Search(q, "", {{"drop_ratio_search", "0.5"}}), want);
  // Deleted rows never come back.
  PrimaryKeys del;
  for (int64_t id : exact[0].ids.ints) del.ints.push_back(id);
  ASSERT_OK(e_->Delete("default", "c", "", del).status());
  const SearchResult after = Search(queries_[0], "");
  for (int64_t id : after.ids.ints) {
    EXPECT_EQ(std::count(del.ints.begin(), del.ints.end(), id), 0) << id;
  }
  EXPECT_EQ(after.ids.ints.size(), 15u);
}

TEST_F(SparseIndexTest, ParametersAreValidatedAndNamed) {
  EXPECT_TRUE(e_->CreateIndex("default", "c",
                              IndexParams{.field_name = "sp",
                                          .index_type = "SPARSE_INVERTED_INDEX",
                                          .metric = MetricType::kIP,
                                          .params = {{"inverted_index_algo", "DAAT_WAND"}}})
                  .IsInvalidArgument());
  EXPECT_TRUE(e_->CreateIndex("default", "c",
                              IndexParams{.field_name = "sp",
                                          .index_type = "SPARSE_WAND",
                                          .metric = MetricType::kIP,
                                          .params = {{"drop_ratio_build", "2"}}})
                  .IsInvalidArgument());
  ASSERT_OK(e_->CreateIndex("default", "c",
                            IndexParams{.field_name = "sp",
                                        .index_type = "SPARSE_WAND",
                                        .metric = MetricType::kIP,
                                        .params = {{"drop_ratio_build", "0.2"}}}));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  SearchRequest r;
  r.collection = "c";
  r.limit = 5;
  r.search_params = {{"drop_ratio_search", "1.5"}};
  r.queries = FieldColumn{.type = DataType::kSparseFloatVector};
  r.queries.sparse.push_back(queries_[0]);
  auto res = e_->Search(r);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("drop_ratio_search=1.5"), std::string::npos);
}

}  // namespace
}  // namespace elanus::engine
