// ScalarIndex: building from a column and the persisted image (docs/format/scalar_index.md).
#include "expr/scalar_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <tuple>

#include "common/crc32c.h"
#include "expr/json_scan.h"
#include "index/index_format.h"
#include "types/value_codec.h"

namespace elanus::expr {
namespace {

using index::ByteReader;
using index::ByteWriter;

constexpr uint32_t kMagic = 0x49534C45;  // "ELSI"
constexpr uint32_t kVersion = 1;
constexpr double kExactIntLimit = 9007199254740992.0;  // 2^53

bool IsArrayCast(JsonCast c) {
  return c == JsonCast::kArrayBool || c == JsonCast::kArrayDouble || c == JsonCast::kArrayVarchar;
}

ScalarIndex::KeyKind KindOfType(DataType t) {
  switch (t) {
    case DataType::kBool:
      return ScalarIndex::KeyKind::kBool;
    case DataType::kFloat:
    case DataType::kDouble:
      return ScalarIndex::KeyKind::kDouble;
    case DataType::kVarChar:
      return ScalarIndex::KeyKind::kString;
    default:
      return ScalarIndex::KeyKind::kInt;
  }
}

ScalarIndex::KeyKind KindOfSpec(const ScalarIndexSpec& s) {
  if (s.field_type == DataType::kArray) return KindOfType(s.element_type);
  if (s.field_type != DataType::kJson) return KindOfType(s.field_type);
  switch (s.cast) {
    case JsonCast::kBool:
    case JsonCast::kArrayBool:
      return ScalarIndex::KeyKind::kBool;
    case JsonCast::kVarchar:
    case JsonCast::kArrayVarchar:
      return ScalarIndex::KeyKind::kString;
    default:
      return ScalarIndex::KeyKind::kDouble;
  }
}

template <typename T>
T LoadAt(const uint8_t* p, size_t i) {
  T x;
  std::memcpy(&x, p + i * sizeof(T), sizeof(T));
  return x;
}

// (key, row) pairs of one key kind, sorted and compressed into the dictionary at the end.
struct Collector {
  std::vector<std::pair<int64_t, uint32_t>> ints;
  std::vector<std::pair<double, uint32_t>> doubles;
  std::vector<std::pair<std::string, uint32_t>> strings;
  std::vector<uint32_t> nans;
  bool lossy = false;

  // A JSON value: added when its kind is the index's kind. Returns whether it was added.
  bool AddJson(ScalarIndex::KeyKind kind, const internal::JsonRef& j, uint32_t row) {
    switch (kind) {
      case ScalarIndex::KeyKind::kBool:
        if (j.kind != internal::JsonKind::kBool) return false;
        ints.push_back({j.b ? 1 : 0, row});
        return true;
      case ScalarIndex::KeyKind::kString:
        if (j.kind != internal::JsonKind::kString) return false;
        strings.push_back({std::string(j.str), row});
        return true;
      case ScalarIndex::KeyKind::kDouble:
        if (j.kind == internal::JsonKind::kInt) {
          if (std::fabs(static_cast<double>(j.i)) > kExactIntLimit) lossy = true;
          doubles.push_back({static_cast<double>(j.i), row});
          return true;
        }
        if (j.kind != internal::JsonKind::kDouble) return false;
        AddDouble(j.d, row);
        return true;
      default:
        return false;
    }
  }
  void AddDouble(double d, uint32_t row) {
    if (std::isnan(d)) {
      nans.push_back(row);
    } else {
      doubles.push_back({d == 0 ? 0.0 : d, row});  // -0.0 and 0.0 are one key
    }
  }
};

template <typename K, typename Out>
void Compress(std::vector<std::pair<K, uint32_t>>* pairs, std::vector<Out>* keys,
              std::vector<uint64_t>* offsets, std::vector<uint32_t>* rows) {
  std::sort(pairs->begin(), pairs->end());
  pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
  offsets->assign(1, 0);
  for (size_t i = 0; i < pairs->size(); ++i) {
    if (keys->empty() || (*pairs)[i].first != keys->back()) {
      if (i != 0) offsets->push_back(rows->size());
      keys->push_back(std::move((*pairs)[i].first));
    }
    rows->push_back((*pairs)[i].second);
  }
  if (!pairs->empty()) offsets->push_back(rows->size());
}

void SetBit(std::vector<uint64_t>* w, size_t i) { (*w)[i / 64] |= uint64_t{1} << (i % 64); }

}  // namespace

bool ScalarIndex::multi_valued() const {
  return spec_.field_type == DataType::kArray || IsArrayCast(spec_.cast);
}

Result<std::unique_ptr<ScalarIndex>> ScalarIndex::Build(const ScalarIndexSpec& spec,
                                                        const types::ColumnView& col, size_t rows) {
  if (rows > UINT32_MAX) return Status::InvalidArgument("segment too large for a scalar index");
  const DataType t = spec.field_type;
  bool var = t == DataType::kVarChar || t == DataType::kArray || t == DataType::kJson;
  if (rows != 0 && (var ? col.var == nullptr : col.fixed == nullptr)) {
    return Status::Internal("scalar index build: column has no data");
  }
  auto idx = std::unique_ptr<ScalarIndex>(new ScalarIndex());
  idx->spec_ = spec;
  idx->rows_ = rows;
  idx->key_kind_ = KindOfSpec(spec);
  idx->present_.assign((rows + 63) / 64, 0);
  Collector c;
  std::string scratch;
  for (size_t i = 0; i < rows; ++i) {
    if (col.IsNull(i)) continue;
    auto row = static_cast<uint32_t>(i);
    bool present = true;
    switch (t) {
      case DataType::kBool:
        c.ints.push_back({col.fixed[i] != 0 ? 1 : 0, row});
        break;
      case DataType::kInt8:
        c.ints.push_back({LoadAt<int8_t>(col.fixed, i), row});
        break;
      case DataType::kInt16:
        c.ints.push_back({LoadAt<int16_t>(col.fixed, i), row});
        break;
      case DataType::kInt32:
        c.ints.push_back({LoadAt<int32_t>(col.fixed, i), row});
        break;
      case DataType::kInt64:
        c.ints.push_back({LoadAt<int64_t>(col.fixed, i), row});
        break;
      case DataType::kFloat:
        c.AddDouble(LoadAt<float>(col.fixed, i), row);
        break;
      case DataType::kDouble:
        c.AddDouble(LoadAt<double>(col.fixed, i), row);
        break;
      case DataType::kVarChar:
        c.strings.push_back({std::string(col.var[i]), row});
        break;
      case DataType::kArray: {
        auto arr = types::DecodeArray(col.var[i], spec.element_type);
        if (!arr.ok()) break;  // malformed bytes read as an empty array, as in the evaluator
        const ArrayValue& a = *arr;
        for (int64_t v : a.ints) c.ints.push_back({v, row});
        for (float v : a.floats) c.AddDouble(v, row);
        for (double v : a.doubles) c.AddDouble(v, row);
        for (const std::string& s : a.strings) c.strings.push_back({s, row});
        break;
      }
      case DataType::kJson: {
        if (col.var[i].empty()) {  // NULL JSON
          present = false;
          break;
        }
        internal::JsonRef j = internal::JsonFind(col.var[i], spec.json_path, &scratch);
        if (!IsArrayCast(spec.cast)) {
          present = c.AddJson(idx->key_kind_, j, row);
          break;
        }
        if (j.kind != internal::JsonKind::kArray) {
          present = false;
          break;
        }
        std::string elem_scratch;
        internal::JsonForEachElement(j, &elem_scratch, [&](const internal::JsonRef& e) {
          c.AddJson(idx->key_kind_, e, row);
          return true;
        });
        break;
      }
      default:
        return Status::InvalidArgument(std::string("scalar index on unsupported type ") +
                                       DataTypeName(t));
    }
    if (present) SetBit(&idx->present_, i);
  }
  idx->lossy_ = c.lossy;
  idx->nan_rows_ = std::move(c.nans);
  switch (idx->key_kind_) {
    case KeyKind::kBool:
    case KeyKind::kInt:
      Compress(&c.ints, &idx->int_keys_, &idx->offsets_, &idx->row_ids_);
      break;
    case KeyKind::kDouble:
      Compress(&c.doubles, &idx->double_keys_, &idx->offsets_, &idx->row_ids_);
      break;
    case KeyKind::kString:
      Compress(&c.strings, &idx->string_keys_, &idx->offsets_, &idx->row_ids_);
      break;
  }
  if (spec.type == ScalarIndexType::kBitmap && idx->num_keys() > spec.bitmap_cardinality_limit) {
    return Status::InvalidArgument(
        "BITMAP index on field id " + std::to_string(spec.field_id) + ": the segment has " +
        std::to_string(idx->num_keys()) + " distinct values, more than bitmap_cardinality_limit " +
        std::to_string(spec.bitmap_cardinality_limit) + " (use INVERTED for high cardinality)");
  }
  return idx;
}

void ScalarIndex::Serialize(std::string* out) const {
  std::string buf;
  ByteWriter w(&buf);
  w.Put(kMagic);
  w.Put(kVersion);
  w.Put(static_cast<uint8_t>(spec_.type));
  w.Put(spec_.field_id);
  w.Put(static_cast<int32_t>(spec_.field_type));
  w.Put(static_cast<int32_t>(spec_.element_type));
  w.Put(static_cast<uint8_t>(spec_.cast));
  w.Put(spec_.bitmap_cardinality_limit);
  w.Put(static_cast<uint32_t>(spec_.json_path.size()));
  for (const PathPart& p : spec_.json_path) {
    if (const auto* s = std::get_if<std::string>(&p)) {
      w.Put(uint8_t{0});
      w.Put(static_cast<uint32_t>(s->size()));
      w.PutBytes(s->data(), s->size());
    } else {
      w.Put(uint8_t{1});
      w.Put(std::get<int64_t>(p));
    }
  }
  w.Put(static_cast<uint8_t>(key_kind_));
  w.Put(static_cast<uint8_t>(lossy_ ? 1 : 0));
  w.Put(rows_);
  w.Put(static_cast<uint64_t>(num_keys()));
  switch (key_kind_) {
    case KeyKind::kBool:
    case KeyKind::kInt:
      w.PutBytes(int_keys_.data(), int_keys_.size() * sizeof(int64_t));
      break;
    case KeyKind::kDouble:
      w.PutBytes(double_keys_.data(), double_keys_.size() * sizeof(double));
      break;
    case KeyKind::kString:
      for (const std::string& s : string_keys_) {
        w.Put(static_cast<uint32_t>(s.size()));
        w.PutBytes(s.data(), s.size());
      }
      break;
  }
  w.PutBytes(offsets_.data(), offsets_.size() * sizeof(uint64_t));
  w.Put(static_cast<uint64_t>(row_ids_.size()));
  w.PutBytes(row_ids_.data(), row_ids_.size() * sizeof(uint32_t));
  w.Put(static_cast<uint64_t>(nan_rows_.size()));
  w.PutBytes(nan_rows_.data(), nan_rows_.size() * sizeof(uint32_t));
  w.PutBytes(present_.data(), present_.size() * sizeof(uint64_t));
  w.Put(Crc32c(buf.data(), buf.size()));
  out->append(buf);
}

Result<std::unique_ptr<ScalarIndex>> ScalarIndex::Load(std::string_view image) {
  auto bad = [](const std::string& what) {
    return Status::Corruption("scalar index image: " + what);
  };
  if (image.size() < 12) return bad("too short");
  uint32_t crc;
  std::memcpy(&crc, image.data() + image.size() - 4, 4);
  std::string_view body = image.substr(0, image.size() - 4);
  ByteReader r(body);
  uint32_t magic = 0, version = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&magic, "magic"));
  if (magic != kMagic) return bad("bad magic number");
  ELANUS_RETURN_IF_ERROR(r.Get(&version, "version"));
  if (version != kVersion) return bad("unsupported format version " + std::to_string(version));
  if (Crc32c(body.data(), body.size()) != crc) return bad("checksum mismatch");
  auto idx = std::unique_ptr<ScalarIndex>(new ScalarIndex());
  ScalarIndexSpec& s = idx->spec_;
  uint8_t type = 0, cast = 0, kind = 0, lossy = 0;
  int32_t ft = 0, et = 0;
  uint32_t nparts = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&type, "index type"));
  if (type < 1 || type > 4) return bad("unknown index type " + std::to_string(type));
  s.type = static_cast<ScalarIndexType>(type);
  ELANUS_RETURN_IF_ERROR(r.Get(&s.field_id, "field id"));
  ELANUS_RETURN_IF_ERROR(r.Get(&ft, "field type"));
  ELANUS_RETURN_IF_ERROR(r.Get(&et, "element type"));
  s.field_type = static_cast<DataType>(ft);
  s.element_type = static_cast<DataType>(et);
  ELANUS_RETURN_IF_ERROR(r.Get(&cast, "json cast"));
  if (cast > static_cast<uint8_t>(JsonCast::kArrayVarchar)) return bad("unknown json cast");
  s.cast = static_cast<JsonCast>(cast);
  ELANUS_RETURN_IF_ERROR(r.Get(&s.bitmap_cardinality_limit, "bitmap limit"));
  ELANUS_RETURN_IF_ERROR(r.Get(&nparts, "json path length"));
  if (!r.CanRead(nparts, 5)) return bad("json path length out of range");
  for (uint32_t i = 0; i < nparts; ++i) {
    uint8_t tag = 0;
    ELANUS_RETURN_IF_ERROR(r.Get(&tag, "json path step"));
    if (tag == 0) {
      uint32_t len = 0;
      ELANUS_RETURN_IF_ERROR(r.Get(&len, "json path key length"));
      if (!r.CanRead(len, 1)) return bad("json path key out of range");
      std::string k(len, '\0');
      ELANUS_RETURN_IF_ERROR(r.GetBytes(k.data(), len, "json path key"));
      s.json_path.push_back(std::move(k));
    } else if (tag == 1) {
      int64_t v = 0;
      ELANUS_RETURN_IF_ERROR(r.Get(&v, "json path index"));
      s.json_path.push_back(v);
    } else {
      return bad("bad json path step tag");
    }
  }
  ELANUS_RETURN_IF_ERROR(r.Get(&kind, "key kind"));
  if (kind > 3) return bad("unknown key kind");
  idx->key_kind_ = static_cast<KeyKind>(kind);
  if (idx->key_kind_ != KindOfSpec(s)) return bad("key kind does not match the field type");
  ELANUS_RETURN_IF_ERROR(r.Get(&lossy, "lossy flag"));
  idx->lossy_ = lossy != 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&idx->rows_, "row count"));
  if (idx->rows_ > UINT32_MAX) return bad("row count out of range");
  uint64_t nkeys = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&nkeys, "key count"));
  switch (idx->key_kind_) {
    case KeyKind::kBool:
    case KeyKind::kInt:
      if (!r.CanRead(nkeys, 8)) return bad("key count out of range");
      idx->int_keys_.resize(nkeys);
      ELANUS_RETURN_IF_ERROR(r.GetBytes(idx->int_keys_.data(), nkeys * 8, "keys"));
      for (size_t i = 1; i < nkeys; ++i) {
        if (idx->int_keys_[i - 1] >= idx->int_keys_[i]) return bad("keys out of order");
      }
      if (idx->key_kind_ == KeyKind::kBool && nkeys != 0 &&
          (idx->int_keys_.front() < 0 || idx->int_keys_.back() > 1)) {
        return bad("bool key out of range");
      }
      break;
    case KeyKind::kDouble:
      if (!r.CanRead(nkeys, 8)) return bad("key count out of range");
      idx->double_keys_.resize(nkeys);
      ELANUS_RETURN_IF_ERROR(r.GetBytes(idx->double_keys_.data(), nkeys * 8, "keys"));
      for (size_t i = 0; i < nkeys; ++i) {
        if (std::isnan(idx->double_keys_[i])) return bad("NaN key");
        if (i > 0 && !(idx->double_keys_[i - 1] < idx->double_keys_[i])) {
          return bad("keys out of order");
        }
      }
      break;
    case KeyKind::kString:
      if (!r.CanRead(nkeys, 4)) return bad("key count out of range");
      idx->string_keys_.reserve(nkeys);
      for (uint64_t i = 0; i < nkeys; ++i) {
        uint32_t len = 0;
        ELANUS_RETURN_IF_ERROR(r.Get(&len, "key length"));
        if (!r.CanRead(len, 1)) return bad("key length out of range");
        std::string k(len, '\0');
        ELANUS_RETURN_IF_ERROR(r.GetBytes(k.data(), len, "key"));
        if (i > 0 && !(idx->string_keys_.back() < k)) return bad("keys out of order");
        idx->string_keys_.push_back(std::move(k));
      }
      break;
  }
  if (!r.CanRead(nkeys + 1, 8)) return bad("offsets out of range");
  idx->offsets_.resize(nkeys + 1);
  ELANUS_RETURN_IF_ERROR(r.GetBytes(idx->offsets_.data(), (nkeys + 1) * 8, "offsets"));
  uint64_t nrows = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&nrows, "posting count"));
  if (!r.CanRead(nrows, 4)) return bad("posting count out of range");
  idx->row_ids_.resize(nrows);
  ELANUS_RETURN_IF_ERROR(r.GetBytes(idx->row_ids_.data(), nrows * 4, "postings"));
  if (idx->offsets_[0] != 0 || idx->offsets_[nkeys] != nrows) return bad("offsets do not match");
  for (uint64_t k = 0; k < nkeys; ++k) {
    uint64_t b = idx->offsets_[k], e = idx->offsets_[k + 1];
    if (b >= e || e > nrows) return bad("offsets out of order");
    for (uint64_t i = b; i < e; ++i) {
      if (idx->row_ids_[i] >= idx->rows_ || (i > b && idx->row_ids_[i - 1] >= idx->row_ids_[i])) {
        return bad("posting row ids out of range or order");
      }
    }
  }
  uint64_t nnan = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&nnan, "NaN row count"));
  if (!r.CanRead(nnan, 4)) return bad("NaN row count out of range");
  idx->nan_rows_.resize(nnan);
  ELANUS_RETURN_IF_ERROR(r.GetBytes(idx->nan_rows_.data(), nnan * 4, "NaN rows"));
  for (uint32_t row : idx->nan_rows_) {
    if (row >= idx->rows_) return bad("NaN row out of range");
  }
  size_t nw = (idx->rows_ + 63) / 64;
  if (r.remaining() != nw * 8) return bad("present bitmap size mismatch");
  idx->present_.resize(nw);
  ELANUS_RETURN_IF_ERROR(r.GetBytes(idx->present_.data(), nw * 8, "present rows"));
  if (nw != 0 && idx->rows_ % 64 != 0 && (idx->present_.back() >> (idx->rows_ % 64)) != 0) {
    return bad("present bitmap has bits past the last row");
  }
  return idx;
}

}  // namespace elanus::expr
