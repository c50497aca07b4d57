// Scalar indexes through the engine: definitions validated like Milvus, background builds on
// sealed segments, filtered queries unchanged by the index, persistence across restart, drop,
// and a damaged index blob detected at open.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;
namespace fs = std::filesystem;

constexpr int kRows = 4000;

CollectionSchema Schema() {
  CollectionSchema s = BasicSchema("c");
  FieldSchema meta = F("meta", DataType::kJson);
  meta.nullable = true;
  FieldSchema arr = F("arr", DataType::kArray);
  arr.element_type = DataType::kInt64;
  arr.max_capacity = 8;
  s.fields.push_back(meta);
  s.fields.push_back(arr);
  s.fields.push_back(F("price", DataType::kDouble));
  return s;
}

void Insert(Engine& e, int begin, int end) {
  FieldColumn id{.name = "id", .type = DataType::kInt64};
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = 4};
  FieldColumn tag{.name = "tag", .type = DataType::kVarChar};
  FieldColumn n{.name = "n", .type = DataType::kInt32};
  FieldColumn meta{.name = "meta", .type = DataType::kJson};
  FieldColumn arr{.name = "arr", .type = DataType::kArray, .element_type = DataType::kInt64};
  FieldColumn price{.name = "price", .type = DataType::kDouble};
  for (int i = begin; i < end; ++i) {
    id.ints.push_back(i);
    for (int d = 0; d < 4; ++d) vec.floats.push_back(static_cast<float>((i * (d + 3)) % 17));
    tag.strings.push_back("t" + std::to_string(i % 37));
    tag.valid.push_back(i % 11 != 0);
    n.ints.push_back(i % 100);
    meta.strings.push_back(i % 13 == 0 ? "" : "{\"k\": " + std::to_string(i % 29) + "}");
    meta.valid.push_back(i % 13 != 0);
    ArrayValue a;
    for (int j = 0; j < i % 4; ++j) a.ints.push_back((i + j) % 9);
    arr.arrays.push_back(a);
    price.doubles.push_back(i * 0.5);
  }
  ASSERT_OK(e.Insert("default", "c", "", {id, vec, tag, n, meta, arr, price}).status());
}

const std::vector<std::string> kFilters = {
    "n >= 10 and n < 20",
    "n in [1, 5, 99] or tag == \"t3\"",
    "tag like \"t1%\"",
    "not (tag like \"t2%\") and n > 90",
    "tag is null and n < 5",
    "meta[\"k\"] == 7",
    "meta[\"k\"] > 25 or n == 0",
    "array_contains(arr, 8)",
    "array_contains_all(arr, [3, 4]) and not (n > 50)",
};

class ScalarIndexIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    ASSERT_OK(e_->CreateCollection("default", Schema()));
    Insert(*e_, 0, 2000);
    ASSERT_OK(e_->Flush("default", "c"));
    Insert(*e_, 2000, 3500);
    ASSERT_OK(e_->Flush("default", "c"));
    Insert(*e_, 3500, kRows);  // stays growing: always evaluated from the columns
  }
  std::vector<int64_t> Ids(const std::string& filter) {
    QueryRequest q;
    q.collection = "c";
    q.filter = filter;
    q.output_fields = {"id"};
    auto r = e_->Query(q);
    EXPECT_TRUE(r.ok()) << filter << ": " << r.status().ToString();
    if (!r.ok()) return {};
    std::vector<int64_t> ids = r->fields[0].ints;
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::vector<std::vector<int64_t>> All() {
    std::vector<std::vector<int64_t>> out;
    for (const std::string& f : kFilters) out.push_back(Ids(f));
    return out;
  }
  Status Create(const std::string& field, const std::string& type,
                std::map<std::string, std::string> params = {}) {
    return e_->CreateIndex("default", "c",
                           {.field_name = field, .index_type = type, .params = std::move(params)});
  }
  TempDir dir_;
  std::unique_ptr<Engine> e_;
};

TEST_F(ScalarIndexIntegrationTest, ResultsUnchangedByIndexesRestartAndDrop) {
  auto before = All();
  for (const auto& ids : before) EXPECT_FALSE(ids.empty());
  ASSERT_OK(Create("n", "STL_SORT"));
  ASSERT_OK(Create("tag", "Trie"));
  ASSERT_OK(
      Create("meta", "INVERTED", {{"json_path", "meta[\"k\"]"}, {"json_cast_type", "double"}}));
  ASSERT_OK(Create("arr", "BITMAP"));
  ASSERT_OK(Create("price", "AUTOINDEX"));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  ASSERT_EQ(infos.size(), 5u);
  for (const IndexInfo& i : infos) {
    EXPECT_TRUE(i.finished) << i.params.index_name << " " << i.fail_reason;
    EXPECT_EQ(i.indexed_rows, 3500u) << i.params.index_name;
    EXPECT_EQ(i.total_rows, 3500u);
    if (i.params.field_name == "price") {
      EXPECT_EQ(i.resolved_type, "INVERTED");
    }
  }
  EXPECT_EQ(All(), before);
  e_.reset();
  e_ = MustOpen(Options(dir_.path()));
  ASSERT_OK_AND_ASSIGN(infos, e_->DescribeIndexes("default", "c"));
  for (const IndexInfo& i : infos) EXPECT_TRUE(i.finished);  // loaded, not rebuilt
  EXPECT_EQ(All(), before);
  ASSERT_OK(e_->DropIndex("default", "c", "tag"));
  ASSERT_OK(e_->DropIndex("default", "c", "meta"));
  ASSERT_OK_AND_ASSIGN(infos, e_->DescribeIndexes("default", "c"));
  EXPECT_EQ(infos.size(), 3u);
  EXPECT_EQ(All(), before);
  // Compaction merges the sealed segments; the indexes are rebuilt for the new segment.
  ASSERT_OK(e_->Compact("default", "c"));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  EXPECT_EQ(All(), before);
}

TEST_F(ScalarIndexIntegrationTest, ExplainEstimatesSelectivityFromIndexesOrSamples) {
  auto explain = [&](const std::string& filter) {
    QueryRequest q;
    q.collection = "c";
    q.filter = filter;
    auto r = e_->ExplainFilter(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : FilterExplain{};
  };
  // Selective integer leaves only: unselective ones are left to the column kernels.
  const std::vector<std::string> filters = {"10 <= n < 12", "meta[\"k\"] == 7",
                                            "tag like \"t1%\" or array_contains(arr, 8)"};
  std::vector<double> truth;
  for (const std::string& f : filters) truth.push_back(Ids(f).size() / double(kRows));
  for (size_t i = 0; i < filters.size(); ++i) {
    FilterExplain x = explain(filters[i]);
    EXPECT_EQ(x.rows, static_cast<uint64_t>(kRows));
    EXPECT_EQ(x.indexed_leaves, 0u);
    EXPECT_EQ(x.exact_rows, 0u);
    EXPECT_GT(x.sampled_rows, 0u);
    EXPECT_NEAR(x.estimated_selectivity, truth[i], 0.05) << filters[i];
  }
  ASSERT_OK(Create("n", "STL_SORT"));
  ASSERT_OK(Create("tag", "Trie"));
  ASSERT_OK(
      Create("meta", "INVERTED", {{"json_path", "meta[\"k\"]"}, {"json_cast_type", "double"}}));
  ASSERT_OK(Create("arr", "INVERTED"));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  for (size_t i = 0; i < filters.size(); ++i) {
    FilterExplain x = explain(filters[i]);
    EXPECT_EQ(x.segments, 3u);
    EXPECT_EQ(x.indexed_segments, 2u);  // the growing segment never uses indexes
    EXPECT_EQ(x.exact_rows, 3500u) << filters[i];
    EXPECT_EQ(x.sampled_rows, 500u);
    EXPECT_EQ(x.indexed_leaves * 3, x.leaves * 2) << filters[i];  // 2 of 3 segments
    EXPECT_NEAR(x.estimated_selectivity, truth[i], 0.02) << filters[i];
  }
  EXPECT_EQ(explain("n >= 10 and n < 20").plan, "(n >= 10 and n < 20)");
  FilterExplain wide = explain("n >= 10");  // 90% of the rows: the INT32 kernel is cheaper
  EXPECT_EQ(wide.indexed_leaves, 0u);
  EXPECT_NEAR(wide.estimated_selectivity, 0.9, 0.02);
  EXPECT_EQ(explain("").estimated_selectivity, 1.0);
}

TEST_F(ScalarIndexIntegrationTest, InvalidCombinationsAreRejected) {
  auto expect_invalid = [&](Status st, const std::string& needle) {
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_NE(st.message().find(needle), std::string::npos) << st.ToString();
  };
  expect_invalid(Create("price", "BITMAP"), "'price'");
  expect_invalid(Create("id", "BITMAP"), "primary key");
  expect_invalid(Create("n", "Trie"), "VARCHAR");
  expect_invalid(Create("arr", "STL_SORT"), "'arr'");
  expect_invalid(Create("meta", "INVERTED"), "json_cast_type");
  expect_invalid(Create("meta", "INVERTED", {{"json_cast_type", "int9"}}), "int9");
  expect_invalid(Create("n", "HNSW"), "'n'");
  expect_invalid(Create("n", "BITMAP", {{"bitmap_cardinality_limit", "5000"}}),
                 "bitmap_cardinality_limit");
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  EXPECT_TRUE(infos.empty());
}

TEST_F(ScalarIndexIntegrationTest, BitmapOverItsCardinalityLimitReportsAFailedBuild) {
  ASSERT_OK(Create("n", "BITMAP", {{"bitmap_cardinality_limit", "10"}}));
  (void)e_->WaitForIndexes("default", "c");
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_FALSE(infos[0].finished);
  EXPECT_NE(infos[0].fail_reason.find("bitmap_cardinality_limit"), std::string::npos)
      << infos[0].fail_reason;
  EXPECT_EQ(Ids("n == 3").size(), 40u);  // still answered, from the column
}

TEST_F(ScalarIndexIntegrationTest, DamagedIndexBlobIsCorruptionAtOpen) {
  ASSERT_OK(Create("n", "INVERTED"));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  e_.reset();
  std::string idx;
  for (const auto& p : fs::recursive_directory_iterator(Options(dir_.path()).path + "/blobs"))
    if (p.path().extension() == ".idx") idx = p.path();
  ASSERT_FALSE(idx.empty());
  {
    std::fstream f(idx, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  auto reopened = Engine::Open(Options(dir_.path()));
  ASSERT_FALSE(reopened.ok());
  EXPECT_TRUE(reopened.status().IsCorruption()) << reopened.status().ToString();
}

}  // namespace
}  // namespace elanus::engine
