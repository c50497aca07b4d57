// HNSW construction: insertion with greedy descent, beam search per layer, heuristic neighbour
// selection and reverse links. Builds may run on several threads: each node's links are guarded
// by its lock in node_locks_, the entry point by entry_mu_, and a node becomes an entry point for
// a lower layer only once its own links there are written (ready_, see ReadyAt).
#include <algorithm>
#include <cstring>
#include <limits>

#include "index/hnsw_index.h"

namespace elanus::index {

void HnswIndex::Insert(uint32_t id, VisitedList* visited, BuildScratch* scratch) {
  const int level = levels_[id];
  std::unique_lock<std::mutex> entry_lock(entry_mu_);
  const int top = max_level_;
  const auto ep_id = static_cast<uint32_t>(entry_);
  // Only an insert that raises the top level keeps the entry lock for its whole duration.
  if (level <= top) entry_lock.unlock();

  const float* q = RowFloat(id, scratch->q.data());
  Cand ep{DistQ(q, ep_id), ep_id};
  std::vector<uint32_t> links;
  links.reserve(m0_ + 1);
  for (int l = top; l > level; --l) {  // greedy descent on the layers above the node's own
    for (bool changed = true; changed;) {
      changed = false;
      {
        std::lock_guard<std::mutex> g(node_locks_[ep.id]);
        const uint32_t* ll = Links(ep.id, l);
        links.assign(ll + 1, ll + 1 + ll[0]);
      }
      for (uint32_t nb : links) {
        if (!ReadyAt(nb, l - 1)) continue;  // could not enter layer l - 1 from it
        const float d = DistQ(q, nb, ep.d);
        if (d < ep.d) {
          ep = {d, nb};
          changed = true;
        }
      }
    }
  }
  std::vector<Cand> found;
  for (int l = std::min(level, top); l >= 0; --l) {
    SearchLayerForBuild(q, ep, static_cast<size_t>(params_.ef_construction), l, visited, &found);
    std::erase_if(found, [id](const Cand& c) { return c.id == id; });
    if (found.empty()) continue;  // cannot happen: the entry point is never `id`
    std::sort(found.begin(), found.end());
    // The next layer's search starts from the closest node whose links there are written: a node
    // still being inserted on another thread would leave that search (and this node) stranded.
    Cand next{0, ep_id};  // fallback: the entry point, inserted completely
    bool have_next = false;
    if (l > 0) {
      for (const Cand& c : found) {
        if (ReadyAt(c.id, l - 1)) {
          next = c;
          have_next = true;
          break;
        }
      }
      if (!have_next) next.d = DistQ(q, ep_id);
    }
    SelectNeighbors(&found, m_, scratch->cand.data());
    {
      std::lock_guard<std::mutex> g(node_locks_[id]);
      uint32_t* own = Links(id, l);
      own[0] = static_cast<uint32_t>(found.size());
      for (size_t i = 0; i < found.size(); ++i) own[1 + i] = found[i].id;
    }
    if (ready_ != nullptr) ready_[id].store(static_cast<int8_t>(l), std::memory_order_release);
    for (const Cand& c : found) Connect(c.id, id, l, scratch);
    ep = next;
  }
  if (level > top) {
    entry_ = id;
    max_level_ = level;
  }
}

void HnswIndex::Connect(uint32_t from, uint32_t to, int level, BuildScratch* scratch) {
  std::lock_guard<std::mutex> g(node_locks_[from]);
  uint32_t* ll = Links(from, level);
  const size_t max_degree = MaxDegree(level);
  const uint32_t cnt = ll[0];
  for (uint32_t i = 0; i < cnt; ++i) {
    if (ll[1 + i] == to) return;
  }
  if (cnt < max_degree) {
    ll[1 + cnt] = to;
    ll[0] = cnt + 1;
    return;
  }
  // Full: re-select among the current links plus the new one with the heuristic.
  const float* v = RowFloat(from, scratch->from.data());
  std::vector<Cand> cands;
  cands.reserve(cnt + 1);
  cands.push_back({DistQ(v, to), to});
  for (uint32_t i = 0; i < cnt; ++i) cands.push_back({DistQ(v, ll[1 + i]), ll[1 + i]});
  std::sort(cands.begin(), cands.end());
  SelectNeighbors(&cands, max_degree, scratch->cand.data());
  ll[0] = static_cast<uint32_t>(cands.size());
  for (size_t i = 0; i < cands.size(); ++i) ll[1 + i] = cands[i].id;
}

void HnswIndex::SelectNeighbors(std::vector<Cand>* cands, size_t m, float* buf) const {
  if (cands->size() <= m) return;
  size_t kept = 0;
  for (size_t i = 0; i < cands->size() && kept < m; ++i) {
    const Cand c = (*cands)[i];
    const float* cv = RowFloat(c.id, buf);
    bool diverse = true;
    for (size_t j = 0; j < kept; ++j) {
      // Drop c if an already kept neighbour is closer to it than the base node is.
      if (DistQ(cv, (*cands)[j].id, c.d) < c.d) {
        diverse = false;
        break;
      }
    }
    if (diverse) (*cands)[kept++] = c;
  }
  cands->resize(kept);
}

void HnswIndex::SearchLayerForBuild(const float* q, Cand ep, size_t ef, int level,
                                    VisitedList* visited, std::vector<Cand>* result) const {
  visited->Reset(static_cast<size_t>(n_));
  visited->Mark(ep.id);
  std::vector<Cand> frontier{ep};  // min-heap via greater
  result->assign(1, ep);           // max-heap
  auto greater = [](const Cand& a, const Cand& b) { return b < a; };
  uint32_t links[4097];
  while (!frontier.empty()) {
    const Cand c = frontier.front();
    if (c.d > result->front().d && result->size() >= ef) break;
    std::pop_heap(frontier.begin(), frontier.end(), greater);
    frontier.pop_back();
    uint32_t cnt;
    {
      std::lock_guard<std::mutex> g(node_locks_[c.id]);
      const uint32_t* ll = Links(c.id, level);
      cnt = ll[0];
      std::memcpy(links, ll + 1, cnt * sizeof(uint32_t));
    }
    auto bound = [&] {
      return result->size() < ef ? std::numeric_limits<float>::infinity() : result->front().d;
    };
    auto push = [&](uint32_t nb, float d) {
      if (d < bound()) PushCandidate({d, nb}, ef, &frontier, result);
    };
    ForEachUnvisited4(
        links, cnt, visited,
        [&](const uint32_t* ids) {
          float d[4];
          DistQ4(q, ids, bound(), d);
          for (int r = 0; r < 4; ++r) push(ids[r], d[r]);
        },
        [&](uint32_t nb) { push(nb, DistQ(q, nb, bound())); });
  }
}

}  // namespace elanus::index
