// Partial upsert (merge into stored rows) and search by primary keys.
#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;

class ByKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    CollectionSchema s = BasicSchema("c", 2);  // id, vec, tag (nullable), n (default 7)
    s.enable_dynamic_field = true;
    ASSERT_OK(e_->CreateCollection("default", s));
    ASSERT_OK(e_->InsertRows("default", "c", "",
                             R"([{"id": 1, "vec": [1, 0], "tag": "a", "n": 10, "color": "red"},
                                 {"id": 2, "vec": [0, 1], "tag": "b", "n": 20, "size": 3},
                                 {"id": 3, "vec": [1, 1], "n": 30}])")
                  .status());
  }

  // Row `id` as "tag|n|vec0,vec1|$meta".
  std::string Row(int64_t id) {
    QueryRequest q;
    q.collection = "c";
    q.ids = PrimaryKeys{{id}, {}};
    q.output_fields = {"*"};
    auto r = e_->Query(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->num_rows != 1) return "<missing>";
    std::string tag, n, vec, meta;
    for (const FieldColumn& c : r->fields) {
      if (c.name == "tag") tag = c.IsNull(0) ? "null" : c.strings[0];
      if (c.name == "n") n = std::to_string(c.ints[0]);
      if (c.name == "vec")
        vec = std::to_string(int(c.floats[0])) + "," + std::to_string(int(c.floats[1]));
      if (c.name == "$meta") meta = c.strings[0];
    }
    std::string out = tag + "|" + n + "|" + vec + "|" + meta;
    return out;
  }

  static FieldColumn Ints(const std::string& name, DataType t, std::vector<int64_t> v) {
    FieldColumn c;
    c.name = name;
    c.type = t;
    c.ints = std::move(v);
    return c;
  }

  TempDir dir_;
  std::unique_ptr<Engine> e_;
};

TEST_F(ByKeyTest, PartialUpsertKeepsFieldsNotGiven) {
  // Update n of rows 1 and 2, add a dynamic key to row 1; insert row 4 (tag NULL, vec given).
  FieldColumn id = Ints("id", DataType::kInt64, {1, 2});
  FieldColumn n = Ints("n", DataType::kInt32, {11, 21});
  FieldColumn meta;
  meta.name = "$meta";
  meta.type = DataType::kJson;
  meta.strings = {R"({"shape": "round"})", "{}"};
  ASSERT_OK(e_->PartialUpsert("default", "c", "", {id, n, meta}).status());
  EXPECT_EQ(Row(1), R"(a|11|1,0|{"color":"red","shape":"round"})");
  EXPECT_EQ(Row(2), R"(b|21|0,1|{"size":3})");
  EXPECT_EQ(Row(3), "null|30|1,1|{}");

  // A new key is inserted: missing nullable/default fields become NULL / the default.
  FieldColumn id4 = Ints("id", DataType::kInt64, {4});
  FieldColumn vec;
  vec.name = "vec";
  vec.type = DataType::kFloatVector;
  vec.dim = 2;
  vec.floats = {5, 5};
  ASSERT_OK(e_->PartialUpsert("default", "c", "", {id4, vec}).status());
  EXPECT_EQ(Row(4), "null|7|5,5|{}");

  // A new key without its vector is an error naming the key and the field; nothing is written.
  FieldColumn id5 = Ints("id", DataType::kInt64, {2, 5});
  FieldColumn n5 = Ints("n", DataType::kInt32, {99, 99});
  auto bad = e_->PartialUpsert("default", "c", "", {id5, n5});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("primary key 5"), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("'vec'"), std::string::npos);
  EXPECT_EQ(Row(2), R"(b|21|0,1|{"size":3})");

  // Without the primary key there is nothing to merge into.
  auto nokey = e_->PartialUpsert("default", "c", "", {n});
  ASSERT_FALSE(nokey.ok());
  EXPECT_NE(nokey.status().message().find("primary key 'id'"), std::string::npos);
}

TEST_F(ByKeyTest, SearchByPrimaryKeysUsesStoredVectors) {
  SearchRequest r;
  r.collection = "c";
  r.metric = MetricType::kL2;
  r.limit = 2;
  r.query_ids = PrimaryKeys{{2, 1}, {}};
  auto res = e_->Search(r);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->nq, 2u);
  // Query 0 is row 2's vector [0,1]: itself first (distance 0), then row 3 [1,1] (distance 1).
  ASSERT_EQ(res->ids.ints.size(), 4u);
  EXPECT_EQ(res->ids.ints[0], 2);
  EXPECT_EQ(res->scores[0], 0.0f);
  EXPECT_EQ(res->ids.ints[1], 3);
  EXPECT_EQ(res->ids.ints[2], 1);
  EXPECT_EQ(res->ids.ints[3], 3);

  r.query_ids = PrimaryKeys{{1, 42}, {}};
  auto missing = e_->Search(r);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("primary key 42"), std::string::npos)
      << missing.status().ToString();

  r.query_ids = PrimaryKeys{{}, {"x"}};
  auto wrong = e_->Search(r);
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.status().IsInvalidArgument());
}

}  // namespace
}  // namespace elanus::engine
