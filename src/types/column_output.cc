// Builds public FieldColumns from segment columns (query results and search outputs).
#include <cstring>

#include "types/batch.h"
#include "types/column.h"
#include "types/value_codec.h"

namespace elanus::types {

FieldColumn MakeOutputColumn(const FieldSchema& f) {
  FieldColumn c;
  c.name = f.name;
  c.type = f.type;
  c.dim = f.dim;
  c.element_type = f.element_type;
  return c;
}

void AppendValue(const FieldSchema& f, const ColumnView& col, size_t i, FieldColumn* out) {
  if (f.nullable) {
    // Keep `valid` aligned with rows; it is populated for every nullable field.
    out->valid.push_back(col.IsNull(i) ? 0 : 1);
  }
  size_t w = FixedWidth(f.type, f.dim);
  const uint8_t* p = col.fixed != nullptr ? col.fixed + i * w : nullptr;
  switch (f.type) {
    case DataType::kBool:
    case DataType::kInt8:
      out->ints.push_back(*reinterpret_cast<const int8_t*>(p));
      return;
    case DataType::kInt16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      out->ints.push_back(v);
      return;
    }
    case DataType::kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      out->ints.push_back(v);
      return;
    }
    case DataType::kInt64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      out->ints.push_back(v);
      return;
    }
    case DataType::kFloat: {
      float v;
      std::memcpy(&v, p, 4);
      out->floats.push_back(v);
      return;
    }
    case DataType::kDouble: {
      double v;
      std::memcpy(&v, p, 8);
      out->doubles.push_back(v);
      return;
    }
    case DataType::kVarChar:
      out->strings.emplace_back(col.var[i]);
      return;
    case DataType::kJson:
      out->strings.emplace_back(col.IsNull(i) ? std::string_view() : col.var[i]);
      return;
    case DataType::kArray: {
      auto a = DecodeArray(col.var[i], f.element_type);
      out->arrays.push_back(a.ok() ? std::move(a).value() : ArrayValue{});
      return;
    }
    case DataType::kSparseFloatVector: {
      auto s = DecodeSparse(col.var[i]);
      out->sparse.push_back(s.ok() ? std::move(s).value() : SparseVector{});
      return;
    }
    case DataType::kFloatVector: {
      const float* v = reinterpret_cast<const float*>(p);
      out->floats.insert(out->floats.end(), v, v + f.dim);
      return;
    }
    default:  // byte-encoded vectors
      out->bytes.insert(out->bytes.end(), p, p + w);
      return;
  }
}

}  // namespace elanus::types
