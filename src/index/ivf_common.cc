#include "index/ivf_common.h"

#include <numeric>
#include <string>

#include "index/index_registry.h"
#include "simd/distance.h"

namespace elanus::index {

std::vector<uint32_t> RankIvfLists(const float* centroids, size_t lists, size_t dim,
                                   const float* q) {
  std::vector<float> dist(lists);
  simd::L2SqrBatch(q, centroids, lists, dim, dist.data());
  std::vector<uint32_t> order(lists);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return dist[a] < dist[b] || (dist[a] == dist[b] && a < b);
  });
  return order;
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
