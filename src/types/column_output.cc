// Builds public FieldColumns from segment columns (query results and search outputs).
#include <algorithm>
#include <cstring>

#include "types/batch.h"
#include "types/column.h"
#include "types/value_codec.h"

namespace elanus::types {

namespace {

template <typename T>
void AppendSlice(const std::vector<T>& src, size_t rows, size_t row, std::vector<T>* dst) {
  if (src.empty() || rows == 0) return;
  size_t w = src.size() / rows;
  dst->insert(dst->end(), src.begin() + static_cast<ptrdiff_t>(row * w),
              src.begin() + static_cast<ptrdiff_t>((row + 1) * w));
}

}  // namespace

void AppendColumnRow(const FieldColumn& src, size_t rows, size_t row, FieldColumn* dst) {
  if (dst->name.empty()) {
    dst->name = src.name;
    dst->type = src.type;
    dst->dim = src.dim;
    dst->element_type = src.element_type;
  }
  AppendSlice(src.ints, rows, row, &dst->ints);
  AppendSlice(src.floats, rows, row, &dst->floats);
  AppendSlice(src.doubles, rows, row, &dst->doubles);
  AppendSlice(src.strings, rows, row, &dst->strings);
  AppendSlice(src.bytes, rows, row, &dst->bytes);
  AppendSlice(src.sparse, rows, row, &dst->sparse);
  AppendSlice(src.arrays, rows, row, &dst->arrays);
  dst->valid.push_back(src.IsNull(row) ? 0 : 1);
}

void ClearValidityIfAllValid(FieldColumn* c) {
  if (std::all_of(c->valid.begin(), c->valid.end(), [](uint8_t v) { return v == 1; }))
    c->valid.clear();
}

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
