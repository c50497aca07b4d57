// The on-disk envelope shared by every index image, plus bounds-checked byte readers/writers.
//
// Layout (little-endian, no padding):
//   u32 magic "ELIX" (0x58494C45) | u32 format version (kIndexFormatVersion)
//   u16 type-name length | type name bytes ("HNSW")
//   i32 data type | i64 dim | i32 metric
//   u64 body length | body (index-type specific, written with ByteWriter)
//   u32 CRC32C of every byte above
// A reader checks the magic, version, CRC, type name and spec before it looks at the body, and
// each body parser still checks every count and id it reads (an image with a valid CRC can still
// come from a buggy writer). All failures are Status::Corruption.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "elanus/status.h"
#include "index/vector_index.h"

namespace elanus::index {

inline constexpr uint32_t kIndexMagic = 0x58494C45;  // "ELIX"
inline constexpr uint32_t kIndexFormatVersion = 1;

// Appends plain values and arrays to a string.
class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  template <typename T>
  void Put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_->append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void PutBytes(const void* p, size_t n) { out_->append(static_cast<const char*>(p), n); }

 private:
  std::string* out_;
};

// Reads plain values from a byte range; every read is bounds-checked and returns Corruption
// (naming `what`) past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  template <typename T>
  Status Get(T* v, const char* what) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (data_.size() - pos_ < sizeof(T)) return Truncated(what);
    std::memcpy(v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::OK();
  }
  // Copies `n` bytes; n is checked against the remaining size first (no huge allocation).
  Status GetBytes(void* p, size_t n, const char* what) {
    if (data_.size() - pos_ < n) return Truncated(what);
    if (n) std::memcpy(p, data_.data() + pos_, n);
    pos_ += n;
    return Status::OK();
  }
  // True if `count` elements of `elem_size` bytes can still be read (overflow-safe).
  bool CanRead(uint64_t count, size_t elem_size) const {
    return elem_size == 0 || count <= (data_.size() - pos_) / elem_size;
  }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  static Status Truncated(const char* what) {
    return Status::Corruption(std::string("index image truncated while reading ") + what);
  }
  std::string_view data_;
  size_t pos_ = 0;
};

// Writes the envelope around `body` for an index of `type_name` and `spec`, appending to `out`.
void WriteIndexEnvelope(std::string_view type_name, const IndexSpec& spec, std::string_view body,
                        std::string* out);

// Parses the envelope header: checks magic, version, length and CRC, and returns the type name,
// spec and body (views into `data`).
struct IndexEnvelope {
  std::string_view type_name;
  IndexSpec spec;
  std::string_view body;
};
Result<IndexEnvelope> ReadIndexEnvelope(std::string_view data);

// Reads the envelope and checks that it holds `type_name`; the spec must be valid.
Result<IndexEnvelope> ReadIndexEnvelopeOfType(std::string_view data, std::string_view type_name);

}  // namespace elanus::index
