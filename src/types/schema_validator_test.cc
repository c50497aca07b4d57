#include "types/schema_validator.h"

#include <gtest/gtest.h>

#include "types/test_schemas.h"

namespace elanus::types {
namespace {

using testing::Field;
using testing::SimpleSchema;

void ExpectInvalid(CollectionSchema s, const std::string& substring) {
  Status st = ValidateAndNormalizeSchema(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(substring), std::string::npos) << st.ToString();
}

TEST(SchemaValidatorTest, AssignsFieldIdsAndDynamicField) {
  CollectionSchema s = SimpleSchema(8, /*dynamic=*/true);
  ASSERT_TRUE(ValidateAndNormalizeSchema(s).ok());
  ASSERT_EQ(s.fields.size(), 3u);
  EXPECT_EQ(s.fields[0].field_id, 100);
  EXPECT_EQ(s.fields[1].field_id, 101);
  EXPECT_TRUE(s.fields[2].is_dynamic);
  EXPECT_EQ(s.fields[2].name, "$meta");
  // Normalizing twice is stable.
  ASSERT_TRUE(ValidateAndNormalizeSchema(s).ok());
  EXPECT_EQ(s.fields.size(), 3u);
}

TEST(SchemaValidatorTest, RejectsBadNames) {
  EXPECT_FALSE(ValidateName("", "collection name").ok());
  EXPECT_FALSE(ValidateName("1abc", "collection name").ok());
  EXPECT_FALSE(ValidateName("a-b", "collection name").ok());
  EXPECT_FALSE(ValidateName(std::string(256, 'a'), "collection name").ok());
  EXPECT_TRUE(ValidateName("_a1", "collection name").ok());
  EXPECT_TRUE(ValidateName(std::string(255, 'a'), "collection name").ok());
}

TEST(SchemaValidatorTest, PrimaryKeyRules) {
  CollectionSchema s = SimpleSchema();
  s.fields[0].is_primary_key = false;
  ExpectInvalid(s, "exactly one primary key");
  s = SimpleSchema();
  s.fields[0].type = DataType::kFloat;
  ExpectInvalid(s, "must be INT64 or VARCHAR");
  s = SimpleSchema();
  s.fields[0].nullable = true;
  ExpectInvalid(s, "cannot be nullable");
  s = SimpleSchema();
  s.fields[1].auto_id = true;
  ExpectInvalid(s, "auto_id is only allowed on the primary key");
  s = SimpleSchema();
  s.fields[0].default_value = ScalarValue(int64_t{1});
  ExpectInvalid(s, "cannot have a default value");
}

TEST(SchemaValidatorTest, VectorRules) {
  CollectionSchema s = SimpleSchema(1);
  ExpectInvalid(s, "dim 1 must be in [2, 32768]");
  s = SimpleSchema(32769);
  ExpectInvalid(s, "dim 32769");
  s = SimpleSchema();
  s.fields[1].type = DataType::kBinaryVector;
  s.fields[1].dim = 12;
  ExpectInvalid(s, "multiple of 8");
  s = SimpleSchema();
  s.fields.pop_back();
  ExpectInvalid(s, "at least one vector field");
  s = SimpleSchema();
  for (int i = 0; i < 4; ++i) {
    FieldSchema v = Field("v" + std::to_string(i), DataType::kFloatVector);
    v.dim = 4;
    s.fields.push_back(v);
  }
  ExpectInvalid(s, "exceed the limit of 4");
}

TEST(SchemaValidatorTest, ScalarRules) {
  CollectionSchema s = SimpleSchema();
  s.fields.push_back(Field("name", DataType::kVarChar));
  ExpectInvalid(s, "max_length 0");
  s.fields.back().max_length = 65536;
  ExpectInvalid(s, "max_length 65536");
  s.fields.back().max_length = 10;
  s.fields.back().default_value = ScalarValue(std::string(11, 'x'));
  ExpectInvalid(s, "exceeds max_length 10");
  s.fields.back().default_value = ScalarValue(int64_t{3});
  ExpectInvalid(s, "does not match VARCHAR");

  s = SimpleSchema();
  FieldSchema arr = Field("arr", DataType::kArray);
  arr.element_type = DataType::kJson;
  arr.max_capacity = 4;
  s.fields.push_back(arr);
  ExpectInvalid(s, "element_type JSON is not allowed");
  s.fields.back().element_type = DataType::kInt32;
  s.fields.back().max_capacity = 5000;
  ExpectInvalid(s, "max_capacity 5000");

  s = SimpleSchema();
  FieldSchema small = Field("small", DataType::kInt8);
  small.default_value = ScalarValue(int64_t{300});
  s.fields.push_back(small);
  ExpectInvalid(s, "out of range for INT8");
  s.fields.back().default_value = ScalarValue(std::monostate{});
  ExpectInvalid(s, "null default value requires nullable");
  s.fields.back().nullable = true;
  CollectionSchema ok = s;
  EXPECT_TRUE(ValidateAndNormalizeSchema(ok).ok());

  s = SimpleSchema();
  s.fields.push_back(Field("id", DataType::kInt32));
  ExpectInvalid(s, "defined twice");
}

TEST(SchemaValidatorTest, PartitionKeyRules) {
  CollectionSchema s = SimpleSchema();
  FieldSchema k = Field("tenant", DataType::kVarChar);
  k.max_length = 16;
  k.is_partition_key = true;
  s.fields.push_back(k);
  CollectionSchema ok = s;
  ASSERT_TRUE(ValidateAndNormalizeSchema(ok).ok());
  EXPECT_EQ(ok.num_partitions, 16);
  s.num_partitions = 2000;
  ExpectInvalid(s, "num_partitions 2000");
  s.num_partitions = 0;
  s.fields.back().type = DataType::kFloat;
  ExpectInvalid(s, "partition key must be INT64 or VARCHAR");
  s = SimpleSchema();
  s.num_partitions = 4;
  ExpectInvalid(s, "only allowed with a partition key");
}

}  // namespace
}  // namespace elanus::types
