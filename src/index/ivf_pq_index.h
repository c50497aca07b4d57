// IVF_PQ: an inverted file (k-means coarse centroids, as IVF_FLAT) whose rows are stored as
// product-quantization codes of their residual to the list centroid.
//
// The dim components are split into `m` sub-spaces of dim/m components; each sub-space has its own
// codebook of 2^nbits centroids trained by k-means on the residuals (x - centroid of x's list) of
// the Build rows. A row is stored as m codes (1 byte each for nbits <= 8, else 2 bytes).
//
// Search is asymmetric (ADC): the query stays float32. Per probed list, L2 builds a table
// T[s][c] = |q_s - centroid_s - codebook[s][c]|^2 (m * 2^nbits floats) and a row's distance is the
// sum of m lookups. IP/COSINE decompose q.x = q.centroid + sum_s q_s.codebook[s][c], so one table
// per query serves every list. Scores are therefore approximate (as in Milvus).
//
// Supported: FLOAT / FLOAT16 / BFLOAT16 / INT8 vectors (widened to float32 for training and
// encoding; only codes are kept) with L2, IP and COSINE (rows unit-normalized).
// Build parameters: nlist in [1, 65536] (default 128), m (required) in [1, dim] dividing dim,
// nbits in [1, 16] (default 8). Search: nprobe in [1, nlist] (default min(8, nlist)); a filter
// keeps probing past nprobe until k allowed rows were found, as IVF_FLAT.
// Builds with fewer rows than 2^nbits train fewer codewords (one per row).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/ivf_common.h"
#include "index/vector_index.h"

namespace elanus::index {

struct IvfPqParams {
  int64_t nlist = 128;
  int64_t m = 0;  // sub-quantizers; must divide dim
  int64_t nbits = 8;
  // Parses nlist, m, nbits; m is checked against `dim` (required, 1..dim, dim % m == 0).
  static Result<IvfPqParams> Parse(const ParamMap& params, int64_t dim);
};

class IvfPqIndex final : public VectorIndex {
 public:
  static constexpr std::string_view kTypeName = "IVF_PQ";
  static Result<std::unique_ptr<IvfPqIndex>> Create(const IndexSpec& spec,
                                                    const IvfPqParams& params);

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
    std::vector<uint8_t> codes;  // [rows.size()][m * code_bytes], little-endian codes
  };
  IvfPqIndex(const IndexSpec& spec, const IvfPqParams& params) : spec_(spec), params_(params) {}
  size_t Dsub() const { return static_cast<size_t>(spec_.dim / params_.m); }
  size_t CodeBytes() const { return params_.nbits <= 8 ? 1 : 2; }
  size_t RowCodeBytes() const { return static_cast<size_t>(params_.m) * CodeBytes(); }
  uint32_t CodeAt(const uint8_t* row_codes, size_t s) const;
  void Clear();
  void TrainCodebooks(const float* residuals, int64_t n, ThreadPool* pool);
  // Residuals of rows to their assigned centroids, encoded and appended to the lists.
  void Insert(const float* rows, int64_t n, int64_t first_row, ThreadPool* pool);
  // Per-query tables: IP/COSINE: [m][ksub] dot products (list independent) plus q.centroid per
  // list; L2: filled per list by ListTable.
  void ListTable(const float* q, uint32_t list, std::vector<float>* table) const;
  template <typename Push>
  void ScanList(const float* table, float bias, const List& list, const Bitset* allowed,
                Push&& push) const;
  // Shared by Search and RangeSearch: converts the query, ranks the lists, builds the ADC tables
  // and calls probe(order, nprobe, scan) with scan(list, push) scanning one list.
  template <typename ProbeFn>
  Status Probe(const void* query, const Bitset* allowed, const SearchParams& params,
               std::vector<Neighbor>* out, ProbeFn&& probe) const;

  IndexSpec spec_;
  IvfPqParams params_;
  int64_t n_ = 0;
  size_t ksub_ = 0;               // trained codewords per sub-space (<= 2^nbits)
  std::vector<float> centroids_;  // [lists_.size()][dim]
  IvfCoarseRanker ranker_;        // over centroids_
  std::vector<float> codebooks_;  // [m][ksub_][dsub]
  std::vector<List> lists_;
};

}  // namespace elanus::index
