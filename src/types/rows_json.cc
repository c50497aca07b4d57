// JSON rows -> FieldColumns. Types are checked loosely here (JSON kind per field); ranges, lengths
// and dims are checked by NormalizeColumns.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "types/batch.h"
#include "types/half.h"

namespace elanus::types {
namespace {

using Json = nlohmann::json;

Status Bad(const FieldSchema& f, size_t row, const std::string& rule) {
  return Status::InvalidArgument("field '" + f.name + "' row " + std::to_string(row) + ": " + rule);
}

Status GetInt(const FieldSchema& f, size_t row, const Json& v, int64_t* out) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return Bad(f, row, "integer out of range");
    }
    *out = v.get<int64_t>();
    return Status::OK();
  }
  return Bad(f, row, std::string("expected an integer, got ") + v.type_name());
}

Status GetNumber(const FieldSchema& f, size_t row, const Json& v, double* out) {
  if (!v.is_number()) return Bad(f, row, std::string("expected a number, got ") + v.type_name());
  *out = v.get<double>();
  return Status::OK();
}

Status AppendArrayElement(const FieldSchema& f, size_t row, const Json& e, ArrayValue* a) {
  switch (f.element_type) {
    case DataType::kBool:
      if (!e.is_boolean()) return Bad(f, row, "array elements must be booleans");
      a->ints.push_back(e.get<bool>() ? 1 : 0);
      return Status::OK();
    case DataType::kFloat:
    case DataType::kDouble: {
      double d;
      ELANUS_RETURN_IF_ERROR(GetNumber(f, row, e, &d));
      if (f.element_type == DataType::kFloat)
        a->floats.push_back(static_cast<float>(d));
      else
        a->doubles.push_back(d);
      return Status::OK();
    }
    case DataType::kVarChar:
      if (!e.is_string()) return Bad(f, row, "array elements must be strings");
      a->strings.push_back(e.get<std::string>());
      return Status::OK();
    default: {
      int64_t x;
      ELANUS_RETURN_IF_ERROR(GetInt(f, row, e, &x));
      a->ints.push_back(x);
      return Status::OK();
    }
  }
}

Status AppendJsonValue(const FieldSchema& f, size_t row, const Json& v, FieldColumn* c) {
  switch (f.type) {
    case DataType::kBool:
      if (!v.is_boolean()) return Bad(f, row, std::string("expected a bool, got ") + v.type_name());
      c->ints.push_back(v.get<bool>() ? 1 : 0);
      return Status::OK();
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64: {
      int64_t x;
      ELANUS_RETURN_IF_ERROR(GetInt(f, row, v, &x));
      c->ints.push_back(x);
      return Status::OK();
    }
    case DataType::kFloat:
    case DataType::kDouble: {
      double d;
      ELANUS_RETURN_IF_ERROR(GetNumber(f, row, v, &d));
      if (f.type == DataType::kFloat)
        c->floats.push_back(static_cast<float>(d));
      else
        c->doubles.push_back(d);
      return Status::OK();
    }
    case DataType::kVarChar:
      if (!v.is_string())
        return Bad(f, row, std::string("expected a string, got ") + v.type_name());
      c->strings.push_back(v.get<std::string>());
      return Status::OK();
    case DataType::kJson:
      c->strings.push_back(v.dump(-1, ' ', false, Json::error_handler_t::replace));
      return Status::OK();
    case DataType::kArray: {
      if (!v.is_array()) return Bad(f, row, std::string("expected an array, got ") + v.type_name());
      ArrayValue a;
      for (const Json& e : v) ELANUS_RETURN_IF_ERROR(AppendArrayElement(f, row, e, &a));
      c->arrays.push_back(std::move(a));
      return Status::OK();
    }
    case DataType::kSparseFloatVector: {
      if (!v.is_object()) return Bad(f, row, "a sparse vector must be an object {index: value}");
      SparseVector s;
      for (auto it = v.begin(); it != v.end(); ++it) {
        char* end = nullptr;
        unsigned long long idx = std::strtoull(it.key().c_str(), &end, 10);
        if (it.key().empty() || *end != '\0' || idx > std::numeric_limits<uint32_t>::max()) {
          return Bad(f, row, "sparse index '" + it.key() + "' is not an unsigned 32-bit integer");
        }
        double d;
        ELANUS_RETURN_IF_ERROR(GetNumber(f, row, it.value(), &d));
        s.indices.push_back(static_cast<uint32_t>(idx));
        s.values.push_back(static_cast<float>(d));
      }
      c->sparse.push_back(std::move(s));
      return Status::OK();
    }
    default:
      break;
  }
  // Dense vectors: a JSON array of dim numbers (binary: dim/8 byte values).
  if (!v.is_array()) return Bad(f, row, std::string("expected a vector, got ") + v.type_name());
  size_t expect = f.type == DataType::kBinaryVector ? f.dim / 8 : f.dim;
  if (v.size() != expect) {
    return Bad(f, row,
               "vector has " + std::to_string(v.size()) + " elements, expected " +
                   std::to_string(expect) + " (dim " + std::to_string(f.dim) + ")");
  }
  for (const Json& e : v) {
    if (f.type == DataType::kFloatVector) {
      double d;
      ELANUS_RETURN_IF_ERROR(GetNumber(f, row, e, &d));
      c->floats.push_back(static_cast<float>(d));
    } else if (f.type == DataType::kFloat16Vector || f.type == DataType::kBFloat16Vector) {
      double d;
      ELANUS_RETURN_IF_ERROR(GetNumber(f, row, e, &d));
      uint16_t h = f.type == DataType::kFloat16Vector ? FloatToHalf(static_cast<float>(d))
                                                      : FloatToBFloat16(static_cast<float>(d));
      c->bytes.push_back(static_cast<uint8_t>(h & 0xff));
      c->bytes.push_back(static_cast<uint8_t>(h >> 8));
    } else {
      int64_t x;
      ELANUS_RETURN_IF_ERROR(GetInt(f, row, e, &x));
      int64_t lo = f.type == DataType::kInt8Vector ? -128 : 0;
      int64_t hi = f.type == DataType::kInt8Vector ? 127 : 255;
      if (x < lo || x > hi) {
        return Bad(f, row,
                   "vector element " + std::to_string(x) + " is outside [" + std::to_string(lo) +
                       ", " + std::to_string(hi) + "]");
      }
      c->bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(x)));
    }
  }
  return Status::OK();
}

}  // namespace

void AppendPlaceholder(const FieldSchema& f, FieldColumn* c) {
  switch (f.type) {
    case DataType::kFloat:
      c->floats.push_back(0);
      break;
    case DataType::kDouble:
      c->doubles.push_back(0);
      break;
    case DataType::kVarChar:
    case DataType::kJson:
      c->strings.emplace_back();
      break;
    case DataType::kArray:
      c->arrays.emplace_back();
      break;
    case DataType::kSparseFloatVector:
      c->sparse.emplace_back();
      break;
    case DataType::kFloatVector:
      c->floats.resize(c->floats.size() + f.dim);
      break;
    case DataType::kBinaryVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector:
      c->bytes.resize(c->bytes.size() + FixedWidth(f.type, f.dim));
      break;
    default:
      c->ints.push_back(0);
      break;
  }
}

Result<std::vector<FieldColumn>> RowsToColumns(const CollectionSchema& schema,
                                               std::string_view json_rows) {
  Json rows = Json::parse(json_rows, nullptr, /*allow_exceptions=*/false);
  if (rows.is_discarded()) return Status::InvalidArgument("rows are not valid JSON");
  if (rows.is_object()) rows = Json::array({rows});
  if (!rows.is_array()) return Status::InvalidArgument("rows must be a JSON array of objects");
  const FieldSchema* dyn = schema.DynamicField();
  std::vector<FieldColumn> cols;
  std::unordered_map<std::string, size_t> pos;
  for (const FieldSchema& f : schema.fields) {
    if (f.is_dynamic || (f.is_primary_key && f.auto_id)) continue;
    pos[f.name] = cols.size();
    FieldColumn c;
    c.name = f.name;
    c.type = f.type;
    c.dim = f.dim;
    c.element_type = f.element_type;
    cols.push_back(std::move(c));
  }
  FieldColumn meta;
  if (dyn != nullptr) {
    meta.name = dyn->name;
    meta.type = DataType::kJson;
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    const Json& row = rows[r];
    if (!row.is_object()) {
      return Status::InvalidArgument("row " + std::to_string(r) + " is not a JSON object");
    }
    std::vector<bool> seen(cols.size(), false);
    Json extra = Json::object();
    for (auto it = row.begin(); it != row.end(); ++it) {
      auto p = pos.find(it.key());
      if (p == pos.end()) {
        const FieldSchema* f = schema.FindField(it.key());
        if (f != nullptr && f->is_primary_key && f->auto_id) {
          return Status::InvalidArgument("row " + std::to_string(r) + ": field '" + it.key() +
                                         "' is an auto_id primary key: do not pass its values");
        }
        if (dyn == nullptr || it.key() == kDynamicFieldName) {
          return Status::InvalidArgument("row " + std::to_string(r) + ": field '" + it.key() +
                                         "' is not in the schema of collection '" + schema.name +
                                         "' and the dynamic field is disabled");
        }
        extra[it.key()] = it.value();
        continue;
      }
      const FieldSchema& f = *schema.FindField(it.key());
      FieldColumn& c = cols[p->second];
      seen[p->second] = true;
      if (it.value().is_null()) {
        AppendPlaceholder(f, &c);
        c.valid.resize(r + 1, 1);
        c.valid[r] = 0;
        continue;
      }
      ELANUS_RETURN_IF_ERROR(AppendJsonValue(f, r, it.value(), &c));
    }
    for (size_t i = 0; i < cols.size(); ++i) {
      if (seen[i]) continue;
      FieldColumn& c = cols[i];
      AppendPlaceholder(*schema.FindField(c.name), &c);
      c.valid.resize(r + 1, 1);
      c.valid[r] = 0;
    }
    for (FieldColumn& c : cols) {
      if (!c.valid.empty()) c.valid.resize(r + 1, 1);
    }
    if (dyn != nullptr)
      meta.strings.push_back(extra.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  if (dyn != nullptr) cols.push_back(std::move(meta));
  return cols;
}

}  // namespace elanus::types
