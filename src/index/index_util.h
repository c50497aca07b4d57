// Helpers shared by index implementations: spec checks, conversion of column encodings to float32,
// internal distances vs Milvus scores, a bounded top-k collector and argument checks.
//
// Internally every index ranks by a "distance" where smaller is better: L2 -> squared L2; IP and
// COSINE -> negated dot product (COSINE on unit-normalized vectors); HAMMING/JACCARD -> as is.
// ScoreFromDistance maps it back to the Milvus score.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "index/vector_index.h"

namespace elanus::index {

const char* VectorTypeName(DataType t);
bool IsFloatLike(DataType t);  // float32, float16, bfloat16, int8
// Spec check for sparse indexes: SPARSE_FLOAT_VECTOR with metric IP (dim is not used).
Status ValidateSparseSpec(const IndexSpec& spec, std::string_view index_type);

// Converts n rows of a float-like encoding to float32 (dst: [n][dim]). For COSINE each row is
// scaled to unit norm (all-zero rows stay zero) so that -InnerProduct is the internal distance.
void ToFloatRows(const IndexSpec& spec, const void* src, int64_t n, float* dst);

inline float ScoreFromDistance(MetricType m, float d) {
  if (m == MetricType::kIP) return -d;
  if (m == MetricType::kCosine) return std::clamp(-d, -1.0f, 1.0f);
  return d;
}

// True when `score` lies in the Milvus range (see VectorIndex::RangeSearch).
bool InRange(MetricType m, float score, float radius, std::optional<float> range_filter);
// True when a row whose internal distance is `d` may still be inside the range, i.e. it is not
// beyond `radius` (used to stop range search once the frontier leaves the radius).
bool WithinRadius(MetricType m, float d, float radius);

// Checks the arguments every Search/RangeSearch shares: non-null query and output, k in
// [1, 16384] (pass k = 1 for range search), filter size equal to `rows`.
Status CheckSearchArgs(const void* query, int64_t k, const Bitset* allowed, int64_t rows,
                       const std::vector<Neighbor>* out);
// Checks Build/Add arguments: non-null data when n > 0, n >= 0 and Size()+n fits in uint32 row ids.
Status CheckAddArgs(const void* vectors, int64_t n, int64_t current_rows);

// Keeps the k smallest (distance, row) pairs seen. Ties are broken by the smaller row.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(k + 1); }
  size_t size() const { return heap_.size(); }
  bool full() const { return heap_.size() >= k_; }
  // The current k-th distance (+inf while not full): rows at or beyond it cannot enter.
  float Bound() const;
  // Inline for the common case of a row that cannot enter (scans push every row they score).
  void Push(float d, int64_t row) {
    if (!heap_.empty() && heap_.size() >= k_ && d > heap_.front().first) return;
    PushSlow(d, row);
  }
  // Moves the contents out as Milvus results, best first.
  void Drain(MetricType m, std::vector<Neighbor>* out);

 private:
  void PushSlow(float d, int64_t row);

  size_t k_;
  std::vector<std::pair<float, int64_t>> heap_;  // max-heap on (distance, row)
};

}  // namespace elanus::index
