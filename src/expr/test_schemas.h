// Schemas shared by the expr tests (reference/milvus-features.md §2.4 plus a few extras).
#pragma once

#include "elanus/schema.h"

namespace elanus::expr::testing {

inline FieldSchema Field(int64_t id, std::string name, DataType t, bool nullable = false) {
  FieldSchema f;
  f.field_id = id;
  f.name = std::move(name);
  f.type = t;
  f.nullable = nullable;
  return f;
}

// id INT64 PK, age INT32 nullable, price FLOAT, score DOUBLE, name VARCHAR(64) nullable,
// flag BOOL, tags ARRAY<VARCHAR>, temps ARRAY<INT64>, meta JSON, i8 INT8, vec FLOAT_VECTOR(4),
// bools ARRAY<BOOL>, i16 INT16, i64 INT64; dynamic field ($meta, id 199) when `dynamic`.
inline CollectionSchema TestSchema(bool dynamic = true) {
  CollectionSchema s;
  s.name = "test";
  FieldSchema id = Field(100, "id", DataType::kInt64);
  id.is_primary_key = true;
  FieldSchema name = Field(104, "name", DataType::kVarChar, true);
  name.max_length = 64;
  FieldSchema tags = Field(106, "tags", DataType::kArray);
  tags.element_type = DataType::kVarChar;
  tags.max_capacity = 16;
  tags.max_length = 32;
  FieldSchema temps = Field(107, "temps", DataType::kArray);
  temps.element_type = DataType::kInt64;
  temps.max_capacity = 16;
  FieldSchema bools = Field(111, "bools", DataType::kArray);
  bools.element_type = DataType::kBool;
  bools.max_capacity = 4;
  FieldSchema vec = Field(110, "vec", DataType::kFloatVector);
  vec.dim = 4;
  s.fields = {id,
              Field(101, "age", DataType::kInt32, true),
              Field(102, "price", DataType::kFloat),
              Field(103, "score", DataType::kDouble),
              name,
              Field(105, "flag", DataType::kBool),
              tags,
              temps,
              Field(108, "meta", DataType::kJson),
              Field(109, "i8", DataType::kInt8),
              vec,
              bools,
              Field(112, "i16", DataType::kInt16),
              Field(113, "i64", DataType::kInt64)};
  if (dynamic) {
    FieldSchema dyn = Field(199, kDynamicFieldName, DataType::kJson);
    dyn.is_dynamic = true;
    s.fields.push_back(dyn);
    s.enable_dynamic_field = true;
  }
  return s;
}

// id INT64 PK, tenant VARCHAR partition key, age INT32, vec FLOAT_VECTOR(4); no dynamic field.
inline CollectionSchema PartitionKeySchema() {
  CollectionSchema s;
  s.name = "pk";
  FieldSchema id = Field(100, "id", DataType::kInt64);
  id.is_primary_key = true;
  FieldSchema tenant = Field(101, "tenant", DataType::kVarChar);
  tenant.max_length = 32;
  tenant.is_partition_key = true;
  FieldSchema vec = Field(103, "vec", DataType::kFloatVector);
  vec.dim = 4;
  s.fields = {id, tenant, Field(102, "age", DataType::kInt32), vec};
  s.num_partitions = 16;
  return s;
}

// Like PartitionKeySchema but the partition key is INT64 `region`.
inline CollectionSchema IntPartitionKeySchema() {
  CollectionSchema s = PartitionKeySchema();
  s.fields[1] = Field(101, "region", DataType::kInt64);
  s.fields[1].is_partition_key = true;
  return s;
}

}  // namespace elanus::expr::testing
