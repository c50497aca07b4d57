// HNSW reachability repair. The neighbour heuristic prunes links, so a few layer-0 nodes (often in
// tight clusters or among near-duplicates) can end up with no in-link from the part of the graph
// the entry point reaches; no search can return them, at any ef. After a build, each such node gets
// a link from the closest reached node among its own links (or, for an island, among the nodes a
// beam search for it finds), and whatever it reaches in turn is marked reached.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

#include "index/hnsw_index.h"

namespace elanus::index {
namespace {

// Marks every node reachable from `start` along links_of(id) (layer 0); returns how many were new.
template <class LinksOf>
size_t Flood(uint32_t start, LinksOf links_of, std::vector<uint8_t>* reached) {
  if ((*reached)[start] != 0) return 0;
  (*reached)[start] = 1;
  std::vector<uint32_t> stack{start};
  size_t count = 1;
  while (!stack.empty()) {
    const uint32_t* ll = links_of(stack.back());
    stack.pop_back();
    for (uint32_t j = 0; j < ll[0]; ++j) {
      const uint32_t nb = ll[1 + j];
      if ((*reached)[nb] != 0) continue;
      (*reached)[nb] = 1;
      ++count;
      stack.push_back(nb);
    }
  }
  return count;
}

}  // namespace

int64_t HnswIndex::UnreachableRows() const {
  if (entry_ < 0) return n_;
  std::vector<uint8_t> reached(static_cast<size_t>(n_), 0);
  const size_t count = Flood(
      static_cast<uint32_t>(entry_), [this](uint32_t id) -> const uint32_t* { return Links0(id); },
      &reached);
  return n_ - static_cast<int64_t>(count);
}

int64_t HnswIndex::RepairReachability(VisitedList* visited, BuildScratch* scratch) {
  if (entry_ < 0) return 0;
  const auto n = static_cast<size_t>(n_);
  const auto entry = static_cast<uint32_t>(entry_);
  auto links_of = [this](uint32_t id) -> const uint32_t* { return Links0(id); };
  std::vector<uint8_t> reached(n, 0);
  size_t count = Flood(entry, links_of, &reached);
  if (count == n) return 0;
  std::vector<uint32_t> indeg(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t* ll = Links0(static_cast<uint32_t>(i));
    for (uint32_t j = 0; j < ll[0]; ++j) ++indeg[ll[1 + j]];
  }
  std::vector<Cand> cands;
  for (uint32_t u = 0; u < n && count < n; ++u) {
    if (reached[u] != 0) continue;
    const float* v = RowFloat(u, scratch->q.data());
    cands.clear();
    const uint32_t* ul = Links0(u);
    for (uint32_t j = 0; j < ul[0]; ++j) {
      if (reached[ul[1 + j]] != 0) cands.push_back({DistQ(v, ul[1 + j]), ul[1 + j]});
    }
    if (cands.empty()) {  // every node the search visits is reached (it starts at the entry)
      SearchLayerForBuild(v, {DistQ(v, entry), entry}, static_cast<size_t>(params_.ef_construction),
                          0, visited, &cands);
    }
    std::sort(cands.begin(), cands.end());
    for (const Cand& c : cands) {
      if (LinkBack(c.id, u, &indeg, scratch->from.data())) {
        count += Flood(u, links_of, &reached);
        break;
      }
    }
  }
  // A replaced link can strand the node it pointed to when its other in-links come from nodes
  // reached only through it; count again rather than trust `count`.
  return UnreachableRows();
}

bool HnswIndex::LinkBack(uint32_t from, uint32_t to, std::vector<uint32_t>* indeg, float* buf) {
  std::lock_guard<std::mutex> g(node_locks_[from]);
  uint32_t* ll = Links0(from);
  const uint32_t cnt = ll[0];
  if (cnt < m0_) {
    ll[1 + cnt] = to;
    ll[0] = cnt + 1;
    ++(*indeg)[to];
    return true;
  }
  const float* fv = RowFloat(from, buf);
  int worst = -1;
  float worst_d = -std::numeric_limits<float>::infinity();
  for (uint32_t j = 0; j < cnt; ++j) {
    if ((*indeg)[ll[1 + j]] < 2) continue;  // its only in-link: replacing it strands the target
    const float d = DistQ(fv, ll[1 + j]);
    if (d > worst_d) {
      worst_d = d;
      worst = static_cast<int>(j);
    }
  }
  if (worst < 0) return false;
  --(*indeg)[ll[1 + worst]];
  ll[1 + worst] = to;
  ++(*indeg)[to];
  return true;
}

}  // namespace elanus::index
