// SPARSE_INVERTED_INDEX (SPARSE_WAND is accepted as an alias): an inverted index over sparse float
// vectors, metric IP only (BM25 is not supported).
//
// One posting list per dimension: (row, value) pairs in increasing row order plus the list's
// maximum value. Queries run document-at-a-time with MaxScore dynamic pruning (Turtle & Flood
// 1995): query terms sorted by their upper bound weight * max value; once the heap holds k rows,
// the terms whose bounds sum to less than the current k-th score become "non-essential" and are
// only probed (galloping search) for rows found through the essential terms, and only while the
// row can still beat the k-th score. Rows go in windows of 4096: essential terms are accumulated
// densely per window and the essential set shrinks between windows. With drop ratios 0 and
// dim_max_score_ratio 1 results equal an exact scan (rows without any common dimension score 0 and
// fill up to k, as the exact scan).
//
// Build parameters:
//   inverted_index_algo  DAAT_MAXSCORE (default) or TAAT_NAIVE (score accumulation over all rows);
//                        DAAT_WAND is rejected as not supported.
//   drop_ratio_build     [0, 1), default 0: values below the drop_ratio_build quantile of all
//                        Build values are not indexed (also for rows added later).
// Search parameters:
//   drop_ratio_search    [0, 1), default 0: the smallest fraction of query weights is ignored.
//   dim_max_score_ratio  [0.5, 1.3], default 1: scales the pruning bounds (DAAT_MAXSCORE).
// Filtered search: rows outside `allowed` are skipped before scoring. Range search scores every
// row of the matched lists (exact for the indexed values).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/index_util.h"
#include "index/vector_index.h"

namespace elanus::index {

enum class SparseAlgo : uint32_t { kDaatMaxScore = 0, kTaatNaive = 1 };

struct SparseIndexParams {
  SparseAlgo algo = SparseAlgo::kDaatMaxScore;
  float drop_ratio_build = 0;
  static Result<SparseIndexParams> Parse(const ParamMap& params);
};

class SparseInvertedIndex final : public VectorIndex {
 public:
  static constexpr std::string_view kTypeName = "SPARSE_INVERTED_INDEX";
  static constexpr std::string_view kWandAlias = "SPARSE_WAND";
  static Result<std::unique_ptr<SparseInvertedIndex>> Create(const IndexSpec& spec,
                                                             const SparseIndexParams& params);

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

  size_t NumPostings() const;  // indexed (row, value) pairs

 private:
  struct PostingList {
    uint32_t dim = 0;
    float max_value = 0;
    std::vector<uint32_t> rows;  // increasing
    std::vector<float> values;
  };
  // A query term: its weight and posting list.
  struct Term {
    float weight;
    const PostingList* list;
  };
  SparseInvertedIndex(const IndexSpec& spec, const SparseIndexParams& params)
      : spec_(spec), params_(params) {}
  void Clear();
  Status Append(const void* vectors, int64_t n);
  Status CheckQuery(const void* query, const SearchParams& params) const;
  std::vector<Term> QueryTerms(const void* query, const SearchParams& params) const;
  // Exact scores of all rows from `terms` (TAAT).
  std::vector<float> Accumulate(const std::vector<Term>& terms) const;
  void SearchMaxScore(const std::vector<Term>& terms, float bound_scale, const Bitset* allowed,
                      TopK* top) const;

  IndexSpec spec_;
  SparseIndexParams params_;
  int64_t n_ = 0;
  float drop_threshold_ = 0;  // values below it are not indexed
  std::vector<PostingList> lists_;
  std::unordered_map<uint32_t, uint32_t> list_of_dim_;
};

}  // namespace elanus::index
