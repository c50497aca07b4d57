// FLAT and BIN_FLAT: exact search by scanning every (allowed) row. No build or search parameters.
//
// FLAT takes FLOAT / FLOAT16 / BFLOAT16 / INT8 vectors with L2, IP or COSINE; they are stored as
// float32 (COSINE rows unit-normalized) and scanned with the batch SIMD kernels.
// BIN_FLAT takes BINARY vectors with HAMMING or JACCARD; they are stored as packed bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/vector_index.h"

namespace elanus::index {

class FlatIndex final : public VectorIndex {
 public:
  static constexpr std::string_view kFloatTypeName = "FLAT";
  static constexpr std::string_view kBinaryTypeName = "BIN_FLAT";

  // InvalidArgument when the spec is invalid or does not match the type (FLAT: float-like,
  // BIN_FLAT: binary).
  static Result<std::unique_ptr<FlatIndex>> Create(const IndexSpec& spec, bool binary);

  std::string_view TypeName() const override { return binary_ ? kBinaryTypeName : kFloatTypeName; }
  const IndexSpec& spec() const override { return spec_; }
  Status Build(const void* vectors, int64_t n, ThreadPool* pool) override;
  Status Add(const void* vectors, int64_t n, ThreadPool* pool) override;
  int64_t Size() const override { return n_; }
  int64_t IndexedRows() const override { return n_; }
  Result<SearchParams> ParseSearchParams(const ParamMap& params, int64_t k) const override;
  Status Search(const void* query, int64_t k, const Bitset* allowed, const SearchParams& params,
                std::vector<Neighbor>* out) const override;
  Status RangeSearch(const void* query, float radius, std::optional<float> range_filter,
                     int64_t limit, const Bitset* allowed, const SearchParams& params,
                     std::vector<Neighbor>* out) const override;
  Status Serialize(std::string* out) const override;
  Status Load(std::string_view data) override;
  size_t MemoryBytes() const override { return floats_.capacity() * 4 + bytes_.capacity(); }

 private:
  FlatIndex(const IndexSpec& spec, bool binary) : spec_(spec), binary_(binary) {}
  // Calls fn(row, distance) for every allowed row; distances are internal (smaller is better).
  template <typename Fn>
  void Scan(const void* query, const Bitset* allowed, Fn&& fn) const;

  IndexSpec spec_;
  bool binary_;
  int64_t n_ = 0;
  std::vector<float> floats_;   // FLAT: [n][dim]
  std::vector<uint8_t> bytes_;  // BIN_FLAT: [n][dim / 8]
};

}  // namespace elanus::index
