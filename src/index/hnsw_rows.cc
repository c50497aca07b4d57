// HNSW row storage: how the rows of a batch are converted, ordered and encoded before they are
// linked into the graph (component permutation, exact narrow row formats, the IP extension).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "index/hnsw_index.h"
#include "index/index_util.h"

namespace elanus::index {
namespace {

// Narrow formats tried for the first batch, narrowest first.
constexpr simd::RowType kNarrowTypes[] = {simd::RowType::kU8, simd::RowType::kI8,
                                          simd::RowType::kF16, simd::RowType::kBF16};

}  // namespace

void HnswIndex::ChooseLayout(const void* vectors, int64_t n) {
  const auto d = static_cast<size_t>(spec_.dim);
  const size_t row_bytes = spec_.RowBytes();
  const auto* src = static_cast<const std::byte*>(vectors);
  // Narrow rows only for L2: COSINE rows are normalized (rarely exact in a narrow format) and IP
  // rows carry the irrational extension coordinate.
  const bool try_narrow = !params_.sq8 && params_.narrow_rows && spec_.metric == MetricType::kL2;
  bool fits[std::size(kNarrowTypes)];
  std::fill(std::begin(fits), std::end(fits), try_narrow);
  std::vector<double> sum(d, 0.0), sum2(d, 0.0);
  std::vector<float> row(d);
  max_norm2_ = 0;
  for (int64_t i = 0; i < n; ++i) {
    ToFloatRows(spec_, src + static_cast<size_t>(i) * row_bytes, 1, row.data());
    for (size_t j = 0; j < d; ++j) {
      const double x = std::isfinite(row[j]) ? row[j] : 0.0;
      sum[j] += x;
      sum2[j] += x * x;
    }
    for (size_t t = 0; t < std::size(kNarrowTypes); ++t) {
      fits[t] = fits[t] && simd::RowTypeFits(row.data(), d, kNarrowTypes[t]);
    }
    if (ip_as_l2_) {
      const float norm2 = simd::InnerProduct(row.data(), row.data(), d);
      if (std::isfinite(norm2)) max_norm2_ = std::max(max_norm2_, norm2);
    }
  }
  // Components in decreasing variance: a partial distance then grows fastest, and early
  // termination (DistQ with a bound) rejects a far candidate after fewer components.
  std::vector<double> var(d);
  for (size_t j = 0; j < d; ++j) {
    const double mean = sum[j] / static_cast<double>(n);
    var[j] = sum2[j] / static_cast<double>(n) - mean * mean;
  }
  perm_.resize(d);
  for (size_t j = 0; j < d; ++j) perm_[j] = static_cast<uint32_t>(j);
  std::stable_sort(perm_.begin(), perm_.end(),
                   [&](uint32_t a, uint32_t b) { return var[a] > var[b]; });
  row_type_ = simd::RowType::kF32;
  for (size_t t = 0; t < std::size(kNarrowTypes); ++t) {
    if (fits[t]) {
      row_type_ = kNarrowTypes[t];
      break;
    }
  }
  Configure(spec_, params_);  // node layout for row_type_; nothing is stored yet
}

void HnswIndex::StoreRows(const void* vectors, int64_t first, int64_t n) {
  const auto d = static_cast<size_t>(spec_.dim);
  const size_t row_bytes = spec_.RowBytes();
  const auto* src = static_cast<const std::byte*>(vectors);
  std::vector<float> row(dim_, 0.0f);
  auto load = [&](int64_t i) {
    ToFloatRows(spec_, src + static_cast<size_t>(i) * row_bytes, 1, row.data());
    Permute(row.data());
  };
  if (first == 0) {
    ChooseLayout(vectors, n);
  } else if (RowTypeOfRows() != simd::RowType::kF32) {
    for (int64_t i = 0; i < n; ++i) {
      load(i);
      if (!simd::RowTypeFits(row.data(), d, row_type_)) {
        WidenRowsToF32();
        break;
      }
    }
  }
  Reserve(first + n);
  for (int64_t i = 0; i < n; ++i) {
    const auto id = static_cast<uint32_t>(first + i);
    std::memset(data0_.get() + static_cast<size_t>(id) * node_bytes_, 0, node_bytes_);
    load(i);
    if (ip_as_l2_) {  // the extension coordinate; rows with a norm above the first batch's get 0
      const float extra = max_norm2_ - simd::InnerProduct(row.data(), row.data(), d);
      row[d] = extra > 0 ? std::sqrt(extra) : 0.0f;
    }
    if (params_.sq8) {
      std::memcpy(RawVec(id), row.data(), dim_ * sizeof(float));
    } else {
      simd::EncodeRow(row.data(), dim_, row_type_, const_cast<std::byte*>(Payload(id)));
    }
    const int level = RandomLevel(id);
    levels_[id] = static_cast<int8_t>(level);
    upper_[id].reset();
    if (level > 0) {
      const size_t words = static_cast<size_t>(level) * (m_ + 1);
      upper_[id] = std::make_unique<uint32_t[]>(words);  // zeroed: all counts 0
    }
  }
  if (params_.sq8) {
    if (!quant_trained_) {  // the first batch sets the code range; later rows are clamped to it
      quant_.Train(RawVec(static_cast<uint32_t>(first)), static_cast<size_t>(n), dim_,
                   raw_stride_ / sizeof(float));
      quant_trained_ = true;
    }
    for (int64_t i = first; i < first + n; ++i) EncodeNode(static_cast<uint32_t>(i));
  }
}

}  // namespace elanus::index
