// BIN_IVF_FLAT: an inverted file over BINARY vectors (HAMMING or JACCARD). Centroids are bit
// vectors trained by binary k-means (random distinct rows, then Lloyd iterations assigning by
// Hamming distance and setting each centroid bit by majority vote) on a sample of the Build rows.
// A search ranks the centroids by Hamming distance to the query and scans the nprobe nearest lists
// exactly with the query's metric.
//
// Build: nlist in [1, 65536] (default 128). Search: nprobe in [1, nlist] (default min(8, nlist)).
// With a filter, lists are probed past nprobe until k allowed rows were found.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/ivf_common.h"
#include "index/ivf_flat_index.h"
#include "index/vector_index.h"

namespace elanus::index {

class BinIvfFlatIndex final : public VectorIndex {
 public:
  static constexpr std::string_view kTypeName = "BIN_IVF_FLAT";
  static Result<std::unique_ptr<BinIvfFlatIndex>> Create(const IndexSpec& spec,
                                                         const IvfParams& params);

  std::string_view TypeName() const override { return kTypeName; }
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
  size_t MemoryBytes() const override;
  size_t NumLists() const { return lists_.size(); }

 private:
  struct List {
    std::vector<uint32_t> rows;
    std::vector<uint8_t> codes;  // [rows.size()][bytes_]
  };
  BinIvfFlatIndex(const IndexSpec& spec, const IvfParams& params)
      : spec_(spec), params_(params), bytes_(spec.RowBytes()) {}
  void Train(const uint8_t* rows, size_t n, ThreadPool* pool);
  uint32_t Nearest(const uint8_t* x) const;
  // out[i] = Nearest(row ids[i]) (row i when ids is null) for i < n, spread over the pool.
  void AssignNearest(const uint8_t* rows, const size_t* ids, size_t n, uint32_t* out,
                     ThreadPool* pool) const;
  float Distance(const uint8_t* a, const uint8_t* b) const;
  Status ResolveNprobe(const SearchParams& params, size_t* nprobe) const;
  // Lists by the Hamming distance of their centroid to q; the nearest `first` ordered now.
  IvfListOrder RankLists(const uint8_t* q, size_t first) const;
  template <typename Fn>
  void ScanList(const uint8_t* q, const List& list, const Bitset* allowed, Fn&& fn) const;

  IndexSpec spec_;
  IvfParams params_;
  size_t bytes_;  // per vector
  int64_t n_ = 0;
  std::vector<uint8_t> centroids_;  // [lists_.size()][bytes_]
  std::vector<List> lists_;
};

}  // namespace elanus::index
