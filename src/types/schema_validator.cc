#include "types/schema_validator.h"

#include <cctype>
#include <limits>
#include <set>
#include <string>

namespace elanus::types {
namespace {

std::string Q(std::string_view s) { return "'" + std::string(s) + "'"; }

Status Invalid(const FieldSchema& f, const std::string& rule) {
  return Status::InvalidArgument("field " + Q(f.name) + ": " + rule);
}

bool IsScalarElementType(DataType t) {
  return t == DataType::kBool || IsNumericType(t) || t == DataType::kVarChar;
}

Status ValidateDefault(const FieldSchema& f) {
  if (!f.default_value) return Status::OK();
  const ScalarValue& v = *f.default_value;
  if (f.is_primary_key) return Invalid(f, "the primary key cannot have a default value");
  if (f.type == DataType::kJson || f.type == DataType::kArray || IsVectorType(f.type)) {
    return Invalid(
        f, std::string("a default value is not allowed on ") + DataTypeName(f.type) + " fields");
  }
  if (std::holds_alternative<std::monostate>(v)) {
    if (!f.nullable) return Invalid(f, "a null default value requires nullable=true");
    return Status::OK();
  }
  auto mismatch = [&](const char* got) {
    return Invalid(
        f, std::string("default value of type ") + got + " does not match " + DataTypeName(f.type));
  };
  switch (f.type) {
    case DataType::kBool:
      if (!std::holds_alternative<bool>(v)) return mismatch("non-bool");
      return Status::OK();
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64: {
      if (!std::holds_alternative<int64_t>(v)) return mismatch("non-integer");
      int64_t x = std::get<int64_t>(v);
      int64_t lo = f.type == DataType::kInt8    ? std::numeric_limits<int8_t>::min()
                   : f.type == DataType::kInt16 ? std::numeric_limits<int16_t>::min()
                   : f.type == DataType::kInt32 ? std::numeric_limits<int32_t>::min()
                                                : std::numeric_limits<int64_t>::min();
      int64_t hi = -(lo + 1);
      if (x < lo || x > hi) {
        return Invalid(f, "default value " + std::to_string(x) + " is out of range for " +
                              DataTypeName(f.type));
      }
      return Status::OK();
    }
    case DataType::kFloat:
    case DataType::kDouble:
      if (!std::holds_alternative<double>(v) && !std::holds_alternative<int64_t>(v)) {
        return mismatch("non-numeric");
      }
      return Status::OK();
    case DataType::kVarChar: {
      if (!std::holds_alternative<std::string>(v)) return mismatch("non-string");
      size_t n = std::get<std::string>(v).size();
      if (static_cast<int64_t>(n) > f.max_length) {
        return Invalid(f, "default value of " + std::to_string(n) + " bytes exceeds max_length " +
                              std::to_string(f.max_length));
      }
      return Status::OK();
    }
    default:
      return Invalid(f, "default value not supported for this type");
  }
}

Status ValidateField(const FieldSchema& f) {
  ELANUS_RETURN_IF_ERROR(ValidateName(f.name, "field name"));
  switch (f.type) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kJson:
      break;
    case DataType::kVarChar:
      if (f.max_length < 1 || f.max_length > kMaxVarCharLength) {
        return Invalid(
            f, "max_length " + std::to_string(f.max_length) + " must be in [1, 65535] for VARCHAR");
      }
      break;
    case DataType::kArray:
      if (!IsScalarElementType(f.element_type)) {
        return Invalid(f, std::string("element_type ") + DataTypeName(f.element_type) +
                              " is not allowed in ARRAY (use BOOL, integers, FLOAT, DOUBLE or "
                              "VARCHAR)");
      }
      if (f.max_capacity < 1 || f.max_capacity > kMaxArrayCapacity) {
        return Invalid(f, "max_capacity " + std::to_string(f.max_capacity) +
                              " must be in [1, 4096] for ARRAY");
      }
      if (f.element_type == DataType::kVarChar &&
          (f.max_length < 1 || f.max_length > kMaxVarCharLength)) {
        return Invalid(f, "max_length " + std::to_string(f.max_length) +
                              " must be in [1, 65535] for ARRAY of VARCHAR");
      }
      break;
    case DataType::kFloatVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector:
      if (f.dim < 2 || f.dim > kMaxDim) {
        return Invalid(f, "dim " + std::to_string(f.dim) + " must be in [2, 32768] for " +
                              DataTypeName(f.type));
      }
      break;
    case DataType::kBinaryVector:
      if (f.dim < 8 || f.dim > kMaxDim || f.dim % 8 != 0) {
        return Invalid(f, "dim " + std::to_string(f.dim) +
                              " must be a multiple of 8 in [8, 32768] for BINARY_VECTOR");
      }
      break;
    case DataType::kSparseFloatVector:
      if (f.dim != 0) return Invalid(f, "SPARSE_FLOAT_VECTOR takes no dim");
      break;
    default:
      return Invalid(f, "unsupported data type " + std::to_string(static_cast<int>(f.type)));
  }
  if (f.is_primary_key) {
    if (f.type != DataType::kInt64 && f.type != DataType::kVarChar) {
      return Invalid(
          f, std::string("the primary key must be INT64 or VARCHAR, not ") + DataTypeName(f.type));
    }
    if (f.nullable) return Invalid(f, "the primary key cannot be nullable");
  } else if (f.auto_id) {
    return Invalid(f, "auto_id is only allowed on the primary key");
  }
  if (f.is_partition_key) {
    if (f.type != DataType::kInt64 && f.type != DataType::kVarChar) {
      return Invalid(f, std::string("the partition key must be INT64 or VARCHAR, not ") +
                            DataTypeName(f.type));
    }
    if (f.nullable) return Invalid(f, "the partition key cannot be nullable");
    if (f.is_primary_key) return Invalid(f, "the primary key cannot be the partition key");
  }
  if (f.nullable && IsVectorType(f.type)) {
    return Status::NotSupported("field " + Q(f.name) +
                                ": nullable vector fields are not supported");
  }
  return ValidateDefault(f);
}

}  // namespace

Status ValidateName(std::string_view name, std::string_view what) {
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " must not be empty");
  if (name.size() > kMaxNameLength) {
    return Status::InvalidArgument(std::string(what) + " " + Q(name.substr(0, 32)) +
                                   "... is longer than 255 characters");
  }
  unsigned char c0 = name[0];
  if (!(std::isalpha(c0) || c0 == '_')) {
    return Status::InvalidArgument(std::string(what) + " " + Q(name) +
                                   " must start with a letter or '_'");
  }
  for (unsigned char c : name) {
    if (!(std::isalnum(c) || c == '_')) {
      return Status::InvalidArgument(std::string(what) + " " + Q(name) +
                                     " may contain only letters, digits and '_'");
    }
  }
  return Status::OK();
}

Status ValidateAndNormalizeSchema(CollectionSchema& schema) {
  ELANUS_RETURN_IF_ERROR(ValidateName(schema.name, "collection name"));
  // Re-normalizing (e.g. a schema read back from DescribeCollection) drops the old $meta.
  std::erase_if(schema.fields, [](const FieldSchema& f) { return f.is_dynamic; });
  if (schema.fields.empty()) {
    return Status::InvalidArgument("collection '" + schema.name + "': the schema has no fields");
  }
  if (schema.fields.size() > kMaxFields) {
    return Status::InvalidArgument("collection '" + schema.name +
                                   "': " + std::to_string(schema.fields.size()) +
                                   " fields exceed the limit of 64");
  }
  std::set<std::string> names;
  size_t pks = 0, vectors = 0, partition_keys = 0;
  for (const FieldSchema& f : schema.fields) {
    ELANUS_RETURN_IF_ERROR(ValidateField(f));
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("field '" + f.name + "' is defined twice");
    }
    pks += f.is_primary_key;
    vectors += IsVectorType(f.type);
    partition_keys += f.is_partition_key;
  }
  if (pks != 1) {
    return Status::InvalidArgument("collection '" + schema.name +
                                   "': expected exactly one primary "
                                   "key field, found " +
                                   std::to_string(pks));
  }
  if (vectors == 0) {
    return Status::InvalidArgument("collection '" + schema.name +
                                   "': the schema needs at least one vector field");
  }
  if (vectors > kMaxVectorFields) {
    return Status::InvalidArgument("collection '" + schema.name + "': " + std::to_string(vectors) +
                                   " vector fields exceed the limit of 4");
  }
  if (partition_keys > 1) {
    return Status::InvalidArgument("collection '" + schema.name +
                                   "': at most one partition key field is allowed");
  }
  if (partition_keys == 1) {
    if (schema.num_partitions == 0) schema.num_partitions = kDefaultPartitionKeyPartitions;
    if (schema.num_partitions < 1 || schema.num_partitions > static_cast<int64_t>(kMaxPartitions)) {
      return Status::InvalidArgument("num_partitions " + std::to_string(schema.num_partitions) +
                                     " must be in [1, 1024]");
    }
  } else if (schema.num_partitions != 0) {
    return Status::InvalidArgument("num_partitions is only allowed with a partition key field");
  }
  int64_t id = 100;
  for (FieldSchema& f : schema.fields) f.field_id = id++;
  if (schema.enable_dynamic_field) {
    FieldSchema meta;
    meta.field_id = id;
    meta.name = kDynamicFieldName;
    meta.type = DataType::kJson;
    meta.is_dynamic = true;
    meta.description = "dynamic field";
    schema.fields.push_back(meta);
  }
  return Status::OK();
}

}  // namespace elanus::types
