// Log encoding of NormalizedBatch:
//   u64 num_rows, u32 num_columns, then per column:
//   u64 valid_len, valid bytes; u64 fixed_len, fixed bytes; u64 var_count, var_count × (u32 len,
//   bytes)
#include <cstring>

#include "types/batch.h"

namespace elanus::types {
namespace {

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
bool Get(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

bool GetBytes(std::string_view* in, uint64_t n, std::string_view* out) {
  if (in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace

void EncodeBatch(const NormalizedBatch& b, std::string* out) {
  Put<uint64_t>(out, b.num_rows);
  Put<uint32_t>(out, static_cast<uint32_t>(b.columns.size()));
  for (const NormColumn& c : b.columns) {
    Put<uint64_t>(out, c.valid.size());
    out->append(reinterpret_cast<const char*>(c.valid.data()), c.valid.size());
    Put<uint64_t>(out, c.fixed.size());
    out->append(c.fixed);
    Put<uint64_t>(out, c.var.size());
    for (const std::string& s : c.var) {
      Put<uint32_t>(out, static_cast<uint32_t>(s.size()));
      out->append(s);
    }
  }
}

Result<NormalizedBatch> DecodeBatch(const CollectionSchema& schema, std::string_view* in) {
  auto bad = [](const char* what) {
    return Status::Corruption(std::string("malformed batch record: ") + what);
  };
  NormalizedBatch b;
  uint64_t rows;
  uint32_t ncols;
  if (!Get(in, &rows) || !Get(in, &ncols)) return bad("truncated header");
  if (ncols != schema.fields.size()) return bad("column count does not match the schema");
  b.num_rows = rows;
  b.columns.resize(ncols);
  for (uint32_t p = 0; p < ncols; ++p) {
    const FieldSchema& f = schema.fields[p];
    NormColumn& c = b.columns[p];
    uint64_t n;
    std::string_view bytes;
    if (!Get(in, &n) || !GetBytes(in, n, &bytes)) return bad("truncated validity");
    if (n != 0 && n != rows) return bad("validity length");
    c.valid.assign(bytes.begin(), bytes.end());
    if (!Get(in, &n) || !GetBytes(in, n, &bytes)) return bad("truncated fixed data");
    size_t w = FixedWidth(f.type, f.dim);
    if (n != (w > 0 ? w * rows : 0)) return bad("fixed data length");
    c.fixed.assign(bytes);
    if (!Get(in, &n)) return bad("truncated var count");
    if (n != (w > 0 ? 0 : rows)) return bad("var count");
    c.var.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint32_t len;
      if (!Get(in, &len) || !GetBytes(in, len, &bytes)) return bad("truncated var value");
      c.var.emplace_back(bytes);
    }
  }
  return b;
}

}  // namespace elanus::types
