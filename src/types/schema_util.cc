#include <algorithm>
#include <cctype>

#include "elanus/column.h"
#include "elanus/schema.h"

namespace elanus {

const char* DataTypeName(DataType t) {
  switch (t) {
    case DataType::kNone:
      return "NONE";
    case DataType::kBool:
      return "BOOL";
    case DataType::kInt8:
      return "INT8";
    case DataType::kInt16:
      return "INT16";
    case DataType::kInt32:
      return "INT32";
    case DataType::kInt64:
      return "INT64";
    case DataType::kFloat:
      return "FLOAT";
    case DataType::kDouble:
      return "DOUBLE";
    case DataType::kVarChar:
      return "VARCHAR";
    case DataType::kArray:
      return "ARRAY";
    case DataType::kJson:
      return "JSON";
    case DataType::kBinaryVector:
      return "BINARY_VECTOR";
    case DataType::kFloatVector:
      return "FLOAT_VECTOR";
    case DataType::kFloat16Vector:
      return "FLOAT16_VECTOR";
    case DataType::kBFloat16Vector:
      return "BFLOAT16_VECTOR";
    case DataType::kSparseFloatVector:
      return "SPARSE_FLOAT_VECTOR";
    case DataType::kInt8Vector:
      return "INT8_VECTOR";
  }
  return "UNKNOWN";
}

bool IsVectorType(DataType t) {
  switch (t) {
    case DataType::kBinaryVector:
    case DataType::kFloatVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kSparseFloatVector:
    case DataType::kInt8Vector:
      return true;
    default:
      return false;
  }
}

bool IsIntegerType(DataType t) {
  return t == DataType::kInt8 || t == DataType::kInt16 || t == DataType::kInt32 ||
         t == DataType::kInt64;
}

bool IsNumericType(DataType t) {
  return IsIntegerType(t) || t == DataType::kFloat || t == DataType::kDouble;
}

size_t FixedWidth(DataType t, int64_t dim) {
  switch (t) {
    case DataType::kBool:
    case DataType::kInt8:
      return 1;
    case DataType::kInt16:
      return 2;
    case DataType::kInt32:
    case DataType::kFloat:
      return 4;
    case DataType::kInt64:
    case DataType::kDouble:
      return 8;
    case DataType::kFloatVector:
      return 4 * static_cast<size_t>(dim);
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
      return 2 * static_cast<size_t>(dim);
    case DataType::kInt8Vector:
      return static_cast<size_t>(dim);
    case DataType::kBinaryVector:
      return static_cast<size_t>(dim) / 8;
    default:
      return 0;
  }
}

const char* MetricTypeName(MetricType m) {
  switch (m) {
    case MetricType::kNone:
      return "NONE";
    case MetricType::kL2:
      return "L2";
    case MetricType::kIP:
      return "IP";
    case MetricType::kCosine:
      return "COSINE";
    case MetricType::kHamming:
      return "HAMMING";
    case MetricType::kJaccard:
      return "JACCARD";
  }
  return "UNKNOWN";
}

MetricType ParseMetricType(const std::string& name) {
  std::string u(name);
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
  for (MetricType m : {MetricType::kL2, MetricType::kIP, MetricType::kCosine, MetricType::kHamming,
                       MetricType::kJaccard}) {
    if (u == MetricTypeName(m)) return m;
  }
  return MetricType::kNone;
}

bool SmallerIsBetter(MetricType m) {
  return m == MetricType::kL2 || m == MetricType::kHamming || m == MetricType::kJaccard;
}

const FieldSchema* CollectionSchema::FindField(const std::string& n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}
const FieldSchema* CollectionSchema::FindFieldById(int64_t id) const {
  for (const auto& f : fields)
    if (f.field_id == id) return &f;
  return nullptr;
}
const FieldSchema* CollectionSchema::PrimaryKey() const {
  for (const auto& f : fields)
    if (f.is_primary_key) return &f;
  return nullptr;
}
const FieldSchema* CollectionSchema::PartitionKey() const {
  for (const auto& f : fields)
    if (f.is_partition_key) return &f;
  return nullptr;
}
const FieldSchema* CollectionSchema::DynamicField() const {
  for (const auto& f : fields)
    if (f.is_dynamic) return &f;
  return nullptr;
}

size_t ArrayValue::size(DataType element_type) const {
  switch (element_type) {
    case DataType::kFloat:
      return floats.size();
    case DataType::kDouble:
      return doubles.size();
    case DataType::kVarChar:
      return strings.size();
    default:
      return ints.size();
  }
}

size_t FieldColumn::NumRows() const {
  switch (type) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
      return ints.size();
    case DataType::kFloat:
      return floats.size();
    case DataType::kDouble:
      return doubles.size();
    case DataType::kVarChar:
    case DataType::kJson:
      return strings.size();
    case DataType::kArray:
      return arrays.size();
    case DataType::kSparseFloatVector:
      return sparse.size();
    case DataType::kFloatVector:
      return dim > 0 ? floats.size() / dim : 0;
    case DataType::kBinaryVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector: {
      size_t w = FixedWidth(type, dim);
      return w > 0 ? bytes.size() / w : 0;
    }
    default:
      return 0;
  }
}

}  // namespace elanus
