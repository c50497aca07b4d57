// Validation of scalar index requests: which index type accepts which field (Milvus 2.6 rules)
// and the JSON path / cast parameters.
#include <algorithm>
#include <cctype>

#include "expr/expr.h"
#include "expr/scalar_index.h"

namespace elanus::expr {
namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

bool IsIntType(DataType t) {
  return t == DataType::kInt8 || t == DataType::kInt16 || t == DataType::kInt32 ||
         t == DataType::kInt64;
}

// BITMAP: BOOL, INT8..INT64, VARCHAR (and ARRAY of those).
bool BitmapAccepts(DataType t) {
  return t == DataType::kBool || IsIntType(t) || t == DataType::kVarChar;
}

Status Reject(ScalarIndexType t, const FieldSchema& f, const std::string& rule) {
  std::string type = f.type == DataType::kArray
                         ? std::string("ARRAY<") + DataTypeName(f.element_type) + ">"
                         : std::string(DataTypeName(f.type));
  return Status::InvalidArgument(std::string(ScalarIndexTypeName(t)) +
                                 " index is not supported on " + type + " field '" + f.name +
                                 "': " + rule);
}

Result<JsonCast> ParseCast(const std::string& v) {
  std::string u = Upper(v);
  if (u == "BOOL") return JsonCast::kBool;
  if (u == "DOUBLE") return JsonCast::kDouble;
  if (u == "VARCHAR") return JsonCast::kVarchar;
  if (u == "ARRAY_BOOL") return JsonCast::kArrayBool;
  if (u == "ARRAY_DOUBLE") return JsonCast::kArrayDouble;
  if (u == "ARRAY_VARCHAR") return JsonCast::kArrayVarchar;
  return Status::InvalidArgument("json_cast_type '" + v +
                                 "' is not supported; use BOOL, DOUBLE, VARCHAR, ARRAY_BOOL, "
                                 "ARRAY_DOUBLE or ARRAY_VARCHAR");
}

// `json_path` as written in a filter: the field name, then ["key"] / [index] steps.
Result<std::vector<PathPart>> ParseJsonPath(const std::string& path, const FieldSchema& field,
                                            const CollectionSchema& schema) {
  std::string trimmed = path;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
    trimmed.pop_back();
  }
  if (trimmed.empty() || trimmed == field.name) return std::vector<PathPart>{};
  auto plan = Compile("exists " + trimmed, schema);
  if (!plan.ok()) {
    return Status::InvalidArgument("json_path '" + path + "' of field '" + field.name +
                                   "' is not a valid JSON path: " + plan.status().message());
  }
  const auto* e = std::get_if<ExistsExpr>(&(*plan)->root().node);
  if (e == nullptr || e->field.field_id != field.field_id) {
    return Status::InvalidArgument("json_path '" + path + "' does not refer to JSON field '" +
                                   field.name + "' (write it as " + field.name + "[\"key\"])");
  }
  return e->field.path;
}

}  // namespace

const char* ScalarIndexTypeName(ScalarIndexType t) {
  switch (t) {
    case ScalarIndexType::kInverted:
      return "INVERTED";
    case ScalarIndexType::kBitmap:
      return "BITMAP";
    case ScalarIndexType::kStlSort:
      return "STL_SORT";
    case ScalarIndexType::kTrie:
      return "Trie";
  }
  return "?";
}

const char* JsonCastName(JsonCast c) {
  switch (c) {
    case JsonCast::kNone:
      return "NONE";
    case JsonCast::kBool:
      return "BOOL";
    case JsonCast::kDouble:
      return "DOUBLE";
    case JsonCast::kVarchar:
      return "VARCHAR";
    case JsonCast::kArrayBool:
      return "ARRAY_BOOL";
    case JsonCast::kArrayDouble:
      return "ARRAY_DOUBLE";
    case JsonCast::kArrayVarchar:
      return "ARRAY_VARCHAR";
  }
  return "?";
}

bool IsScalarIndexType(const std::string& u) {
  return u == "INVERTED" || u == "BITMAP" || u == "STL_SORT" || u == "TRIE";
}

Result<ScalarIndexSpec> ResolveScalarIndexSpec(const std::string& upper_type,
                                               const FieldSchema& field,
                                               const CollectionSchema& schema,
                                               const std::map<std::string, std::string>& params) {
  ScalarIndexSpec spec;
  if (upper_type == "INVERTED") {
    spec.type = ScalarIndexType::kInverted;
  } else if (upper_type == "BITMAP") {
    spec.type = ScalarIndexType::kBitmap;
  } else if (upper_type == "STL_SORT") {
    spec.type = ScalarIndexType::kStlSort;
  } else if (upper_type == "TRIE") {
    spec.type = ScalarIndexType::kTrie;
  } else {
    return Status::InvalidArgument("index type " + upper_type + " is not a scalar index type");
  }
  spec.field_id = field.field_id;
  spec.field_type = field.type;
  spec.element_type = field.element_type;
  const DataType t = field.type;
  if (IsVectorType(t)) return Reject(spec.type, field, "vector fields take vector indexes");
  for (const auto& [key, value] : params) {
    bool known = (key == "json_path" || key == "json_cast_type" || key == "mmap.enabled") ||
                 (key == "json_cast_function") ||
                 (key == "bitmap_cardinality_limit" && spec.type == ScalarIndexType::kBitmap);
    if (!known) {
      return Status::InvalidArgument("index parameter '" + key + "' is not supported by " +
                                     ScalarIndexTypeName(spec.type) + " (field '" + field.name +
                                     "')");
    }
    (void)value;
  }
  const bool has_json_params = params.count("json_path") || params.count("json_cast_type");
  if (t != DataType::kJson && has_json_params) {
    return Status::InvalidArgument("json_path and json_cast_type apply only to JSON fields; '" +
                                   field.name + "' is " + DataTypeName(t));
  }
  switch (spec.type) {
    case ScalarIndexType::kInverted:
      break;  // every scalar type, ARRAY and JSON
    case ScalarIndexType::kBitmap:
      if (field.is_primary_key) return Reject(spec.type, field, "not on the primary key");
      if (t == DataType::kArray ? !BitmapAccepts(field.element_type) : !BitmapAccepts(t)) {
        return Reject(spec.type, field,
                      "BITMAP accepts BOOL, INT8, INT16, INT32, INT64, VARCHAR and ARRAY of those");
      }
      break;
    case ScalarIndexType::kStlSort:
      if (!(IsIntType(t) || t == DataType::kFloat || t == DataType::kDouble ||
            t == DataType::kVarChar)) {
        return Reject(spec.type, field, "STL_SORT accepts numeric and VARCHAR fields");
      }
      break;
    case ScalarIndexType::kTrie:
      if (t != DataType::kVarChar) return Reject(spec.type, field, "Trie accepts VARCHAR fields");
      break;
  }
  if (spec.type == ScalarIndexType::kBitmap) {
    spec.bitmap_cardinality_limit = kDefaultBitmapCardinalityLimit;
    auto it = params.find("bitmap_cardinality_limit");
    if (it != params.end()) {
      char* end = nullptr;
      long long v = std::strtoll(it->second.c_str(), &end, 10);
      if (it->second.empty() || *end != '\0' || v < 1 || v > kMaxBitmapCardinalityLimit) {
        return Status::InvalidArgument("bitmap_cardinality_limit '" + it->second +
                                       "' must be an integer in [1, " +
                                       std::to_string(kMaxBitmapCardinalityLimit) + "]");
      }
      spec.bitmap_cardinality_limit = static_cast<uint32_t>(v);
    }
  }
  if (t == DataType::kJson) {
    if (params.count("json_cast_function")) {
      return Status::NotSupported("json_cast_function is not supported (field '" + field.name +
                                  "')");
    }
    auto cast = params.find("json_cast_type");
    if (cast == params.end()) {
      return Status::InvalidArgument("JSON field '" + field.name +
                                     "' needs index parameter json_cast_type (BOOL, DOUBLE, "
                                     "VARCHAR, ARRAY_BOOL, ARRAY_DOUBLE or ARRAY_VARCHAR)");
    }
    ELANUS_ASSIGN_OR_RETURN(spec.cast, ParseCast(cast->second));
    auto path = params.find("json_path");
    if (path != params.end()) {
      ELANUS_ASSIGN_OR_RETURN(spec.json_path, ParseJsonPath(path->second, field, schema));
    }
  } else if (params.count("json_cast_function")) {
    return Status::InvalidArgument("json_cast_function applies only to JSON fields");
  }
  return spec;
}

}  // namespace elanus::expr
