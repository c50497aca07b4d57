// IVF_FLAT: an inverted file. K-means (kmeans.h) splits the rows into `nlist` lists around
// centroids; a search scans the `nprobe` lists whose centroids are nearest (L2) to the query,
// exactly, with the batch SIMD kernels. Large centroid sets are preselected through an int8 copy
// and re-ranked exactly (IvfCoarseRanker, ivf_common.h).
//
// Supported: FLOAT / FLOAT16 / BFLOAT16 / INT8 vectors (stored as float32) with L2, IP and COSINE
// (COSINE rows are unit-normalized). Lists are chosen by L2 distance to the centroids for every
// metric.
//
// Build parameters: nlist in [1, 65536] (default 128; fewer centroids are trained when the build
// has fewer rows). Search: nprobe in [1, nlist] (default min(8, nlist)).
// With a filter, lists keep being probed past nprobe until k allowed rows were found (or all lists
// were scanned), so a search returns k rows whenever k rows are allowed.
// Build trains on the given rows; Add assigns new rows to the trained lists (FailedPrecondition
// before any Build with rows).
//
// IVF_SQ8 is the same structure with rows stored as 8-bit codes of their residual to their list's
// centroid, one min/step per dimension (trained on the Build rows' residuals; later rows are
// clamped): x_i ~= c_i + min_i + code_i * step_i. Residuals span a much smaller range than the
// rows, so the same 8 bits lose less (clustered 1M x 128: the recall ceiling rose from 0.949 to
// 0.974, bench/results/2026-12-07-ann-interleaved-ivf-1m-residual.md). Distances are computed
// between the float32 query and the decoded codes, so
// scores are approximate (as in Milvus); memory is ~1/4 of IVF_FLAT. Images written before
// residual codes (no flag in the header) load and search as direct codes of the rows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/ivf_common.h"
#include "index/vector_index.h"

namespace elanus::index {

struct IvfParams {
  int64_t nlist = 128;
  bool sq8 = false;  // IVF_SQ8
  static Result<IvfParams> Parse(const ParamMap& params);
};

class IvfFlatIndex final : public VectorIndex {
 public:
  static constexpr std::string_view kTypeName = "IVF_FLAT";
  static constexpr std::string_view kSq8TypeName = "IVF_SQ8";
  static Result<std::unique_ptr<IvfFlatIndex>> Create(const IndexSpec& spec,
                                                      const IvfParams& params);

  std::string_view TypeName() const override { return params_.sq8 ? kSq8TypeName : kTypeName; }
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

  // Number of trained lists (<= nlist); 0 before Build.
  size_t NumLists() const { return lists_.size(); }

 private:
  struct List {
    std::vector<uint32_t> rows;
    std::vector<float> vectors;  // IVF_FLAT: [rows.size()][dim]
    std::vector<uint8_t> codes;  // IVF_SQ8: [rows.size()][dim]
  };
  // Per-query precomputation for IVF_SQ8: L2 uses q - min, IP uses q * step and q . min. With
  // residual codes the L2 form is per list (q - centroid - min, in `list_a`) and IP adds the
  // query's dot product with the list's centroid to ip_const.
  struct QueryPrep {
    std::vector<float> a;
    std::vector<float> list_a;
    float ip_const = 0;
  };
  QueryPrep Prepare(const float* q) const;
  void TrainSq8(const float* rows, int64_t n);
  // The list of each row (nearest centroid).
  std::vector<uint32_t> Assign(const float* rows, int64_t n, ThreadPool* pool) const;
  // rows[i] -= centroid of assign[i].
  void ToResiduals(float* rows, int64_t n, const std::vector<uint32_t>& assign) const;
  IvfFlatIndex(const IndexSpec& spec, const IvfParams& params) : spec_(spec), params_(params) {}
  // Scans list `l`, calling fn(row, internal distance) for allowed rows.
  template <typename Fn>
  void ScanList(const float* q, QueryPrep& prep, uint32_t l, const Bitset* allowed, Fn&& fn) const;
  // Appends rows to the lists `assign` names; with residual_ `rows` are already residuals.
  void Insert(const float* rows, int64_t n, int64_t first_row, const std::vector<uint32_t>& assign);

  IndexSpec spec_;
  IvfParams params_;
  int64_t n_ = 0;
  std::vector<float> centroids_;  // [lists_.size()][dim]
  IvfCoarseRanker ranker_;        // over centroids_
  std::vector<List> lists_;
  std::vector<float> sq_min_, sq_step_;  // IVF_SQ8: [dim] each
  bool residual_ = false;                // IVF_SQ8 codes are of residuals (every new build)
};

}  // namespace elanus::index
