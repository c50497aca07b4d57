#include "elanus/engine.h"

#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;

class EngineTest : public ::testing::TestWithParam<bool> {  // param: single-file backend
 protected:
  void SetUp() override { e_ = MustOpen(Options(dir_.path(), GetParam())); }
  Engine& e() { return *e_; }
  void Create(const CollectionSchema& s) { ASSERT_OK(e().CreateCollection(kDefaultDatabase, s)); }
  std::vector<int64_t> GetIds(const std::string& coll, const std::vector<int64_t>& ids,
                              uint64_t ts = 0) {
    QueryRequest q;
    q.collection = coll;
    q.ids = PrimaryKeys{ids, {}};
    q.snapshot_ts = ts;
    auto r = e().Query(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->fields[0].ints : std::vector<int64_t>{};
  }
  int64_t Count(const std::string& coll) {
    QueryRequest q;
    q.collection = coll;
    q.output_fields = {"count(*)"};
    auto r = e().Query(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->fields[0].ints[0] : -1;
  }
  TempDir dir_;
  std::unique_ptr<Engine> e_;
};

TEST_P(EngineTest, DatabasesAndCollectionsLifecycle) {
  ASSERT_OK_AND_ASSIGN(auto dbs, e().ListDatabases());
  EXPECT_EQ(dbs, std::vector<std::string>{"default"});
  ASSERT_OK(e().CreateDatabase("analytics"));
  EXPECT_EQ(e().CreateDatabase("analytics").code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(e().CreateDatabase("bad-name").IsInvalidArgument());
  EXPECT_TRUE(e().DropDatabase("default").IsInvalidArgument());
  ASSERT_OK(e().CreateCollection("analytics", BasicSchema("c1")));
  EXPECT_EQ(e().CreateCollection("analytics", BasicSchema("c1")).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(e().DropDatabase("analytics").code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(e().CreateCollection("nope", BasicSchema("c1")).IsNotFound());
  ASSERT_OK_AND_ASSIGN(bool has, e().HasCollection("analytics", "c1"));
  EXPECT_TRUE(has);
  ASSERT_OK_AND_ASSIGN(has, e().HasCollection("default", "c1"));
  EXPECT_FALSE(has);
  ASSERT_OK(e().RenameCollection("analytics", "c1", "default", "c2"));
  ASSERT_OK_AND_ASSIGN(auto names, e().ListCollections("default"));
  EXPECT_EQ(names, std::vector<std::string>{"c2"});
  ASSERT_OK_AND_ASSIGN(auto info, e().DescribeCollection("default", "c2"));
  EXPECT_EQ(info.schema.name, "c2");
  EXPECT_EQ(info.schema.fields[0].field_id, 100);
  ASSERT_EQ(info.partitions.size(), 1u);
  EXPECT_EQ(info.partitions[0].name, "_default");
  ASSERT_OK(e().DropCollection("default", "c2"));
  ASSERT_OK(e().DropDatabase("analytics"));
  ASSERT_OK_AND_ASSIGN(dbs, e().ListDatabases());
  EXPECT_EQ(dbs, std::vector<std::string>{"default"});
}

TEST_P(EngineTest, InsertGetUpsertDeleteWithMvccSnapshots) {
  Create(BasicSchema("c"));
  ASSERT_OK_AND_ASSIGN(auto r1, e().InsertRows("default", "c", "", R"([
      {"id": 1, "vec": [1,0,0,0], "tag": "a"},
      {"id": 2, "vec": [0,1,0,0]},
      {"id": 3, "vec": [0,0,1,0], "tag": "c", "n": 9}])"));
  EXPECT_EQ(r1.count, 3u);
  EXPECT_EQ(r1.ids.ints, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(GetIds("c", {1, 2, 3, 4}), (std::vector<int64_t>{1, 2, 3}));

  QueryRequest q;
  q.collection = "c";
  q.ids = PrimaryKeys{{2, 3}, {}};
  q.output_fields = {"tag", "n"};
  ASSERT_OK_AND_ASSIGN(auto qr, e().Query(q));
  ASSERT_EQ(qr.fields.size(), 3u);  // id, tag, n
  EXPECT_EQ(qr.fields[1].name, "tag");
  EXPECT_EQ(qr.fields[1].valid, (std::vector<uint8_t>{0, 1}));  // row 2 has no tag -> NULL
  EXPECT_EQ(qr.fields[2].ints, (std::vector<int64_t>{7, 9}));   // default 7 applied

  // Upsert replaces the row; the old version stays visible at the old snapshot.
  ASSERT_OK_AND_ASSIGN(auto r2, e().UpsertRows("default", "c", "",
                                               R"([{"id": 2, "vec": [0,1,0,0], "tag": "new"}])"));
  q.ids = PrimaryKeys{{2}, {}};
  q.output_fields = {"tag"};
  ASSERT_OK_AND_ASSIGN(qr, e().Query(q));
  EXPECT_EQ(qr.fields[1].strings, std::vector<std::string>{"new"});
  q.snapshot_ts = r1.timestamp;
  ASSERT_OK_AND_ASSIGN(qr, e().Query(q));
  EXPECT_EQ(qr.fields[1].valid, std::vector<uint8_t>{0});
  EXPECT_EQ(Count("c"), 3);

  // Delete; visible before, gone after.
  ASSERT_OK_AND_ASSIGN(auto r3, e().Delete("default", "c", "", PrimaryKeys{{1, 99}, {}}));
  EXPECT_EQ(GetIds("c", {1, 2, 3}), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(GetIds("c", {1, 2, 3}, r2.timestamp), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(GetIds("c", {1, 2, 3}, r3.timestamp), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(Count("c"), 2);

  // Re-inserting a deleted key makes it visible again; a duplicate insert keeps one version.
  ASSERT_OK(e().InsertRows("default", "c", "",
                           R"([{"id": 1, "vec": [1,1,0,0]}, {"id": 3, "vec": [1,1,1,1]}])")
                .status());
  EXPECT_EQ(Count("c"), 3);
}

TEST_P(EngineTest, BadWritesAreRejectedAndLoseNothing) {
  Create(BasicSchema("c"));
  ASSERT_OK(e().InsertRows("default", "c", "", R"([{"id": 1, "vec": [1,0,0,0]}])").status());
  struct Case {
    const char* rows;
    const char* message;
  } cases[] = {
      {R"([{"id": 2, "vec": [1,0,0]}])", "expected 4 (dim 4)"},
      {R"([{"id": 2, "vec": [1,0,0,0], "zzz": 1}])", "'zzz' is not in the schema"},
      {R"([{"id": "x", "vec": [1,0,0,0]}])", "expected an integer"},
      {R"([{"id": 2, "vec": [1,0,0,0], "tag": "0123456789012345678901234567890123"}])",
       "max_length 32"},
      {R"([{"id": 2, "vec": [1,0,0,0]}, {"id": 3}])", "field 'vec' row 1"},
      {R"({"id": 2)", "not valid JSON"},
  };
  for (const Case& c : cases) {
    auto r = e().InsertRows("default", "c", "", c.rows);
    ASSERT_FALSE(r.ok()) << c.rows;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().ToString();
  }
  EXPECT_TRUE(e().InsertRows("default", "c", "nope", R"([{"id": 2, "vec": [1,0,0,0]}])")
                  .status()
                  .IsNotFound());
  EXPECT_TRUE(e().Delete("default", "c", "", PrimaryKeys{{}, {"a"}}).status().IsInvalidArgument());
  EXPECT_EQ(Count("c"), 1);  // nothing from the failed batches, including the half-valid one
}

TEST_P(EngineTest, PartitionsScopeReadsAndWrites) {
  Create(BasicSchema("c"));
  ASSERT_OK(e().CreatePartition("default", "c", "p1"));
  EXPECT_EQ(e().CreatePartition("default", "c", "p1").code(), StatusCode::kAlreadyExists);
  ASSERT_OK(e().InsertRows("default", "c", "p1", R"([{"id": 1, "vec": [1,0,0,0]}])").status());
  ASSERT_OK(e().InsertRows("default", "c", "", R"([{"id": 2, "vec": [1,0,0,0]}])").status());
  QueryRequest q;
  q.collection = "c";
  q.limit = 10;
  q.partitions = {"p1"};
  ASSERT_OK_AND_ASSIGN(auto r, e().Query(q));
  EXPECT_EQ(r.fields[0].ints, std::vector<int64_t>{1});
  q.partitions = {"nope"};
  EXPECT_TRUE(e().Query(q).status().IsNotFound());
  // Delete scoped to the other partition does not touch p1's row.
  ASSERT_OK(e().Delete("default", "c", "_default", PrimaryKeys{{1}, {}}).status());
  EXPECT_EQ(Count("c"), 2);
  EXPECT_TRUE(e().DropPartition("default", "c", "_default").IsInvalidArgument());
  ASSERT_OK(e().DropPartition("default", "c", "p1"));
  EXPECT_EQ(Count("c"), 1);
  ASSERT_OK_AND_ASSIGN(auto parts, e().ListPartitions("default", "c"));
  EXPECT_EQ(parts.size(), 1u);
  // Dropping a partition with unflushed rows leaves no trace after reopening.
  e_.reset();
  e_ = MustOpen(Options(dir_.path(), GetParam()));
  EXPECT_EQ(Count("c"), 1);
}

TEST_P(EngineTest, PartitionKeyRoutesRowsToHashPartitions) {
  CollectionSchema s = BasicSchema("c");
  FieldSchema tenant = F("tenant", DataType::kVarChar);
  tenant.max_length = 16;
  tenant.is_partition_key = true;
  s.fields.push_back(tenant);
  s.num_partitions = 4;
  Create(s);
  ASSERT_OK_AND_ASSIGN(auto parts, e().ListPartitions("default", "c"));
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[3].name, "_default_3");
  std::string rows = "[";
  for (int i = 0; i < 200; ++i) {
    rows += (i ? "," : "") + std::string(R"({"id": )") + std::to_string(i) +
            R"(, "vec": [1,0,0,0], "tenant": "t)" + std::to_string(i % 10) + "\"}";
  }
  rows += "]";
  ASSERT_OK(e().InsertRows("default", "c", "", rows).status());
  EXPECT_TRUE(e().InsertRows("default", "c", "_default_0",
                             R"([{"id": 1, "vec": [1,0,0,0], "tenant": "x"}])")
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(e().CreatePartition("default", "c", "p").IsInvalidArgument());
  // Every tenant lands in exactly one partition, and the rows spread over several partitions.
  int used = 0;
  int64_t total = 0;
  for (const auto& p : parts) {
    QueryRequest q;
    q.collection = "c";
    q.partitions = {p.name};
    q.output_fields = {"count(*)"};
    ASSERT_OK_AND_ASSIGN(auto r, e().Query(q));
    total += r.fields[0].ints[0];
    used += r.fields[0].ints[0] > 0;
    EXPECT_EQ(r.fields[0].ints[0] % 20, 0);  // whole tenants of 20 rows each
  }
  EXPECT_EQ(total, 200);
  EXPECT_GE(used, 2);
}

TEST_P(EngineTest, DynamicFieldsAndAutoId) {
  CollectionSchema s = BasicSchema("c");
  s.enable_dynamic_field = true;
  s.fields[0].auto_id = true;
  Create(s);
  ASSERT_OK_AND_ASSIGN(auto r, e().InsertRows("default", "c", "", R"([
      {"vec": [1,0,0,0], "color": "red", "size": 3},
      {"vec": [0,1,0,0], "color": "blue"}])"));
  ASSERT_EQ(r.ids.ints.size(), 2u);
  EXPECT_LT(r.ids.ints[0], r.ids.ints[1]);
  EXPECT_TRUE(e().InsertRows("default", "c", "", R"([{"id": 5, "vec": [1,0,0,0]}])")
                  .status()
                  .IsInvalidArgument());
  QueryRequest q;
  q.collection = "c";
  q.limit = 10;
  q.output_fields = {"color"};
  ASSERT_OK_AND_ASSIGN(auto qr, e().Query(q));
  ASSERT_EQ(qr.fields.size(), 2u);
  EXPECT_EQ(qr.fields[1].name, "$meta");
  EXPECT_EQ(qr.fields[1].strings,
            (std::vector<std::string>{R"({"color":"red"})", R"({"color":"blue"})"}));
  q.output_fields = {"*"};
  ASSERT_OK_AND_ASSIGN(qr, e().Query(q));
  EXPECT_EQ(qr.fields.back().strings[0], R"({"color":"red","size":3})");
  // Upsert with auto_id replaces the row under a new key.
  ASSERT_OK_AND_ASSIGN(auto u, e().UpsertRows("default", "c", "",
                                              "[{\"id\": " + std::to_string(r.ids.ints[0]) +
                                                  R"(, "vec": [0,0,0,1]}])"));
  EXPECT_NE(u.ids.ints[0], r.ids.ints[0]);
  EXPECT_EQ(GetIds("c", {r.ids.ints[0], r.ids.ints[1], u.ids.ints[0]}),
            (std::vector<int64_t>{r.ids.ints[1], u.ids.ints[0]}));
}

TEST_P(EngineTest, QueryValidationAndPaging) {
  Create(BasicSchema("c"));
  std::string rows = "[";
  for (int i = 0; i < 50; ++i)
    rows += (i ? "," : "") + std::string(R"({"id": )") + std::to_string(49 - i) +
            R"(, "vec": [1,0,0,0]})";
  ASSERT_OK(e().InsertRows("default", "c", "", rows + "]").status());
  QueryRequest q;
  q.collection = "c";
  EXPECT_TRUE(e().Query(q).status().IsInvalidArgument());  // no filter, ids or limit
  q.limit = 5;
  q.offset = 10;
  ASSERT_OK_AND_ASSIGN(auto r, e().Query(q));
  EXPECT_EQ(r.fields[0].ints, (std::vector<int64_t>{10, 11, 12, 13, 14}));  // ordered by key
  q.output_fields = {"nope"};
  EXPECT_TRUE(e().Query(q).status().IsInvalidArgument());
  q.output_fields = {};
  q.filter = "id > 3";
  q.offset = 0;
  q.limit = 2;
  ASSERT_OK_AND_ASSIGN(r, e().Query(q));
  EXPECT_EQ(r.fields[0].ints, (std::vector<int64_t>{4, 5}));
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "SingleFile" : "DataDir"; });

}  // namespace
}  // namespace elanus::engine
