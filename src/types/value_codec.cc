#include "types/value_codec.h"

#include <cstring>

namespace elanus::types {
namespace {

template <typename T>
void Put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

template <typename T>
bool Get(std::string_view& in, T* v) {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(v, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return true;
}

}  // namespace

std::string EncodeArray(const ArrayValue& v, DataType et) {
  std::string out;
  uint32_t n = static_cast<uint32_t>(v.size(et));
  Put(out, n);
  for (uint32_t i = 0; i < n; ++i) {
    switch (et) {
      case DataType::kBool:
      case DataType::kInt8:
        Put(out, static_cast<int8_t>(v.ints[i]));
        break;
      case DataType::kInt16:
        Put(out, static_cast<int16_t>(v.ints[i]));
        break;
      case DataType::kInt32:
        Put(out, static_cast<int32_t>(v.ints[i]));
        break;
      case DataType::kInt64:
        Put(out, v.ints[i]);
        break;
      case DataType::kFloat:
        Put(out, v.floats[i]);
        break;
      case DataType::kDouble:
        Put(out, v.doubles[i]);
        break;
      case DataType::kVarChar:
        Put(out, static_cast<uint32_t>(v.strings[i].size()));
        out += v.strings[i];
        break;
      default:
        break;
    }
  }
  return out;
}

Result<ArrayValue> DecodeArray(std::string_view in, DataType et) {
  ArrayValue v;
  uint32_t n = 0;
  auto bad = [] { return Status::Corruption("malformed ARRAY value"); };
  if (!Get(in, &n)) return bad();
  for (uint32_t i = 0; i < n; ++i) {
    switch (et) {
      case DataType::kBool:
      case DataType::kInt8: {
        int8_t x;
        if (!Get(in, &x)) return bad();
        v.ints.push_back(x);
        break;
      }
      case DataType::kInt16: {
        int16_t x;
        if (!Get(in, &x)) return bad();
        v.ints.push_back(x);
        break;
      }
      case DataType::kInt32: {
        int32_t x;
        if (!Get(in, &x)) return bad();
        v.ints.push_back(x);
        break;
      }
      case DataType::kInt64: {
        int64_t x;
        if (!Get(in, &x)) return bad();
        v.ints.push_back(x);
        break;
      }
      case DataType::kFloat: {
        float x;
        if (!Get(in, &x)) return bad();
        v.floats.push_back(x);
        break;
      }
      case DataType::kDouble: {
        double x;
        if (!Get(in, &x)) return bad();
        v.doubles.push_back(x);
        break;
      }
      case DataType::kVarChar: {
        uint32_t len;
        if (!Get(in, &len) || in.size() < len) return bad();
        v.strings.emplace_back(in.substr(0, len));
        in.remove_prefix(len);
        break;
      }
      default:
        return bad();
    }
  }
  if (!in.empty()) return bad();
  return v;
}

std::string EncodeSparse(const SparseVector& v) {
  std::string out;
  Put(out, static_cast<uint32_t>(v.indices.size()));
  for (size_t i = 0; i < v.indices.size(); ++i) {
    Put(out, v.indices[i]);
    Put(out, v.values[i]);
  }
  return out;
}

Result<SparseVector> DecodeSparse(std::string_view in) {
  SparseVector v;
  uint32_t n = 0;
  if (!Get(in, &n) || in.size() != static_cast<size_t>(n) * 8) {
    return Status::Corruption("malformed SPARSE_FLOAT_VECTOR value");
  }
  v.indices.resize(n);
  v.values.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    (void)Get(in, &v.indices[i]);
    (void)Get(in, &v.values[i]);
  }
  return v;
}

SparseView ViewSparse(std::string_view data) {
  SparseView s;
  if (data.size() >= 4) {
    std::memcpy(&s.count, data.data(), 4);
    s.pairs = reinterpret_cast<const uint8_t*>(data.data()) + 4;
  }
  return s;
}

uint32_t SparseView::index(size_t i) const {
  uint32_t x;
  std::memcpy(&x, pairs + i * 8, 4);
  return x;
}
float SparseView::value(size_t i) const {
  float x;
  std::memcpy(&x, pairs + i * 8 + 4, 4);
  return x;
}

}  // namespace elanus::types
