// Data types, metrics and collection schemas. Plain value types; validation lives in the engine
// (src/types/schema_validator.h) and returns InvalidArgument naming the field, the value and the
// rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace elanus {

// Numbering follows the Milvus protocol's DataType enum so adapters translate 1:1.
enum class DataType : int32_t {
  kNone = 0,
  kBool = 1,
  kInt8 = 2,
  kInt16 = 3,
  kInt32 = 4,
  kInt64 = 5,
  kFloat = 10,
  kDouble = 11,
  kVarChar = 21,
  kArray = 22,
  kJson = 23,
  kBinaryVector = 100,
  kFloatVector = 101,
  kFloat16Vector = 102,
  kBFloat16Vector = 103,
  kSparseFloatVector = 104,
  kInt8Vector = 105,
};

const char* DataTypeName(DataType t);  // "INT64", "FLOAT_VECTOR", ...
bool IsVectorType(DataType t);
bool IsIntegerType(DataType t);  // INT8..INT64
bool IsNumericType(DataType t);  // integers, FLOAT, DOUBLE
// Bytes per row for fixed-width types (vectors: per vector of `dim`); 0 for variable-length types.
size_t FixedWidth(DataType t, int64_t dim);

enum class MetricType : int32_t { kNone = 0, kL2, kIP, kCosine, kHamming, kJaccard };
const char* MetricTypeName(MetricType m);  // "L2", "IP", "COSINE", "HAMMING", "JACCARD"
// Parses a metric name case-insensitively; returns kNone when unknown.
MetricType ParseMetricType(const std::string& name);
// True when a smaller score is better (L2, HAMMING, JACCARD).
bool SmallerIsBetter(MetricType m);

// A scalar value: null, bool, integer, floating point or string. Used for default values, primary
// keys and filter literals.
using ScalarValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct FieldSchema {
  int64_t field_id = 0;  // assigned at collection creation (100, 101, ...); 0 in requests
  std::string name;
  DataType type = DataType::kNone;
  std::string description;
  bool is_primary_key = false;
  bool auto_id = false;           // only on the primary key
  bool is_partition_key = false;  // INT64 or VARCHAR, not nullable
  bool nullable = false;
  bool is_dynamic = false;                   // the hidden `$meta` JSON field; set by the engine
  int64_t dim = 0;                           // vectors except sparse; BINARY counts bits
  int64_t max_length = 0;                    // VARCHAR, and ARRAY of VARCHAR elements
  DataType element_type = DataType::kNone;   // ARRAY
  int64_t max_capacity = 0;                  // ARRAY
  std::optional<ScalarValue> default_value;  // scalars other than the PK, JSON and ARRAY
};

struct CollectionSchema {
  std::string name;
  std::string description;
  std::vector<FieldSchema> fields;
  bool enable_dynamic_field = false;
  int64_t num_partitions = 0;  // partition-key collections: number of hash partitions (default 16)

  const FieldSchema* FindField(const std::string& name) const;
  const FieldSchema* FindFieldById(int64_t id) const;
  const FieldSchema* PrimaryKey() const;
  const FieldSchema* PartitionKey() const;
  const FieldSchema* DynamicField() const;  // non-null iff enable_dynamic_field
};

// Limits (Milvus 2.6 defaults).
inline constexpr size_t kMaxNameLength = 255;
inline constexpr size_t kMaxFields = 64;
inline constexpr size_t kMaxVectorFields = 4;
inline constexpr int64_t kMaxDim = 32768;
inline constexpr int64_t kMaxVarCharLength = 65535;
inline constexpr size_t kMaxJsonBytes = 65536;
inline constexpr int64_t kMaxArrayCapacity = 4096;
inline constexpr size_t kMaxPartitions = 1024;
inline constexpr int64_t kDefaultPartitionKeyPartitions = 16;
inline constexpr size_t kMaxDatabases = 64;
inline constexpr size_t kMaxCollections = 65536;
inline constexpr int64_t kMaxTopK = 16384;
inline constexpr size_t kMaxNq = 16384;
inline constexpr int64_t kMaxGroupSize = 10;  // grouping search: hits per group
inline constexpr char kDefaultDatabase[] = "default";
inline constexpr char kDefaultPartition[] = "_default";
inline constexpr char kDynamicFieldName[] = "$meta";

}  // namespace elanus
