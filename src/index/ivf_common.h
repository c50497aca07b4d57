// Pieces shared by the float IVF indexes (IVF_FLAT, IVF_SQ8, IVF_PQ): ranking the lists for a
// query, the nprobe parameter, and the probe loops for top-k and range search. Each index only
// supplies how one list is scanned. ReserveIvfLists is shared with BIN_IVF_FLAT too.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "index/index_util.h"
#include "index/sq8_quantizer.h"
#include "index/vector_index.h"

namespace elanus::index {

inline constexpr int64_t kIvfMaxNlist = 65536;
inline constexpr int64_t kIvfDefaultNprobe = 8;

// List ids ordered by a distance (ties: smaller id), sorted lazily: a search needs only the
// nearest nprobe lists, and sorting all of them cost more than scanning those (measured: 56% of
// an IVF_FLAT query at nlist 1264, nprobe 8). The ordered prefix grows when a caller reads past
// it (filtered searches that probe further).
class IvfListOrder {
 public:
  // Orders at least the nearest `first` lists now.
  IvfListOrder(std::vector<float> dist, size_t first);
  // order[0, sorted) is final; the rest of the lists are ordered lazily by dist (entries of dist
  // for the lists in the prefix are not read).
  IvfListOrder(std::vector<float> dist, std::vector<uint32_t> order, size_t sorted);
  size_t size() const { return order_.size(); }
  uint32_t operator[](size_t i) {
    if (i >= sorted_) Extend(i + 1);
    return order_[i];
  }

 private:
  void Extend(size_t upto);
  std::vector<float> dist_;
  std::vector<uint32_t> order_;
  size_t sorted_ = 0;  // order_[0, sorted_) is final; the rest follow it, unordered
};

// Lists by the L2 distance of their centroid to q, at least the nearest `first` ordered now.
// centroids: [lists][dim].
IvfListOrder RankIvfLists(const float* centroids, size_t lists, size_t dim, const float* q,
                          size_t first);

// Ranks the lists of a float IVF index through an 8-bit copy of its centroids when they are large:
// reading every float centroid was 40% of an IVF_FLAT query on fashion-mnist (979 x 784 floats =
// 3 MB per query, more than the L2 cache), while the int8 copy is a quarter of that and its
// integer kernel ~3x faster. The copy only preselects: the candidates() nearest by the approximate
// distance are re-ranked on the float centroids, so the lists probed are the nearest nprobe by
// exact distance unless coding error (at most step/2 per component) moved a true one out of the
// candidates, which needs a distance gap of that order among the nearest lists. Lists after
// the candidates (read only by filtered searches that probe further) follow in approximate order.
// Small centroid sets (< kMinBytes of floats) are ranked exactly; the copy is not persisted, it is
// rebuilt from the centroids at Build and Load.
class IvfCoarseRanker {
 public:
  static constexpr size_t kMinBytes = size_t{512} << 10;
  // centroids: [lists][dim], kept by the caller for the lifetime of the ranking.
  void Build(const float* centroids, size_t lists, size_t dim);
  void Clear();
  bool quantized() const { return !codes_.empty(); }
  size_t MemoryBytes() const;
  // Candidates re-ranked exactly when `first` lists are wanted.
  static size_t Candidates(size_t first) { return 2 * first + 16; }
  IvfListOrder Rank(const float* centroids, size_t lists, size_t dim, const float* q,
                    size_t first) const;

 private:
  Sq8Quantizer quant_;         // c_j ~= offset_j + step * code_j
  std::vector<int8_t> codes_;  // [lists][dim]
  std::vector<float> norms_;   // [lists] exact |c|^2
};

// Parses "nprobe" in [1, nlist] (default min(8, nlist)); `nlist` is the trained list count, or
// the nlist build parameter before training.
Result<int64_t> ParseIvfNprobe(const ParamMap& params, int64_t nlist);

// nprobe to use for a search over `lists` trained lists: params.nprobe, or the default when 0.
// InvalidArgument when it exceeds the list count.
Status ResolveIvfNprobe(const SearchParams& params, size_t lists, size_t* nprobe);

// Makes room, before an Add appends, for the rows `assign` (n list ids) puts in each list: an
// empty list gets exactly its rows, so a Build sizes every list exactly (appending row by row
// leaves up to 2x spare capacity); a non-empty one grows by at least 1.5x, so that many small
// Adds stay amortised. reserve(list, rows) reserves `rows` rows in every per-row array of the
// list; List has a `rows` vector.
template <typename List, typename ReserveFn>
void ReserveIvfLists(std::vector<List>& lists, const uint32_t* assign, size_t n,
                     ReserveFn&& reserve) {
  std::vector<size_t> adding(lists.size(), 0);
  for (size_t i = 0; i < n; ++i) ++adding[assign[i]];
  for (size_t l = 0; l < lists.size(); ++l) {
    List& list = lists[l];
    const size_t need = list.rows.size() + adding[l];
    if (adding[l] == 0 || need <= list.rows.capacity()) continue;
    reserve(list, list.rows.empty() ? need : std::max(need, list.rows.capacity() * 3 / 2));
  }
}

// Top-k probe loop: scans lists in `order` through scan(list_id, push) where push(row, d) offers
// an allowed row with internal distance d. Past nprobe lists it keeps probing only while a filter
// (`filtered`) left fewer than k rows.
template <typename ScanFn>
void IvfProbeTopK(IvfListOrder& order, size_t nprobe, bool filtered, TopK* top, size_t k,
                  ScanFn&& scan) {
  auto push = [top](uint32_t row, float d) { top->Push(d, row); };
  for (size_t i = 0; i < order.size(); ++i) {
    if (i >= nprobe && (!filtered || top->size() >= k)) break;
    scan(order[i], push);
  }
}

// Range probe loop: rows of the first nprobe lists whose score is in range, best first, at most
// `limit` (<= 0: all).
template <typename ScanFn>
void IvfProbeRange(IvfListOrder& order, size_t nprobe, MetricType metric, float radius,
                   std::optional<float> range_filter, int64_t limit, std::vector<Neighbor>* out,
                   ScanFn&& scan) {
  std::vector<std::pair<float, int64_t>> hits;
  auto push = [&](uint32_t row, float d) {
    if (InRange(metric, ScoreFromDistance(metric, d), radius, range_filter)) {
      hits.emplace_back(d, row);
    }
  };
  for (size_t i = 0; i < std::min(nprobe, order.size()); ++i) scan(order[i], push);
  std::sort(hits.begin(), hits.end());
  if (limit > 0 && hits.size() > static_cast<size_t>(limit)) {
    hits.resize(static_cast<size_t>(limit));
  }
  for (const auto& [d, row] : hits) out->push_back({row, ScoreFromDistance(metric, d)});
}

}  // namespace elanus::index
