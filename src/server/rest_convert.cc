#include "server/rest_convert.h"

#include <strings.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "server/error_map.h"
#include "types/batch.h"
#include "types/half.h"

namespace elanus::server {
namespace {

struct TypeName {
  DataType type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {DataType::kBool, "Bool"},
    {DataType::kInt8, "Int8"},
    {DataType::kInt16, "Int16"},
    {DataType::kInt32, "Int32"},
    {DataType::kInt64, "Int64"},
    {DataType::kFloat, "Float"},
    {DataType::kDouble, "Double"},
    {DataType::kVarChar, "VarChar"},
    {DataType::kArray, "Array"},
    {DataType::kJson, "JSON"},
    {DataType::kBinaryVector, "BinaryVector"},
    {DataType::kFloatVector, "FloatVector"},
    {DataType::kFloat16Vector, "Float16Vector"},
    {DataType::kBFloat16Vector, "BFloat16Vector"},
    {DataType::kSparseFloatVector, "SparseFloatVector"},
    {DataType::kInt8Vector, "Int8Vector"},
};

bool IsByteVector(DataType t) {
  return t == DataType::kBinaryVector || t == DataType::kFloat16Vector ||
         t == DataType::kBFloat16Vector || t == DataType::kInt8Vector;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Standard or URL-safe base64, padding optional.
bool DecodeBase64(const std::string& in, std::vector<uint8_t>* out) {
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < in.size() && in[i] != '='; ++i) {
    int v = Base64Value(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  for (; i < in.size(); ++i)
    if (in[i] != '=') return false;
  return true;
}

// A base64 vector string -> the JSON list form RowsToColumns takes.
Result<Json> VectorStringToList(const FieldSchema& f, const std::string& s,
                                const std::string& where) {
  std::vector<uint8_t> bytes;
  if (!DecodeBase64(s, &bytes)) {
    return Status::InvalidArgument(where + ": field '" + f.name + "' is not valid base64");
  }
  size_t want = FixedWidth(f.type, f.dim);
  if (bytes.size() != want) {
    return Status::InvalidArgument(where + ": field '" + f.name + "' decodes to " +
                                   std::to_string(bytes.size()) + " bytes, expected " +
                                   std::to_string(want) + " (dim " + std::to_string(f.dim) + ")");
  }
  Json list = Json::array();
  if (f.type == DataType::kFloat16Vector || f.type == DataType::kBFloat16Vector) {
    for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
      uint16_t h = static_cast<uint16_t>(bytes[i] | (bytes[i + 1] << 8));
      list.push_back(f.type == DataType::kFloat16Vector ? types::HalfToFloat(h)
                                                        : types::BFloat16ToFloat(h));
    }
  } else if (f.type == DataType::kInt8Vector) {
    for (uint8_t b : bytes) list.push_back(static_cast<int>(static_cast<int8_t>(b)));
  } else {
    for (uint8_t b : bytes) list.push_back(static_cast<int>(b));
  }
  return list;
}

Status SetDefault(const FieldSchema& f, const Json& v, const std::string& path,
                  std::optional<ScalarValue>* out) {
  if (v.is_boolean()) {
    *out = v.get<bool>();
  } else if (v.is_number_integer() && !v.is_number_unsigned()) {
    *out = v.get<int64_t>();
  } else if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      return RestFormatError("'" + path + "' is out of the int64 range");
    *out = v.get<int64_t>();
  } else if (v.is_number()) {
    *out = v.get<double>();
  } else if (v.is_string()) {
    *out = v.get<std::string>();
  } else {
    return RestFormatError("'" + path + "' of field '" + f.name + "' must be a scalar, got " +
                           v.type_name());
  }
  return Status::OK();
}

Status ParamInt(const Json& params, const char* key, const std::string& path, int64_t* out) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) return Status::OK();
  if (it->is_number_integer()) {
    *out = it->get<int64_t>();
    return Status::OK();
  }
  if (it->is_string()) {  // Milvus accepts "128" as well as 128
    const std::string& s = it->get_ref<const std::string&>();
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0') {
      *out = v;
      return Status::OK();
    }
  }
  return RestFormatError("'" + path + "." + key + "' must be an integer, got " + it->dump());
}

Status ParseField(const Json& jf, size_t i, FieldSchema* f) {
  std::string path = "schema.fields[" + std::to_string(i) + "]";
  if (!jf.is_object()) return RestFormatError("'" + path + "' must be an object");
  JsonView v(jf, path + ".");
  ELANUS_RETURN_IF_ERROR(v.GetString("fieldName", &f->name, true));
  std::string type;
  ELANUS_RETURN_IF_ERROR(v.GetString("dataType", &type, true));
  f->type = ParseRestDataType(type);
  if (f->type == DataType::kNone) {
    return Status::InvalidArgument("field '" + f->name + "': unknown dataType '" + type + "'");
  }
  std::string element;
  ELANUS_RETURN_IF_ERROR(v.GetString("elementDataType", &element));
  if (!element.empty()) {
    f->element_type = ParseRestDataType(element);
    if (f->element_type == DataType::kNone) {
      return Status::InvalidArgument("field '" + f->name + "': unknown elementDataType '" +
                                     element + "'");
    }
  }
  ELANUS_RETURN_IF_ERROR(v.GetBool("isPrimary", &f->is_primary_key));
  ELANUS_RETURN_IF_ERROR(v.GetBool("isPartitionKey", &f->is_partition_key));
  ELANUS_RETURN_IF_ERROR(v.GetBool("nullable", &f->nullable));
  ELANUS_RETURN_IF_ERROR(v.GetString("description", &f->description));
  bool clustering = false;
  ELANUS_RETURN_IF_ERROR(v.GetBool("isClusteringKey", &clustering));
  if (clustering) {
    return Status::NotSupported("field '" + f->name + "': clustering keys are not supported");
  }
  bool auto_id = false;
  ELANUS_RETURN_IF_ERROR(v.GetBool("autoId", &auto_id));
  ELANUS_RETURN_IF_ERROR(v.GetBool("autoID", &auto_id));
  if (auto_id) f->auto_id = true;
  if (v.Has("defaultValue")) {
    ELANUS_RETURN_IF_ERROR(
        SetDefault(*f, jf["defaultValue"], path + ".defaultValue", &f->default_value));
  }
  const Json* params = nullptr;
  ELANUS_RETURN_IF_ERROR(v.GetObject("elementTypeParams", &params));
  if (params != nullptr) {
    std::string pp = path + ".elementTypeParams";
    for (auto it = params->begin(); it != params->end(); ++it) {
      const std::string& k = it.key();
      if (k != "dim" && k != "max_length" && k != "max_capacity") {
        return Status::NotSupported("field '" + f->name + "': elementTypeParams key '" + k +
                                    "' is not supported (dim, max_length, max_capacity)");
      }
    }
    ELANUS_RETURN_IF_ERROR(ParamInt(*params, "dim", pp, &f->dim));
    ELANUS_RETURN_IF_ERROR(ParamInt(*params, "max_length", pp, &f->max_length));
    ELANUS_RETURN_IF_ERROR(ParamInt(*params, "max_capacity", pp, &f->max_capacity));
  }
  return Status::OK();
}

}  // namespace

double RestFloat(float f) {
  char buf[48];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf) - 1, f);
  if (ec != std::errc()) return f;
  *end = '\0';
  return std::strtod(buf, nullptr);
}

DataType ParseRestDataType(const std::string& name) {
  for (const TypeName& t : kTypeNames)
    if (strcasecmp(t.name, name.c_str()) == 0) return t.type;
  if (strcasecmp(name.c_str(), "String") == 0) return DataType::kVarChar;
  return DataType::kNone;
}

const char* RestDataTypeName(DataType t) {
  for (const TypeName& n : kTypeNames)
    if (n.type == t) return n.name;
  return "None";
}

Result<CollectionSchema> RestSchemaFromJson(const std::string& name, const JsonView& schema) {
  CollectionSchema s;
  s.name = name;
  bool auto_id = false;
  ELANUS_RETURN_IF_ERROR(schema.GetBool("autoId", &auto_id));
  ELANUS_RETURN_IF_ERROR(schema.GetBool("autoID", &auto_id));
  ELANUS_RETURN_IF_ERROR(schema.GetBool("enableDynamicField", &s.enable_dynamic_field));
  ELANUS_RETURN_IF_ERROR(schema.GetString("description", &s.description));
  const Json* functions = nullptr;
  ELANUS_RETURN_IF_ERROR(schema.GetArray("functions", &functions));
  if (functions != nullptr && !functions->empty()) {
    return Status::NotSupported("schema functions (BM25, embedding) are not supported");
  }
  const Json* fields = nullptr;
  ELANUS_RETURN_IF_ERROR(schema.GetArray("fields", &fields, true));
  for (size_t i = 0; i < fields->size(); ++i) {
    FieldSchema f;
    ELANUS_RETURN_IF_ERROR(ParseField((*fields)[i], i, &f));
    if (f.is_primary_key && auto_id) f.auto_id = true;
    s.fields.push_back(std::move(f));
  }
  return s;
}

Json RestColumnValue(const FieldSchema* field, const FieldColumn& c, size_t row) {
  if (c.IsNull(row)) return nullptr;
  DataType t = field != nullptr ? field->type : c.type;
  int64_t dim = c.dim != 0 ? c.dim : (field != nullptr ? field->dim : 0);
  switch (t) {
    case DataType::kBool:
      return c.ints[row] != 0;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
      return c.ints[row];
    case DataType::kFloat:
      return RestFloat(c.floats[row]);
    case DataType::kDouble:
      return c.doubles[row];
    case DataType::kVarChar:
      return c.strings[row];
    case DataType::kJson: {
      Json j = Json::parse(c.strings[row], nullptr, false);
      return j.is_discarded() ? Json(c.strings[row]) : j;
    }
    case DataType::kArray: {
      const ArrayValue& a = c.arrays[row];
      DataType e = field != nullptr ? field->element_type : c.element_type;
      Json out = Json::array();
      if (e == DataType::kBool) {
        for (int64_t x : a.ints) out.push_back(x != 0);
      } else if (e == DataType::kFloat) {
        for (float x : a.floats) out.push_back(RestFloat(x));
      } else if (e == DataType::kDouble) {
        for (double x : a.doubles) out.push_back(x);
      } else if (e == DataType::kVarChar) {
        for (const auto& x : a.strings) out.push_back(x);
      } else {
        for (int64_t x : a.ints) out.push_back(x);
      }
      return out;
    }
    case DataType::kSparseFloatVector: {
      Json out = Json::object();
      const SparseVector& s = c.sparse[row];
      for (size_t i = 0; i < s.indices.size(); ++i)
        out[std::to_string(s.indices[i])] = RestFloat(s.values[i]);
      return out;
    }
    case DataType::kFloatVector: {
      Json out = Json::array();
      for (int64_t i = 0; i < dim; ++i) out.push_back(RestFloat(c.floats[row * dim + i]));
      return out;
    }
    default:
      break;
  }
  if (!IsByteVector(t)) return nullptr;
  size_t width = FixedWidth(t, dim);
  const uint8_t* p = c.bytes.data() + row * width;
  Json out = Json::array();
  if (t == DataType::kFloat16Vector || t == DataType::kBFloat16Vector) {
    for (size_t i = 0; i + 1 < width; i += 2) {
      uint16_t h = static_cast<uint16_t>(p[i] | (p[i + 1] << 8));
      out.push_back(RestFloat(t == DataType::kFloat16Vector ? types::HalfToFloat(h)
                                                            : types::BFloat16ToFloat(h)));
    }
  } else if (t == DataType::kInt8Vector) {
    for (size_t i = 0; i < width; ++i) out.push_back(static_cast<int>(static_cast<int8_t>(p[i])));
  } else {
    for (size_t i = 0; i < width; ++i) out.push_back(static_cast<int>(p[i]));
  }
  return out;
}

Json RestRows(const CollectionSchema& schema, const std::vector<FieldColumn>& columns, size_t begin,
              size_t end) {
  Json rows = Json::array();
  for (size_t r = begin; r < end; ++r) {
    Json row = Json::object();
    for (const FieldColumn& c : columns) {
      if (c.name == kDynamicFieldName) {
        if (c.IsNull(r)) continue;
        Json meta = Json::parse(c.strings[r], nullptr, false);
        if (meta.is_object()) {
          for (auto it = meta.begin(); it != meta.end(); ++it) {
            if (!row.contains(it.key())) row[it.key()] = it.value();
          }
        }
        continue;
      }
      row[c.name] = RestColumnValue(schema.FindField(c.name), c, r);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Status RestDecodeVectorStrings(const CollectionSchema& schema, Json* rows) {
  if (!rows->is_array()) return Status::OK();
  for (const FieldSchema& f : schema.fields) {
    if (!IsByteVector(f.type)) continue;
    for (size_t r = 0; r < rows->size(); ++r) {
      Json& row = (*rows)[r];
      if (!row.is_object()) continue;
      auto it = row.find(f.name);
      if (it == row.end() || !it->is_string()) continue;
      ELANUS_ASSIGN_OR_RETURN(
          *it, VectorStringToList(f, it->get<std::string>(), "data[" + std::to_string(r) + "]"));
    }
  }
  return Status::OK();
}

Result<FieldColumn> RestQueryVectors(const FieldSchema& field, const Json& data,
                                     const std::string& path) {
  if (!data.is_array() || data.empty()) {
    return RestFormatError("'" + path + "' must be a non-empty array of vectors");
  }
  if (data.size() > kMaxNq) {
    return Status::InvalidArgument("'" + path + "' has " + std::to_string(data.size()) +
                                   " vectors; at most " + std::to_string(kMaxNq) + " per search");
  }
  CollectionSchema s;
  s.name = "query";
  FieldSchema f = field;
  f.is_primary_key = false;
  f.auto_id = false;
  f.nullable = false;
  f.default_value.reset();
  s.fields.push_back(f);
  Json rows = Json::array();
  for (size_t i = 0; i < data.size(); ++i) {
    Json v = data[i];
    if (v.is_string() && IsByteVector(f.type)) {
      ELANUS_ASSIGN_OR_RETURN(
          v, VectorStringToList(f, v.get<std::string>(), path + "[" + std::to_string(i) + "]"));
    }
    if (v.is_null()) {
      return Status::InvalidArgument("'" + path + "[" + std::to_string(i) + "]' is null");
    }
    rows.push_back(Json{{f.name, std::move(v)}});
  }
  auto cols = types::RowsToColumns(s, rows.dump());
  if (!cols.ok()) {
    return Status::InvalidArgument("'" + path + "' (vectors for field '" + f.name +
                                   "'): " + cols.status().message());
  }
  FieldColumn q = std::move((*cols)[0]);
  q.valid.clear();
  return q;
}

}  // namespace elanus::server
