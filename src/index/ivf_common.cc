#include "index/ivf_common.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "index/index_registry.h"
#include "simd/distance.h"

namespace elanus::index {

IvfListOrder::IvfListOrder(std::vector<float> dist, size_t first)
    : dist_(std::move(dist)), order_(dist_.size()) {
  std::iota(order_.begin(), order_.end(), 0);
  Extend(first);
}

IvfListOrder::IvfListOrder(std::vector<float> dist, std::vector<uint32_t> order, size_t sorted)
    : dist_(std::move(dist)), order_(std::move(order)), sorted_(std::min(sorted, order_.size())) {}

void IvfListOrder::Extend(size_t upto) {
  // Grow geometrically so reading every list costs O(n log n) in total.
  upto = std::min(order_.size(), std::max(upto, 2 * sorted_));
  if (upto <= sorted_) return;
  auto nearer = [this](uint32_t a, uint32_t b) {
    return dist_[a] < dist_[b] || (dist_[a] == dist_[b] && a < b);
  };
  const auto begin = order_.begin() + static_cast<std::ptrdiff_t>(sorted_);
  const auto mid = order_.begin() + static_cast<std::ptrdiff_t>(upto);
  if (mid != order_.end()) std::nth_element(begin, mid, order_.end(), nearer);
  std::sort(begin, mid, nearer);
  sorted_ = upto;
}

IvfListOrder RankIvfLists(const float* centroids, size_t lists, size_t dim, const float* q,
                          size_t first) {
  std::vector<float> dist(lists);
  simd::L2SqrBatch(q, centroids, lists, dim, dist.data());
  return IvfListOrder(std::move(dist), first);
}

void IvfCoarseRanker::Build(const float* centroids, size_t lists, size_t dim) {
  Clear();
  if (lists * dim * sizeof(float) < kMinBytes) return;
  quant_.Train(centroids, lists, dim, dim);
  codes_.resize(lists * dim);
  norms_.resize(lists);
  for (size_t l = 0; l < lists; ++l) {
    const float* c = centroids + l * dim;
    (void)quant_.Encode(c, codes_.data() + l * dim);
    norms_[l] = simd::InnerProduct(c, c, dim);
  }
}

void IvfCoarseRanker::Clear() {
  quant_ = Sq8Quantizer{};
  codes_.clear();
  codes_.shrink_to_fit();
  norms_.clear();
  norms_.shrink_to_fit();
}

size_t IvfCoarseRanker::MemoryBytes() const {
  return codes_.capacity() + (norms_.capacity() + quant_.offsets().capacity()) * sizeof(float);
}

IvfListOrder IvfCoarseRanker::Rank(const float* centroids, size_t lists, size_t dim, const float* q,
                                   size_t first) const {
  const size_t cand = Candidates(first);
  if (codes_.empty() || codes_.size() != lists * dim || 2 * cand > lists) {
    return RankIvfLists(centroids, lists, dim, q, first);
  }
  // The query as int8 with its own scale: q_j ~= qs * qi_j.
  float qmax = 0;
  for (size_t j = 0; j < dim; ++j) qmax = std::max(qmax, std::fabs(q[j]));
  if (!(qmax > 0) || !std::isfinite(qmax)) return RankIvfLists(centroids, lists, dim, q, first);
  const float qs = qmax / 127.0f;
  std::vector<int8_t> qi(dim);
  double q_off = 0;
  for (size_t j = 0; j < dim; ++j) {
    qi[j] = static_cast<int8_t>(std::clamp(std::nearbyint(q[j] / qs), -127.0f, 127.0f));
    q_off += static_cast<double>(q[j]) * quant_.offsets()[j];
  }
  // |q - c|^2 - |q|^2 = |c|^2 - 2 q.c, with q.c ~= q.offset + step * qs * (qi . code).
  std::vector<float> approx(lists);
  const float bias = static_cast<float>(2 * q_off);
  const float scale = 2 * quant_.step() * qs;
  simd::InnerProductI8Batch(qi.data(), codes_.data(), lists, dim, approx.data());
  for (size_t l = 0; l < lists; ++l) approx[l] = norms_[l] - bias - scale * approx[l];
  // The `cand` nearest by approximate distance, in one pass through the bounded heap (an
  // nth_element over every list, with its indirect comparisons, cost more than the int8 distances
  // at 4,000 lists). Ties go to the smaller id, as in IvfListOrder.
  // Most lists lose to the heap's bound, which TopK::Push tests inline (an out-of-line Push call
  // for each of 4,000 lists was 29% of a query at nprobe 1).
  TopK top(cand);
  for (uint32_t i = 0; i < lists; ++i) top.Push(approx[i], i);
  std::vector<Neighbor> picked;
  top.Drain(MetricType::kL2, &picked);  // kL2: scores are the distances unchanged
  // Exact distances of the candidates; they become the final prefix of the order, and the other
  // lists follow unordered (IvfListOrder sorts them by approx only if a search reads that far).
  std::vector<std::pair<float, uint32_t>> exact;
  exact.reserve(picked.size());
  std::vector<uint8_t> taken(lists, 0);
  for (const Neighbor& nb : picked) {
    const auto id = static_cast<uint32_t>(nb.row);
    exact.emplace_back(simd::L2Sqr(q, centroids + static_cast<size_t>(id) * dim, dim), id);
    taken[id] = 1;
  }
  std::sort(exact.begin(), exact.end());
  std::vector<uint32_t> order;
  order.reserve(lists);
  for (const auto& [d, id] : exact) order.push_back(id);
  for (uint32_t i = 0; i < lists; ++i)
    if (!taken[i]) order.push_back(i);
  return IvfListOrder(std::move(approx), std::move(order), cand);
}

Result<int64_t> ParseIvfNprobe(const ParamMap& params, int64_t nlist) {
  return ParseIntParam(params, "nprobe", std::min(kIvfDefaultNprobe, nlist), 1, nlist, "search");
}

Status ResolveIvfNprobe(const SearchParams& params, size_t lists, size_t* nprobe) {
  const auto nlist = static_cast<int64_t>(lists);
  if (params.nprobe < 0 || params.nprobe > std::max<int64_t>(nlist, 1)) {
    return Status::InvalidArgument(
        "invalid search parameter nprobe=" + std::to_string(params.nprobe) + ": must be in [1, " +
        std::to_string(nlist) + "]");
  }
  *nprobe =
      static_cast<size_t>(params.nprobe == 0 ? std::min(kIvfDefaultNprobe, nlist) : params.nprobe);
  return Status::OK();
}

}  // namespace elanus::index
