// Schemas shared by tests.
#pragma once

#include "elanus/schema.h"

namespace elanus::types::testing {

inline FieldSchema Field(std::string name, DataType t) {
  FieldSchema f;
  f.name = std::move(name);
  f.type = t;
  return f;
}

// id INT64 PK, vec FLOAT_VECTOR(dim), plus optional extras.
inline CollectionSchema SimpleSchema(int64_t dim = 4, bool dynamic = false) {
  CollectionSchema s;
  s.name = "c";
  FieldSchema id = Field("id", DataType::kInt64);
  id.is_primary_key = true;
  FieldSchema vec = Field("vec", DataType::kFloatVector);
  vec.dim = dim;
  s.fields = {id, vec};
  s.enable_dynamic_field = dynamic;
  return s;
}

}  // namespace elanus::types::testing
