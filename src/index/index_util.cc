#include "index/index_util.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "simd/distance.h"

namespace elanus::index {

const char* VectorTypeName(DataType t) {
  switch (t) {
    case DataType::kFloatVector:
      return "FLOAT_VECTOR";
    case DataType::kFloat16Vector:
      return "FLOAT16_VECTOR";
    case DataType::kBFloat16Vector:
      return "BFLOAT16_VECTOR";
    case DataType::kInt8Vector:
      return "INT8_VECTOR";
    case DataType::kBinaryVector:
      return "BINARY_VECTOR";
    case DataType::kSparseFloatVector:
      return "SPARSE_FLOAT_VECTOR";
    default:
      return "NON_VECTOR";
  }
}

bool IsFloatLike(DataType t) {
  return t == DataType::kFloatVector || t == DataType::kFloat16Vector ||
         t == DataType::kBFloat16Vector || t == DataType::kInt8Vector;
}

Status ValidateSparseSpec(const IndexSpec& spec, std::string_view index_type) {
  if (spec.data_type != DataType::kSparseFloatVector) {
    return Status::InvalidArgument("index_type " + std::string(index_type) + " does not support " +
                                   VectorTypeName(spec.data_type) + ": SPARSE_FLOAT_VECTOR only");
  }
  if (spec.metric != MetricType::kIP) {
    return Status::InvalidArgument(
        "invalid metric_type " + std::string(MetricTypeName(spec.metric)) + " for index_type " +
        std::string(index_type) + ": only IP is supported (BM25 is not supported)");
  }
  return Status::OK();
}

size_t IndexSpec::RowBytes() const {
  if (dim <= 0 || !IsVectorType(data_type)) return 0;
  return FixedWidth(data_type, dim);  // 0 for sparse vectors
}

Status IndexSpec::Validate() const {
  const bool binary = data_type == DataType::kBinaryVector;
  if (!binary && !IsFloatLike(data_type)) {
    return Status::InvalidArgument(std::string("invalid vector type ") + VectorTypeName(data_type) +
                                   ": indexes need a dense vector");
  }
  if (dim < 1 || dim > kMaxDim || (binary && dim % 8 != 0)) {
    return Status::InvalidArgument("invalid dim=" + std::to_string(dim) + ": must be in [1, " +
                                   std::to_string(kMaxDim) + "]" +
                                   (binary ? " and a multiple of 8 for binary vectors" : ""));
  }
  const bool ok = binary ? (metric == MetricType::kHamming || metric == MetricType::kJaccard)
                         : (metric == MetricType::kL2 || metric == MetricType::kIP ||
                            metric == MetricType::kCosine);
  if (!ok) {
    return Status::InvalidArgument(std::string("invalid metric_type ") + MetricTypeName(metric) +
                                   " for " + VectorTypeName(data_type) + ": must be " +
                                   (binary ? "HAMMING or JACCARD" : "L2, IP or COSINE"));
  }
  return Status::OK();
}

void ToFloatRows(const IndexSpec& spec, const void* src, int64_t n, float* dst) {
  const size_t dim = static_cast<size_t>(spec.dim);
  const size_t total = dim * static_cast<size_t>(n);
  switch (spec.data_type) {
    case DataType::kFloatVector:
      if (total) std::memcpy(dst, src, total * sizeof(float));
      break;
    case DataType::kFloat16Vector:
      simd::F16ToF32Array(static_cast<const uint16_t*>(src), total, dst);
      break;
    case DataType::kBFloat16Vector:
      simd::BF16ToF32Array(static_cast<const uint16_t*>(src), total, dst);
      break;
    case DataType::kInt8Vector: {
      const int8_t* s = static_cast<const int8_t*>(src);
      for (size_t i = 0; i < total; ++i) dst[i] = static_cast<float>(s[i]);
      break;
    }
    default:
      return;  // not float-like: the caller validated the spec
  }
  if (spec.metric != MetricType::kCosine) return;
  for (int64_t i = 0; i < n; ++i) {
    float* row = dst + static_cast<size_t>(i) * dim;
    const float norm = simd::Norm(row, dim);
    if (norm > 0 && std::isfinite(norm)) {
      const float inv = 1.0f / norm;
      for (size_t j = 0; j < dim; ++j) row[j] *= inv;
    }
  }
}

bool InRange(MetricType m, float score, float radius, std::optional<float> range_filter) {
  if (m == MetricType::kIP || m == MetricType::kCosine) {
    return score > radius && (!range_filter || score <= *range_filter);
  }
  return score < radius && (!range_filter || score >= *range_filter);
}

bool WithinRadius(MetricType m, float d, float radius) {
  if (m == MetricType::kIP || m == MetricType::kCosine) return -d > radius;
  return d < radius;
}

Status CheckSearchArgs(const void* query, int64_t k, const Bitset* allowed, int64_t rows,
                       const std::vector<Neighbor>* out) {
  if (query == nullptr || out == nullptr) {
    return Status::InvalidArgument("search query and output must not be null");
  }
  if (k < 1 || k > kMaxTopK) {
    return Status::InvalidArgument("invalid topk=" + std::to_string(k) + ": must be in [1, " +
                                   std::to_string(kMaxTopK) + "]");
  }
  if (allowed != nullptr && static_cast<int64_t>(allowed->size()) != rows) {
    return Status::InvalidArgument("invalid filter bitset size " + std::to_string(allowed->size()) +
                                   ": must equal the index row count " + std::to_string(rows));
  }
  return Status::OK();
}

Status CheckAddArgs(const void* vectors, int64_t n, int64_t current_rows) {
  if (n < 0) return Status::InvalidArgument("invalid row count " + std::to_string(n));
  if (n > 0 && vectors == nullptr) return Status::InvalidArgument("vectors must not be null");
  if (current_rows + n > int64_t{std::numeric_limits<int32_t>::max()}) {
    return Status::InvalidArgument(
        "too many rows for one index: " + std::to_string(current_rows + n) + " > 2^31-1");
  }
  return Status::OK();
}

float TopK::Bound() const {
  // k = 0 counts as full with nothing in it: every row is out, but there is no k-th distance.
  return full() && !heap_.empty() ? heap_.front().first : std::numeric_limits<float>::infinity();
}

void TopK::PushSlow(float d, int64_t row) {
  if (k_ == 0) return;
  if (std::isnan(d)) d = std::numeric_limits<float>::infinity();  // keep the heap ordering valid
  if (full()) {
    if (std::make_pair(d, row) >= heap_.front()) return;
    std::pop_heap(heap_.begin(), heap_.end());
    heap_.back() = {d, row};
  } else {
    heap_.emplace_back(d, row);
  }
  std::push_heap(heap_.begin(), heap_.end());
}

void TopK::Drain(MetricType m, std::vector<Neighbor>* out) {
  std::sort_heap(heap_.begin(), heap_.end());
  out->clear();
  out->reserve(heap_.size());
  for (const auto& [d, row] : heap_) out->push_back({row, ScoreFromDistance(m, d)});
  heap_.clear();
}

}  // namespace elanus::index
