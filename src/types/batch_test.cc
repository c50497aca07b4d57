#include "types/batch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "types/schema_validator.h"
#include "types/test_schemas.h"
#include "types/value_codec.h"

namespace elanus::types {
namespace {

using testing::Field;
using testing::SimpleSchema;

CollectionSchema RichSchema() {
  CollectionSchema s = SimpleSchema(2, /*dynamic=*/true);
  FieldSchema name = Field("name", DataType::kVarChar);
  name.max_length = 8;
  name.nullable = true;
  FieldSchema age = Field("age", DataType::kInt16);
  age.default_value = ScalarValue(int64_t{18});
  FieldSchema tags = Field("tags", DataType::kArray);
  tags.element_type = DataType::kVarChar;
  tags.max_capacity = 3;
  tags.max_length = 5;
  FieldSchema meta = Field("meta", DataType::kJson);
  meta.nullable = true;
  FieldSchema sp = Field("sp", DataType::kSparseFloatVector);
  s.fields.insert(s.fields.end(), {name, age, tags, meta, sp});
  EXPECT_TRUE(ValidateAndNormalizeSchema(s).ok());
  return s;
}

int64_t counter = 0;
int64_t NextId() { return ++counter; }

TEST(BatchTest, RowsToColumnsAppliesDefaultsNullsAndDynamicKeys) {
  CollectionSchema s = RichSchema();
  auto cols = RowsToColumns(s, R"([
    {"id": 1, "vec": [1, 2], "name": "ab", "tags": ["x"], "meta": {"a": 1}, "sp": {"3": 0.5, "1": 1}, "color": "red"},
    {"id": 2, "vec": [3, 4], "name": null, "age": 40, "tags": [], "sp": {"7": 2}}
  ])");
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  auto batch = NormalizeColumns(s, *cols, NextId);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->num_rows, 2u);
  EXPECT_EQ(batch->Int64At(0, 1), 2);
  // name: row 1 is null
  EXPECT_EQ(batch->columns[2].valid, (std::vector<uint8_t>{1, 0}));
  // age: default 18 for row 0, 40 for row 1 (INT16)
  int16_t ages[2];
  std::memcpy(ages, batch->columns[3].fixed.data(), 4);
  EXPECT_EQ(ages[0], 18);
  EXPECT_EQ(ages[1], 40);
  // meta: null on row 1
  EXPECT_EQ(batch->columns[5].valid, (std::vector<uint8_t>{1, 0}));
  // sparse sorted by index
  auto sp = DecodeSparse(batch->columns[6].var[0]);
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ(sp->indices, (std::vector<uint32_t>{1, 3}));
  // dynamic keys
  EXPECT_EQ(batch->columns[7].var[0], R"({"color":"red"})");
  EXPECT_EQ(batch->columns[7].var[1], "{}");
}

TEST(BatchTest, ErrorsNameFieldRowAndRule) {
  CollectionSchema s = RichSchema();
  struct Case {
    const char* rows;
    const char* expect;
  } cases[] = {
      {R"([{"id": 1, "vec": [1], "tags": [], "sp": {"1": 1}}])",
       "vector has 1 elements, expected 2"},
      {R"([{"id": 1, "vec": [1, 2], "name": "123456789", "tags": [], "sp": {"1": 1}}])",
       "exceeds max_length 8"},
      {R"([{"id": 1, "vec": [1, 2], "tags": ["a","b","c","d"], "sp": {"1": 1}}])",
       "exceeds max_capacity 3"},
      {R"([{"id": 1, "vec": [1, 2], "tags": [], "sp": {"1": -1}}])", "finite and non-negative"},
      {R"([{"id": 1, "vec": [1, 2], "tags": [], "sp": {}}])", "at least one entry"},
      {R"([{"id": 1, "vec": [1, 2], "tags": [], "sp": {"1": 1}, "age": 70000}])",
       "out of range for INT16"},
      {R"([{"id": "x", "vec": [1, 2], "tags": [], "sp": {"1": 1}}])", "expected an integer"},
      {R"([{"vec": [1, 2], "tags": [], "sp": {"1": 1}}])", "field 'id' row 0"},
      {R"([{"id": 1, "vec": [1, 2], "sp": {"1": 1}}])", "field 'tags' row 0"},
      {R"([{"id": 1, "vec": [1, 2], "tags": [1], "sp": {"1": 1}}])", "must be strings"},
      {R"(not json)", "not valid JSON"},
  };
  for (const Case& c : cases) {
    auto cols = RowsToColumns(s, c.rows);
    Status st = cols.status();
    if (cols.ok()) st = NormalizeColumns(s, *cols, NextId).status();
    ASSERT_FALSE(st.ok()) << c.rows;
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_NE(st.message().find(c.expect), std::string::npos) << st.ToString();
  }
}

TEST(BatchTest, ColumnErrors) {
  CollectionSchema s = SimpleSchema(2);
  ASSERT_TRUE(ValidateAndNormalizeSchema(s).ok());
  FieldColumn id{.name = "id", .type = DataType::kInt64, .ints = {1, 2}};
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = 2, .floats = {1, 2, 3}};
  auto r = NormalizeColumns(s, {id, vec}, NextId);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a multiple of dim 2"), std::string::npos);
  vec.floats = {1, 2, 3, 4, 5, 6};
  r = NormalizeColumns(s, {id, vec}, NextId);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has 3 rows but other fields have 2"), std::string::npos);
  vec.floats = {1, 2, 3, std::nanf("")};
  r = NormalizeColumns(s, {id, vec}, NextId);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("NaN"), std::string::npos);
  FieldColumn extra{.name = "nope", .type = DataType::kInt64, .ints = {1, 2}};
  vec.floats = {1, 2, 3, 4};
  r = NormalizeColumns(s, {id, vec, extra}, NextId);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'nope' is not in the schema"), std::string::npos);
}

TEST(BatchTest, AutoIdGeneratesKeysAndRejectsGivenOnes) {
  CollectionSchema s = SimpleSchema(2);
  s.fields[0].auto_id = true;
  ASSERT_TRUE(ValidateAndNormalizeSchema(s).ok());
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = 2, .floats = {1, 2, 3, 4}};
  counter = 100;
  auto b = NormalizeColumns(s, {vec}, NextId);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->Int64At(0, 0), 101);
  EXPECT_EQ(b->Int64At(0, 1), 102);
  FieldColumn id{.name = "id", .type = DataType::kInt64, .ints = {1, 2}};
  EXPECT_FALSE(NormalizeColumns(s, {id, vec}, NextId).ok());
}

TEST(BatchTest, EncodeDecodeRoundTripAndTruncationIsCorruption) {
  CollectionSchema s = RichSchema();
  auto cols = RowsToColumns(
      s,
      R"([{"id": 5, "vec": [1, 2], "name": "q", "tags": ["x","y"], "sp": {"2": 1}, "k": [1,2]}])");
  ASSERT_TRUE(cols.ok());
  auto b = NormalizeColumns(s, *cols, NextId);
  ASSERT_TRUE(b.ok());
  std::string enc;
  EncodeBatch(*b, &enc);
  std::string_view in(enc);
  auto d = DecodeBatch(s, &in);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(d->num_rows, 1u);
  for (size_t p = 0; p < s.fields.size(); ++p) {
    EXPECT_EQ(d->columns[p].fixed, b->columns[p].fixed);
    EXPECT_EQ(d->columns[p].var, b->columns[p].var);
    EXPECT_EQ(d->columns[p].valid, b->columns[p].valid);
  }
  for (size_t cut = 0; cut < enc.size(); cut += 7) {
    std::string_view part(enc.data(), cut);
    auto bad = DecodeBatch(s, &part);
    EXPECT_TRUE(!bad.ok() && bad.status().IsCorruption()) << cut;
  }
}

}  // namespace
}  // namespace elanus::types
