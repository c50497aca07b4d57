#include "types/batch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "types/column.h"
#include "types/half.h"
#include "types/value_codec.h"

namespace elanus::types {
namespace {

using Json = nlohmann::json;

std::string Where(const FieldSchema& f, size_t row) {
  return "field '" + f.name + "' row " + std::to_string(row);
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

template <typename T>
void PutFixed(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

Status CheckIntRange(const FieldSchema& f, size_t row, int64_t v, DataType t) {
  int64_t lo = t == DataType::kInt8    ? std::numeric_limits<int8_t>::min()
               : t == DataType::kInt16 ? std::numeric_limits<int16_t>::min()
               : t == DataType::kInt32 ? std::numeric_limits<int32_t>::min()
                                       : std::numeric_limits<int64_t>::min();
  int64_t hi = -(lo + 1);
  if (v < lo || v > hi) {
    return Status::InvalidArgument(Where(f, row) + ": value " + std::to_string(v) +
                                   " is out of range for " + DataTypeName(t));
  }
  return Status::OK();
}

void PutInt(std::string& out, DataType t, int64_t v) {
  switch (t) {
    case DataType::kBool:
    case DataType::kInt8:
      PutFixed(out, static_cast<int8_t>(v));
      break;
    case DataType::kInt16:
      PutFixed(out, static_cast<int16_t>(v));
      break;
    case DataType::kInt32:
      PutFixed(out, static_cast<int32_t>(v));
      break;
    default:
      PutFixed(out, v);
      break;
  }
}

// Appends the default (or zero placeholder for NULL) value of a fixed-width scalar field.
void PutDefaultFixed(const FieldSchema& f, const ScalarValue* v, std::string& out) {
  size_t w = FixedWidth(f.type, f.dim);
  if (v == nullptr || std::holds_alternative<std::monostate>(*v)) {
    out.append(w, '\0');
    return;
  }
  switch (f.type) {
    case DataType::kBool:
      PutInt(out, f.type, std::get<bool>(*v) ? 1 : 0);
      break;
    case DataType::kFloat:
    case DataType::kDouble: {
      double d = std::holds_alternative<double>(*v) ? std::get<double>(*v)
                                                    : static_cast<double>(std::get<int64_t>(*v));
      if (f.type == DataType::kFloat)
        PutFixed(out, static_cast<float>(d));
      else
        PutFixed(out, d);
      break;
    }
    default:
      PutInt(out, f.type, std::get<int64_t>(*v));
      break;
  }
}

Status CheckJson(const FieldSchema& f, size_t row, const std::string& text, std::string* out) {
  if (text.size() > kMaxJsonBytes) {
    return Status::InvalidArgument(Where(f, row) + ": JSON value of " +
                                   std::to_string(text.size()) +
                                   " bytes exceeds the limit of 65536");
  }
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument(Where(f, row) + ": value is not valid JSON");
  }
  if (f.is_dynamic && !j.is_object()) {
    return Status::InvalidArgument(Where(f, row) + ": the dynamic field must be a JSON object");
  }
  *out = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return Status::OK();
}

Status NormalizeValue(const FieldSchema& f, const FieldColumn& c, size_t row, NormColumn& out) {
  switch (f.type) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64: {
      int64_t v = c.ints[row];
      if (f.type == DataType::kBool) {
        if (v != 0 && v != 1) {
          return Status::InvalidArgument(Where(f, row) + ": BOOL value must be 0 or 1, got " +
                                         std::to_string(v));
        }
      } else {
        ELANUS_RETURN_IF_ERROR(CheckIntRange(f, row, v, f.type));
      }
      PutInt(out.fixed, f.type, v);
      return Status::OK();
    }
    case DataType::kFloat:
      if (!std::isfinite(c.floats[row])) {
        return Status::InvalidArgument(Where(f, row) + ": NaN or infinity is not allowed");
      }
      PutFixed(out.fixed, c.floats[row]);
      return Status::OK();
    case DataType::kDouble:
      if (!std::isfinite(c.doubles[row])) {
        return Status::InvalidArgument(Where(f, row) + ": NaN or infinity is not allowed");
      }
      PutFixed(out.fixed, c.doubles[row]);
      return Status::OK();
    case DataType::kVarChar: {
      const std::string& s = c.strings[row];
      if (static_cast<int64_t>(s.size()) > f.max_length) {
        return Status::InvalidArgument(Where(f, row) + ": string of " + std::to_string(s.size()) +
                                       " bytes exceeds max_length " + std::to_string(f.max_length));
      }
      if (!ValidUtf8(s)) {
        return Status::InvalidArgument(Where(f, row) + ": string is not valid UTF-8");
      }
      out.var.push_back(s);
      return Status::OK();
    }
    case DataType::kJson: {
      std::string norm;
      ELANUS_RETURN_IF_ERROR(CheckJson(f, row, c.strings[row], &norm));
      out.var.push_back(std::move(norm));
      return Status::OK();
    }
    case DataType::kArray: {
      const ArrayValue& a = c.arrays[row];
      size_t n = a.size(f.element_type);
      // Only the member for element_type may be populated.
      size_t total = a.ints.size() + a.floats.size() + a.doubles.size() + a.strings.size();
      if (total != n) {
        return Status::InvalidArgument(Where(f, row) + ": array elements must be of type " +
                                       DataTypeName(f.element_type));
      }
      if (static_cast<int64_t>(n) > f.max_capacity) {
        return Status::InvalidArgument(Where(f, row) + ": array of " + std::to_string(n) +
                                       " elements exceeds max_capacity " +
                                       std::to_string(f.max_capacity));
      }
      for (size_t k = 0; k < n; ++k) {
        if (IsIntegerType(f.element_type)) {
          ELANUS_RETURN_IF_ERROR(CheckIntRange(f, row, a.ints[k], f.element_type));
        } else if (f.element_type == DataType::kBool && a.ints[k] != 0 && a.ints[k] != 1) {
          return Status::InvalidArgument(Where(f, row) + ": BOOL array element must be 0 or 1");
        } else if (f.element_type == DataType::kVarChar) {
          if (static_cast<int64_t>(a.strings[k].size()) > f.max_length) {
            return Status::InvalidArgument(
                Where(f, row) + ": array element of " + std::to_string(a.strings[k].size()) +
                " bytes exceeds max_length " + std::to_string(f.max_length));
          }
          if (!ValidUtf8(a.strings[k])) {
            return Status::InvalidArgument(Where(f, row) + ": array element is not valid UTF-8");
          }
        }
      }
      out.var.push_back(EncodeArray(a, f.element_type));
      return Status::OK();
    }
    case DataType::kFloatVector: {
      const float* v = c.floats.data() + row * f.dim;
      for (int64_t k = 0; k < f.dim; ++k) {
        if (!std::isfinite(v[k])) {
          return Status::InvalidArgument(Where(f, row) + ": vector element " + std::to_string(k) +
                                         " is NaN or infinity");
        }
      }
      out.fixed.append(reinterpret_cast<const char*>(v), f.dim * sizeof(float));
      return Status::OK();
    }
    case DataType::kBinaryVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector: {
      size_t w = FixedWidth(f.type, f.dim);
      const uint8_t* v = c.bytes.data() + row * w;
      if (f.type == DataType::kFloat16Vector || f.type == DataType::kBFloat16Vector) {
        for (int64_t k = 0; k < f.dim; ++k) {
          uint16_t h;
          std::memcpy(&h, v + 2 * k, 2);
          float x = f.type == DataType::kFloat16Vector ? HalfToFloat(h) : BFloat16ToFloat(h);
          if (!std::isfinite(x)) {
            return Status::InvalidArgument(Where(f, row) + ": vector element " + std::to_string(k) +
                                           " is NaN or infinity");
          }
        }
      }
      out.fixed.append(reinterpret_cast<const char*>(v), w);
      return Status::OK();
    }
    case DataType::kSparseFloatVector: {
      SparseVector s = c.sparse[row];
      if (s.indices.size() != s.values.size()) {
        return Status::InvalidArgument(
            Where(f, row) + ": sparse vector has different numbers of indices and values");
      }
      if (s.indices.empty()) {
        return Status::InvalidArgument(Where(f, row) +
                                       ": sparse vector must have at least one entry");
      }
      std::vector<size_t> order(s.indices.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return s.indices[a] < s.indices[b]; });
      SparseVector sorted;
      for (size_t k : order) {
        uint32_t idx = s.indices[k];
        float val = s.values[k];
        if (idx == std::numeric_limits<uint32_t>::max()) {
          return Status::InvalidArgument(Where(f, row) +
                                         ": sparse index 4294967295 is out of range "
                                         "[0, 4294967295)");
        }
        if (!std::isfinite(val) || val < 0) {
          return Status::InvalidArgument(Where(f, row) + ": sparse value at index " +
                                         std::to_string(idx) + " must be finite and non-negative");
        }
        if (!sorted.indices.empty() && sorted.indices.back() == idx) {
          return Status::InvalidArgument(Where(f, row) + ": sparse index " + std::to_string(idx) +
                                         " appears twice");
        }
        sorted.indices.push_back(idx);
        sorted.values.push_back(val);
      }
      out.var.push_back(EncodeSparse(sorted));
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("field '" + f.name + "': unsupported type");
  }
}

size_t ExpectedRows(const FieldSchema& f, const FieldColumn& c, std::string* err) {
  size_t w = FixedWidth(f.type, f.dim);
  switch (f.type) {
    case DataType::kFloatVector:
      if (c.floats.size() % f.dim != 0) {
        *err = "field '" + f.name + "': " + std::to_string(c.floats.size()) +
               " floats is not a multiple of dim " + std::to_string(f.dim);
      }
      return c.floats.size() / f.dim;
    case DataType::kBinaryVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector:
      if (c.bytes.size() % w != 0) {
        *err = "field '" + f.name + "': " + std::to_string(c.bytes.size()) +
               " bytes is not a multiple of the vector size " + std::to_string(w) + " (dim " +
               std::to_string(f.dim) + ")";
      }
      return c.bytes.size() / w;
    default: {
      FieldColumn probe;
      probe.type = f.type;
      size_t n = 0;
      switch (f.type) {
        case DataType::kFloat:
          n = c.floats.size();
          break;
        case DataType::kDouble:
          n = c.doubles.size();
          break;
        case DataType::kVarChar:
        case DataType::kJson:
          n = c.strings.size();
          break;
        case DataType::kArray:
          n = c.arrays.size();
          break;
        case DataType::kSparseFloatVector:
          n = c.sparse.size();
          break;
        default:
          n = c.ints.size();
          break;
      }
      return n;
    }
  }
}

}  // namespace

int64_t NormalizedBatch::Int64At(size_t pos, size_t row) const {
  int64_t v;
  std::memcpy(&v, columns[pos].fixed.data() + row * 8, 8);
  return v;
}

Result<NormalizedBatch> NormalizeColumns(const CollectionSchema& schema,
                                         const std::vector<FieldColumn>& input,
                                         const std::function<int64_t()>& next_id) {
  std::unordered_map<std::string, const FieldColumn*> by_name;
  size_t rows = 0;
  bool have_rows = false;
  for (const FieldColumn& c : input) {
    const FieldSchema* f = schema.FindField(c.name);
    if (f == nullptr) {
      return Status::InvalidArgument("field '" + c.name + "' is not in the schema of collection '" +
                                     schema.name + "'");
    }
    if (!by_name.emplace(c.name, &c).second) {
      return Status::InvalidArgument("field '" + c.name + "' is given twice");
    }
    if (c.type != f->type) {
      return Status::InvalidArgument("field '" + c.name + "': data of type " +
                                     DataTypeName(c.type) + " does not match the schema type " +
                                     DataTypeName(f->type));
    }
    if (f->is_primary_key && f->auto_id) {
      return Status::InvalidArgument("field '" + c.name +
                                     "' is an auto_id primary key: do not pass its values");
    }
    if (IsVectorType(f->type) && f->type != DataType::kSparseFloatVector && c.dim != 0 &&
        c.dim != f->dim) {
      return Status::InvalidArgument("field '" + c.name + "': vector dim " + std::to_string(c.dim) +
                                     " does not match the schema dim " + std::to_string(f->dim));
    }
    std::string err;
    size_t n = ExpectedRows(*f, c, &err);
    if (!err.empty()) return Status::InvalidArgument(err);
    if (!c.valid.empty() && c.valid.size() != n) {
      return Status::InvalidArgument("field '" + c.name + "': " + std::to_string(c.valid.size()) +
                                     " validity entries for " + std::to_string(n) + " rows");
    }
    if (have_rows && n != rows) {
      return Status::InvalidArgument("field '" + c.name + "' has " + std::to_string(n) +
                                     " rows but other fields have " + std::to_string(rows));
    }
    rows = n;
    have_rows = true;
  }
  if (rows == 0) return Status::InvalidArgument("the batch has no rows");

  NormalizedBatch batch;
  batch.num_rows = rows;
  batch.columns.resize(schema.fields.size());
  for (size_t p = 0; p < schema.fields.size(); ++p) {
    const FieldSchema& f = schema.fields[p];
    NormColumn& out = batch.columns[p];
    size_t w = FixedWidth(f.type, f.dim);
    if (w > 0) out.fixed.reserve(w * rows);
    auto it = by_name.find(f.name);
    const FieldColumn* c = it == by_name.end() ? nullptr : it->second;
    if (f.is_primary_key && f.auto_id) {
      for (size_t r = 0; r < rows; ++r) {
        int64_t id = next_id();
        if (f.type == DataType::kInt64)
          PutFixed(out.fixed, id);
        else
          out.var.push_back(std::to_string(id));
      }
      continue;
    }
    if (f.nullable) out.valid.assign(rows, 1);
    const ScalarValue* def = f.default_value ? &*f.default_value : nullptr;
    bool def_is_value = def != nullptr && !std::holds_alternative<std::monostate>(*def);
    for (size_t r = 0; r < rows; ++r) {
      bool missing = c == nullptr || c->IsNull(r);
      if (!missing) {
        ELANUS_RETURN_IF_ERROR(NormalizeValue(f, *c, r, out));
        continue;
      }
      if (f.is_dynamic) {  // no dynamic keys in this row
        out.var.emplace_back("{}");
        continue;
      }
      if (def_is_value) {
        if (w > 0)
          PutDefaultFixed(f, def, out.fixed);
        else
          out.var.push_back(std::get<std::string>(*def));
        continue;
      }
      if (!f.nullable) {
        return Status::InvalidArgument(
            Where(f, r) + (c == nullptr ? ": the field is missing" : ": the value is null") +
            " and the field is neither nullable nor has a default value");
      }
      out.valid[r] = 0;
      if (w > 0)
        PutDefaultFixed(f, nullptr, out.fixed);
      else
        out.var.emplace_back();
    }
  }
  return batch;
}

}  // namespace elanus::types
