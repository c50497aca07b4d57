#include "index/ivf_common.h"

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
