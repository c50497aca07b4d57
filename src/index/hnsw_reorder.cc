// HNSW node renumbering for memory locality. A search reads ~1,000 nodes of a small region of the
// vector space; when rows are stored in input order those nodes lie all over the node block, and
// each read is a DRAM (and, in a VM, often a page-walk) miss of its own. After a build the nodes
// are renumbered so that nodes close in the graph, hence in space, are close in memory. Search
// results and filter bitsets stay in input row numbers through ext_of_ / int_of_.
//
// The order is hierarchical, from the top layer down: on each layer l, a multi-source breadth-first
// search over the layer-l links from the nodes of the layer above (in their order) gives every node
// of layer l the upper node that reached it first (a graph Voronoi cell); nodes are then grouped by
// that owner, owners in their order, each cell in discovery order. Cells of layer 0 hold ~M nodes
// of one neighbourhood and neighbouring cells sit next to each other because their owners did.
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "index/hnsw_index.h"

namespace elanus::index {

std::vector<uint32_t> HnswIndex::LocalityOrder() const {
  const auto n = static_cast<size_t>(n_);
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> order;  // nodes of the layer above, in their final relative order
  if (entry_ < 0) return order;
  order.push_back(static_cast<uint32_t>(entry_));
  std::vector<uint32_t> owner(n, kNone);  // owner[id]: position of its cell's owner in `order`
  std::vector<int> seen_at(
      n, std::numeric_limits<int>::max());  // lowest layer whose search reached the node
  std::vector<uint32_t> queue, count;
  for (int l = max_level_; l >= 0; --l) {
    queue.assign(order.begin(), order.end());
    for (size_t p = 0; p < order.size(); ++p) {
      owner[order[p]] = static_cast<uint32_t>(p);
      seen_at[order[p]] = l;
    }
    for (size_t h = 0; h < queue.size(); ++h) {
      const uint32_t u = queue[h];
      const uint32_t* ll = Links(u, l);
      for (uint32_t j = 0; j < ll[0]; ++j) {
        const uint32_t v = ll[1 + j];
        if (seen_at[v] == l) continue;
        seen_at[v] = l;
        owner[v] = owner[u];
        queue.push_back(v);
      }
    }
    // Nodes of this layer no link path reaches (none after a repaired build) own themselves.
    uint32_t cells = static_cast<uint32_t>(order.size());
    for (size_t id = 0; id < n; ++id) {
      if (levels_[id] >= l && seen_at[id] != l) {
        seen_at[id] = l;
        owner[id] = cells++;
        queue.push_back(static_cast<uint32_t>(id));
      }
    }
    // Stable counting sort of the discovery sequence by owner.
    count.assign(cells + 1, 0);
    for (uint32_t v : queue) ++count[owner[v] + 1];
    for (uint32_t c = 0; c < cells; ++c) count[c + 1] += count[c];
    order.resize(queue.size());
    for (uint32_t v : queue) order[count[owner[v]]++] = v;
  }
  return order;
}

void HnswIndex::Renumber(const std::vector<uint32_t>& order) {
  const auto n = static_cast<size_t>(n_);
  std::vector<uint32_t> new_of(n);
  for (size_t p = 0; p < n; ++p) new_of[order[p]] = static_cast<uint32_t>(p);
  auto remap = [&](uint32_t* ll) {
    for (uint32_t j = 0; j < ll[0]; ++j) ll[1 + j] = new_of[ll[1 + j]];
  };
  std::unique_ptr<std::byte[], AlignedFree> data(
      AllocateNodeBlock(static_cast<size_t>(capacity_) * node_bytes_));
  std::unique_ptr<std::byte[], AlignedFree> raw;
  if (params_.sq8) raw.reset(AllocateNodeBlock(static_cast<size_t>(capacity_) * raw_stride_));
  std::vector<std::unique_ptr<uint32_t[]>> upper(upper_.size());
  std::vector<int8_t> levels(levels_.size(), 0);
  std::vector<uint32_t> ext(n);
  for (size_t p = 0; p < n; ++p) {
    const uint32_t old = order[p];
    std::byte* node = data.get() + p * node_bytes_;
    std::memcpy(node, data0_.get() + static_cast<size_t>(old) * node_bytes_, node_bytes_);
    remap(reinterpret_cast<uint32_t*>(node));
    if (raw) {
      std::memcpy(raw.get() + p * raw_stride_, raw_.get() + static_cast<size_t>(old) * raw_stride_,
                  raw_stride_);
    }
    levels[p] = levels_[old];
    upper[p] = std::move(upper_[old]);
    for (int l = 1; l <= levels[p]; ++l)
      remap(upper[p].get() + static_cast<size_t>(l - 1) * (m_ + 1));
    ext[p] = ext_of_.empty() ? old : ext_of_[old];
  }
  data0_ = std::move(data);
  if (raw) raw_ = std::move(raw);
  upper_ = std::move(upper);
  levels_ = std::move(levels);
  entry_ = new_of[static_cast<size_t>(entry_)];
  SetRowNumbers(std::move(ext));
}

void HnswIndex::SetRowNumbers(std::vector<uint32_t> ext_of) {
  ext_of_ = std::move(ext_of);
  int_of_.assign(ext_of_.size(), 0);
  for (size_t p = 0; p < ext_of_.size(); ++p) int_of_[ext_of_[p]] = static_cast<uint32_t>(p);
}

}  // namespace elanus::index
