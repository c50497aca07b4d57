// Filters wired through the engine: search, query, delete by filter, templates, partition-key
// pruning, and filtered search never returning fewer than `limit` hits when enough rows match.
#include <gtest/gtest.h>

#include "engine/filter_cache.h"
#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;

class FilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    CollectionSchema s = BasicSchema("c", 2);
    s.enable_dynamic_field = true;
    ASSERT_OK(e_->CreateCollection("default", s));
    std::string rows = "[";
    for (int i = 0; i < 300; ++i) {
      rows += (rows.size() > 1 ? "," : "") + std::string(R"({"id": )") + std::to_string(i) +
              R"(, "vec": [)" + std::to_string(i) + ", 0]" +
              (i % 3 ? R"(, "tag": "t)" + std::to_string(i % 10) + "\"" : "") + R"(, "n": )" +
              std::to_string(i % 50) + R"(, "color": ")" + (i % 2 ? "red" : "blue") + "\"}";
      if (i == 149) {  // half sealed, half growing
        ASSERT_OK(e_->InsertRows("default", "c", "", rows + "]").status());
        ASSERT_OK(e_->Flush("default", "c"));
        rows = "[";
      }
    }
    ASSERT_OK(e_->InsertRows("default", "c", "", rows.size() > 1 ? rows + "]" : "[]").status());
  }
  std::vector<int64_t> Ids(const std::string& filter, const std::string& params = "") {
    QueryRequest q;
    q.collection = "c";
    q.filter = filter;
    q.filter_params = params;
    auto r = e_->Query(q);
    EXPECT_TRUE(r.ok()) << filter << ": " << r.status().ToString();
    return r.ok() ? r->fields[0].ints : std::vector<int64_t>{};
  }
  TempDir dir_;
  std::unique_ptr<Engine> e_;
};

TEST_F(FilterTest, QueryFiltersAcrossSealedAndGrowingSegments) {
  EXPECT_EQ(Ids("id in [3, 150, 299, 1000]"), (std::vector<int64_t>{3, 150, 299}));
  EXPECT_EQ(Ids("n == 49 and id > 100"), (std::vector<int64_t>{149, 199, 249, 299}));
  EXPECT_EQ(Ids("tag is null and id < 10"), (std::vector<int64_t>{0, 3, 6, 9}));
  EXPECT_EQ(Ids("color == \"red\" and id < 6"), (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(Ids("n < {k} and id < {top}", R"({"k": 2, "top": 120})"),
            (std::vector<int64_t>{0, 1, 50, 51, 100, 101}));
  EXPECT_EQ(Ids("tag like \"t1%\" and id < 40"), (std::vector<int64_t>{1, 11, 31}));
  QueryRequest q;
  q.collection = "c";
  q.filter = "nope_field > 3 and";
  auto r = e_->Query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("column"), std::string::npos) << r.status().ToString();
  q.filter = "n > 1";
  q.output_fields = {"count(*)"};
  ASSERT_OK_AND_ASSIGN(auto c, e_->Query(q));
  EXPECT_EQ(c.fields[0].ints[0], 300 - 12);
}

TEST_F(FilterTest, FilteredSearchReturnsLimitHitsThatMatch) {
  SearchRequest req;
  req.collection = "c";
  req.metric = MetricType::kL2;
  req.queries = FieldColumn{.type = DataType::kFloatVector, .dim = 2, .floats = {0, 0}};
  req.limit = 10;
  req.filter = "n == 7";  // ids 7, 57, 107, ... : 6 rows match
  ASSERT_OK_AND_ASSIGN(auto r, e_->Search(req));
  EXPECT_EQ(r.ids.ints, (std::vector<int64_t>{7, 57, 107, 157, 207, 257}));
  req.filter = "id >= 200";
  ASSERT_OK_AND_ASSIGN(r, e_->Search(req));
  ASSERT_EQ(r.topks[0], 10);
  EXPECT_EQ(r.ids.ints.front(), 200);
  EXPECT_EQ(r.ids.ints.back(), 209);
}

TEST_F(FilterTest, DeleteByFilterRemovesOnlyMatchingVisibleRows) {
  ASSERT_OK_AND_ASSIGN(auto r, e_->DeleteByFilter("default", "c", "", "n == 0 or id == 299"));
  EXPECT_EQ(r.count, 7u);  // 0, 50, ..., 250 and 299
  EXPECT_EQ(Ids("id % 50 == 0 or id == 299"), std::vector<int64_t>{});
  EXPECT_EQ(Ids("n == 1").size(), 6u);
  ASSERT_OK_AND_ASSIGN(r, e_->DeleteByFilter("default", "c", "", "n == 0"));
  EXPECT_EQ(r.count, 0u);
  EXPECT_TRUE(e_->DeleteByFilter("default", "c", "", " ").status().IsInvalidArgument());
}

TEST_F(FilterTest, RepeatedFiltersOnSealedRowsStayCorrect) {
  // The sealed half's results come from the filter cache from the second request on; the cache
  // key must tell template values apart, and deletes and the compacted segment must show.
  const std::vector<int64_t> first = Ids("n < {k} and id < {top}", R"({"k": 2, "top": 120})");
  EXPECT_EQ(first, (std::vector<int64_t>{0, 1, 50, 51, 100, 101}));
  EXPECT_EQ(Ids("n < {k} and id < {top}", R"({"k": 2, "top": 120})"), first);
  EXPECT_EQ(Ids("n < {k} and id < {top}", R"({"k": 3, "top": 60})"),
            (std::vector<int64_t>{0, 1, 2, 50, 51, 52}));
  EXPECT_EQ(Ids("n < 2 and id < 120"), first);
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{.ints = {50}}).status());
  EXPECT_EQ(Ids("n < {k} and id < {top}", R"({"k": 2, "top": 120})"),
            (std::vector<int64_t>{0, 1, 51, 100, 101}));
  ASSERT_OK(e_->Flush("default", "c"));
  ASSERT_OK(e_->Compact("default", "c"));
  EXPECT_EQ(Ids("n < 2 and id < 120"), (std::vector<int64_t>{0, 1, 51, 100, 101}));
  EXPECT_EQ(Ids("n < 2 and id > 120"), (std::vector<int64_t>{150, 151, 200, 201, 250, 251}));
}

TEST(FilterCacheTest, KeepsMostRecentlyUsedWithinCapacity) {
  auto bits = [](size_t n, size_t set) {
    auto b = std::make_shared<Bitset>(n);
    b->set(set);
    return std::shared_ptr<const Bitset>(b);
  };
  FilterCache cache(3 * 128);  // three bitsets of 1,024 bits (128 bytes each)
  cache.Put(1, "a", bits(1024, 1));
  cache.Put(2, "a", bits(1024, 2));
  cache.Put(1, "b", bits(1024, 3));
  ASSERT_NE(cache.Get(1, "a"), nullptr);  // now the most recent: (2, "a") is evicted next
  cache.Put(3, "a", bits(1024, 4));
  EXPECT_EQ(cache.Get(2, "a"), nullptr);
  ASSERT_NE(cache.Get(1, "a"), nullptr);
  EXPECT_TRUE(cache.Get(1, "a")->test(1));
  EXPECT_TRUE(cache.Get(1, "b")->test(3));
  EXPECT_TRUE(cache.Get(3, "a")->test(4));
  cache.Put(3, "a", bits(1024, 5));  // replaced, not duplicated
  EXPECT_TRUE(cache.Get(3, "a")->test(5));
  cache.Put(4, "a", bits(4096, 0));  // larger than the whole capacity: not stored
  EXPECT_EQ(cache.Get(4, "a"), nullptr);
  FilterCache::Stats st = cache.stats();
  EXPECT_EQ(st.entries, 3u);
  EXPECT_EQ(st.bytes, 3u * 128);
  EXPECT_EQ(st.misses, 2u);
  EXPECT_EQ(st.hits, 6u);
  FilterCache off(0);
  off.Put(1, "a", bits(64, 0));
  EXPECT_EQ(off.Get(1, "a"), nullptr);
}

TEST(FilterPartitionKeyTest, KeyFilterPrunesPartitionsAndStaysCorrect) {
  TempDir dir;
  auto e = MustOpen(Options(dir.path()));
  CollectionSchema s = BasicSchema("c", 2);
  FieldSchema tenant = F("tenant", DataType::kInt64);
  tenant.is_partition_key = true;
  s.fields.push_back(tenant);
  ASSERT_OK(e->CreateCollection("default", s));
  std::string rows = "[";
  for (int i = 0; i < 400; ++i)
    rows += (i ? "," : "") + std::string(R"({"id": )") + std::to_string(i) +
            R"(, "vec": [0, 0], "tenant": )" + std::to_string(i % 40) + "}";
  ASSERT_OK(e->InsertRows("default", "c", "", rows + "]").status());
  QueryRequest q;
  q.collection = "c";
  q.filter = "tenant in [3, 17] and id < 100";
  ASSERT_OK_AND_ASSIGN(auto r, e->Query(q));
  EXPECT_EQ(r.fields[0].ints, (std::vector<int64_t>{3, 17, 43, 57, 83, 97}));
  q.filter = "tenant == 5 and tenant == 6";
  ASSERT_OK_AND_ASSIGN(r, e->Query(q));
  EXPECT_EQ(r.num_rows, 0u);
}

}  // namespace
}  // namespace elanus::engine
