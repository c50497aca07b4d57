// HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
// Hierarchical Navigable Small World graphs"): a multi-layer proximity graph.
//
// Supported: FLOAT / FLOAT16 / BFLOAT16 / INT8 vectors with L2, IP and COSINE. Rows are stored as
// float32, or for L2 in the narrowest exact format that holds them (row_type_). COSINE vectors are
// unit-normalized at insertion and walked by -q.x (a zero vector stays zero: similarity 0).
//
// L2 distances during the walk stop early (simd::L2SqrBounded): a candidate whose partial distance
// already exceeds the worst of the current beam is rejected without reading the rest of its
// vector. To make that happen early, the stored components are permuted so that the ones with the
// largest variance over the first batch of rows come first (an orthogonal transform: distances
// are unchanged); queries are permuted the same way.
//
// Build parameters (Milvus names): M in [2, 2048] (default 30), efConstruction in [1, 2^31)
// (default 360). Search: ef >= k (default k; values below k are rejected).
//
// Layout: layer 0 is one contiguous block per node, [u32 count | u32 links[2M] | pad | row[dim]
// (row_type_)], 64-byte aligned, so expanding a node touches its links and neighbours' vectors
// only. Upper layers (few nodes) hold M links per level in a separate array per node. Large arrays
// are allocated on transparent huge pages (madvise), which removes most TLB misses of the walk.
//
// Search: greedy descent on the layers above 1; layer 1 is searched with a beam of ef / 8 (greedy
// when that is below 2) whose nodes all seed the layer-0 beam search (hnsw_search.cc).
//
// Filtered search (`allowed`): the filter's selectivity is counted first. Below ~3% allowed rows
// (or when at most ef rows are allowed) the allowed rows are scanned exactly. Above that the
// traversal walks all nodes and keeps only allowed ones as results, until it holds ef of them
// (measured better than an ACORN-style two-hop mode, see hnsw_search.cc). If a traversal ends
// with fewer than k results while k rows are allowed, the allowed rows are scanned exactly.
#pragma once

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "index/sq8_quantizer.h"
#include "index/vector_index.h"
#include "index/visited_list.h"
#include "simd/distance.h"

namespace elanus::index {

struct HnswParams {
  int64_t m = 30;
  int64_t ef_construction = 360;
  uint64_t seed = 0x5eed;  // level generation; fixed so builds are reproducible
  // HNSW_SQ: search walks the graph on SQ8 codes (sq8_quantizer.h) instead of float32 vectors.
  bool sq8 = false;
  // HNSW_SQ: re-rank the candidates with the float32 vectors (exact scores). Without it scores
  // are the SQ8 estimates.
  bool refine = true;
  // HNSW_SQ: code of the layer-0 payload the search walks on: SQ8 (int8 codes), FP16 or BF16
  // (half-precision copies of the vectors, scored against the float32 query).
  enum class SqType : uint8_t { kSq8 = 0, kFp16 = 1, kBf16 = 2 };
  SqType sq_type = SqType::kSq8;
  // HNSW: store rows in a narrower exact format when every value fits (see row_type_). Not a
  // Milvus parameter; tests turn it off to compare with float32 storage.
  bool narrow_rows = true;
  // HNSW/HNSW_SQ: search layer 1 with a beam of ef / 8 and seed layer 0 with it (hnsw_search.cc);
  // false: one greedy entry point, as in the original algorithm. Not a Milvus parameter and not
  // stored in the image; tests turn it off to compare.
  bool upper_beam = true;
  // HNSW/HNSW_SQ: after a build, renumber the nodes so that graph neighbours are memory neighbours
  // (hnsw_reorder.cc). Not a Milvus parameter; the image records the order, not this flag.
  bool reorder = true;

  // Parses "M" and "efConstruction" (Milvus names); unknown keys are ignored.
  static Result<HnswParams> Parse(const ParamMap& params);
  // HNSW_SQ: also "sq_type" (SQ8 default, FP16, BF16; SQ6/SQ4U rejected), "refine" (true/false,
  // default true) and "refine_type" (accepted; refinement always uses the float32 vectors).
  static Result<HnswParams> ParseSq(const ParamMap& params);
};

// HNSW_SQ (HnswParams::sq8): the same graph, built with float32 distances; layer-0 blocks hold
// int8 codes instead of vectors and the float32 vectors live in a separate array used for the
// build, exact fallbacks and re-ranking. The search walks the graph on codes (4x less memory
// traffic, integer kernels) with a candidate list of max(ef, refine_k * k), then re-ranks it with
// float32 distances. Search parameter refine_k >= 1 (default 1).
class HnswIndex final : public VectorIndex {
 public:
  static constexpr std::string_view kTypeName = "HNSW";
  static constexpr std::string_view kSqTypeName = "HNSW_SQ";
  // `spec` must be valid and float-like (use Create for unchecked input).
  HnswIndex(const IndexSpec& spec, const HnswParams& params);
  ~HnswIndex() override;
  static Result<std::unique_ptr<HnswIndex>> Create(const IndexSpec& spec, const HnswParams& params);

  std::string_view TypeName() const override { return params_.sq8 ? kSqTypeName : kTypeName; }
  const IndexSpec& spec() const override { return spec_; }
  const HnswParams& params() const { return params_; }
  Status Build(const void* vectors, int64_t n, ThreadPool* pool) override;
  Status Add(const void* vectors, int64_t n, ThreadPool* pool) override;
  int64_t Size() const override { return n_; }
  int64_t IndexedRows() const override { return indexed_.load(std::memory_order_relaxed); }
  Result<SearchParams> ParseSearchParams(const ParamMap& params, int64_t k) const override;
  Status Search(const void* query, int64_t k, const Bitset* allowed, const SearchParams& params,
                std::vector<Neighbor>* out) const override;
  Status RangeSearch(const void* query, float radius, std::optional<float> range_filter,
                     int64_t limit, const Bitset* allowed, const SearchParams& params,
                     std::vector<Neighbor>* out) const override;
  Status Serialize(std::string* out) const override;
  Status Load(std::string_view data) override;
  size_t MemoryBytes() const override;

  // For tests: the level of each node and the layer-0 out-degree (node numbers, which differ from
  // row numbers after a renumbering; see RowOfNode).
  int MaxLevel() const { return max_level_; }
  size_t Degree0(int64_t row) const { return Links0(static_cast<uint32_t>(row))[0]; }
  uint32_t Neighbor0(int64_t node, size_t j) const {
    return Links0(static_cast<uint32_t>(node))[1 + j];
  }
  // Format the rows are stored in (see row_type_); float32 for HNSW_SQ's raw vectors.
  simd::RowType StoredRowType() const { return RowTypeOfRows(); }
  // Rows that no layer-0 path from the entry point reaches, so that no search can return them
  // (hnsw_repair.cc; a full pass over the links).
  int64_t UnreachableRows() const;
  int Level(int64_t row) const { return levels_[static_cast<size_t>(row)]; }
  // The input row number of node `id`, and the node of input row `row`.
  uint32_t RowOfNode(uint32_t id) const { return ext_of_.empty() ? id : ext_of_[id]; }
  uint32_t NodeOfRow(uint32_t row) const { return int_of_.empty() ? row : int_of_[row]; }
  // The order in which Add inserts rows [first, first + n): by level, highest first, each level
  // shuffled with a generator seeded by params_.seed (reproducible).
  std::vector<uint32_t> InsertionOrder(int64_t first, int64_t n) const;

 private:
  struct Cand {
    float d;
    uint32_t id;
    bool operator<(const Cand& o) const { return d < o.d || (d == o.d && id < o.id); }
  };
  enum class FilterMode { kNone, kPostFilter };
  struct QueryCtx {
    const float* f;      // float32 query (normalized for COSINE)
    const int8_t* code;  // SQ8 code of the query (sq8 only)
    float ip_const;      // sq8 IP: |offset|^2 + step * offset . code
  };

  // ---- storage (hnsw_index.cc) ----
  void Configure(const IndexSpec& spec, const HnswParams& params);
  void Clear();
  void Reserve(int64_t rows);
  uint32_t* Links0(uint32_t id) const {
    return reinterpret_cast<uint32_t*>(data0_.get() + static_cast<size_t>(id) * node_bytes_);
  }
  // Layer-0 payload: the float32 vector (HNSW) or the int8 code (HNSW_SQ).
  const std::byte* Payload(uint32_t id) const {
    return data0_.get() + static_cast<size_t>(id) * node_bytes_ + vec_offset_;
  }
  // The stored row of a node: its layer-0 payload in row_type_ (HNSW), or its float32 vector in
  // raw_ (HNSW_SQ, whose payload holds codes).
  const void* Row(uint32_t id) const {
    return params_.sq8
               ? static_cast<const void*>(raw_.get() + static_cast<size_t>(id) * raw_stride_)
               : static_cast<const void*>(Payload(id));
  }
  simd::RowType RowTypeOfRows() const { return params_.sq8 ? simd::RowType::kF32 : row_type_; }
  float* RawVec(uint32_t id) const {  // sq8 only
    return reinterpret_cast<float*>(raw_.get() + static_cast<size_t>(id) * raw_stride_);
  }
  // The row as float32: a pointer into the index when rows are float32, else decoded into
  // buf[dim_].
  const float* RowFloat(uint32_t id, float* buf) const;
  // Neighbour payloads kept in flight ahead of the distance computations (4, 8 and 16 measured
  // alike on fashion-mnist searches).
  static constexpr uint32_t kPrefetchAhead = 8;
  // Prefetches a node's layer-0 payload (its first payload_prefetch_bytes_) into L2, not L1
  // (prefetcht1): on Zen 4, fashion-mnist, uint8 rows, ef=20, prefetcht0 ran at 0.83x the QPS of
  // prefetcht1 (float32 rows: 0.96x), as L1 fill buffers are few and the lines of several nodes
  // are in flight at once.
  void PrefetchPayload(uint32_t id) const {
    const auto* p = reinterpret_cast<const char*>(Payload(id));
    for (size_t off = 0; off < payload_prefetch_bytes_; off += 64)
      __builtin_prefetch(p + off, 0, 2);
  }
  const int8_t* Code(uint32_t id) const { return reinterpret_cast<const int8_t*>(Payload(id)); }
  const uint16_t* Half(uint32_t id) const { return reinterpret_cast<const uint16_t*>(Payload(id)); }
  // sq8: offset . code of the node, stored after its layer-0 links.
  float& Corr(uint32_t id) const { return *reinterpret_cast<float*>(Links0(id) + 1 + m0_); }
  void EncodeNode(uint32_t id);
  uint32_t* Links(uint32_t id, int level) const {
    return level == 0 ? Links0(id) : upper_[id].get() + static_cast<size_t>(level - 1) * (m_ + 1);
  }
  size_t MaxDegree(int level) const { return level == 0 ? m0_ : m_; }
  // Internal distance from a float32 query q[dim_] (stored component order) to row `id`: L2
  // squared (L2; IP on extended vectors), or -q.x (COSINE, unit vectors). Exact when < bound;
  // otherwise some value >= bound (L2 early termination; COSINE is always exact). NaN -> +inf.
  float DistQ(const float* q, uint32_t id,
              float bound = std::numeric_limits<float>::infinity()) const {
    return DistRow(q, Row(id), RowTypeOfRows(), bound);
  }
  // DistQ of four rows at once into out[4] (the same values, bit for bit, as four DistQ calls).
  void DistQ4(const float* q, const uint32_t* ids, float bound, float* out) const {
    const void* rows[4] = {Row(ids[0]), Row(ids[1]), Row(ids[2]), Row(ids[3])};
    DistRows4(q, rows, RowTypeOfRows(), bound, out);
  }
  // The metric of DistQ on a given row (of type t): shared by the float rows (DistQ) and the
  // FP16/BF16 codes of HNSW_SQ (QDistHalf).
  float DistRow(const float* q, const void* row, simd::RowType t, float bound) const;
  void DistRows4(const float* q, const void* const rows[4], simd::RowType t, float bound,
                 float* out) const;
  // The stored component order (perm_) applied to a float32 row of spec dim, in place.
  void Permute(float* row) const;
  int RandomLevel(uint64_t id) const;
  // Converts, permutes and stores rows [first, first + n) (reserving room); the first batch also
  // fixes perm_, row_type_ and max_norm2_ (ChooseLayout).
  void StoreRows(const void* vectors, int64_t first, int64_t n);
  void ChooseLayout(const void* vectors, int64_t n);
  // Re-stores every row as float32 (a later row does not fit the narrower row_type_).
  void WidenRowsToF32();

  // Beam-search steps shared by the build and the searches. PushFrontier adds c to the frontier
  // (min-heap); PushResult adds it to result (max-heap), keeping the best ef.
  static void PushFrontier(Cand c, std::vector<Cand>* frontier) {
    frontier->push_back(c);
    std::push_heap(frontier->begin(), frontier->end(),
                   [](const Cand& a, const Cand& b) { return b < a; });
  }
  static void PushResult(Cand c, size_t ef, std::vector<Cand>* result) {
    result->push_back(c);
    std::push_heap(result->begin(), result->end());
    if (result->size() > ef) {
      std::pop_heap(result->begin(), result->end());
      result->pop_back();
    }
  }
  static void PushCandidate(Cand c, size_t ef, std::vector<Cand>* frontier,
                            std::vector<Cand>* result) {
    PushFrontier(c, frontier);
    PushResult(c, ef, result);
  }
  // The shared first half of ForEachUnvisited(4): marks the unvisited ids among ids[0, cnt), copies
  // them to todo (in order), starts the payload prefetch of the first kPrefetchAhead; returns their
  // count.
  uint32_t CollectUnvisited(const uint32_t* ids, uint32_t cnt, VisitedList* visited,
                            uint32_t* todo) const {
    for (uint32_t i = 0; i < cnt; ++i) __builtin_prefetch(visited->MarkPtr(ids[i]), 0, 3);
    uint32_t m = 0;
    for (uint32_t i = 0; i < cnt; ++i) {
      if (!visited->TestAndMark(ids[i])) todo[m++] = ids[i];
    }
    for (uint32_t j = 0; j < std::min(m, kPrefetchAhead); ++j) PrefetchPayload(todo[j]);
    return m;
  }
  // Marks the unvisited ids among ids[0, cnt) and calls fn(id) for each, in order, while the
  // payloads of the next kPrefetchAhead are in flight (memory-level parallelism: a node's payload
  // is usually a DRAM miss). cnt <= 4096. The build's beam search (SearchLayerForBuild) uses
  // ForEachUnvisited4: prefetch alone there was within the noise (text 100k x 384, 2 threads,
  // 3 builds each: medians 37.1 vs 38.1 s), prefetch with four-row distances built fashion-mnist
  // in 0.90x the time (bench/results/2026-12-04-ab-rows4.md).
  template <class Fn>
  void ForEachUnvisited(const uint32_t* ids, uint32_t cnt, VisitedList* visited, Fn&& fn) const {
    uint32_t todo[4096];
    const uint32_t m = CollectUnvisited(ids, cnt, visited, todo);
    for (uint32_t j = 0; j < m; ++j) {
      if (j + kPrefetchAhead < m) PrefetchPayload(todo[j + kPrefetchAhead]);
      fn(todo[j]);
    }
  }
  // ForEachUnvisited by fours: fn4(ids) for each full group of four unvisited neighbours, then
  // fn(id) for the rest.
  template <typename Fn4, typename Fn>
  void ForEachUnvisited4(const uint32_t* ids, uint32_t cnt, VisitedList* visited, Fn4&& fn4,
                         Fn&& fn) const {
    uint32_t todo[4096];
    const uint32_t m = CollectUnvisited(ids, cnt, visited, todo);
    uint32_t j = 0;
    for (; j + 4 <= m; j += 4) {
      for (uint32_t p = j + kPrefetchAhead; p < std::min(m, j + kPrefetchAhead + 4); ++p)
        PrefetchPayload(todo[p]);
      fn4(todo + j);
    }
    for (; j < m; ++j) fn(todo[j]);
  }

  // ---- construction (hnsw_build.cc) ----
  struct BuildScratch {  // per building thread: decoded rows, dim_ floats each
    std::vector<float> q, cand, from;
  };
  void Insert(uint32_t id, VisitedList* visited, BuildScratch* scratch);
  // Beam search on `level` that locks each node while copying its links (build time).
  void SearchLayerForBuild(const float* q, Cand ep, size_t ef, int level, VisitedList* visited,
                           std::vector<Cand>* result) const;
  // Heuristic neighbour selection: `cands` sorted ascending; keeps at most m, in place.
  // buf: dim_ floats of scratch.
  void SelectNeighbors(std::vector<Cand>* cands, size_t m, float* buf) const;
  void Connect(uint32_t from, uint32_t to, int level, BuildScratch* scratch);
  // ---- reachability repair (hnsw_repair.cc) ----
  // Links every layer-0 node no path from the entry point reaches from a reached node near it;
  // returns the number of rows still unreachable afterwards (0 unless every candidate failed).
  int64_t RepairReachability(VisitedList* visited, BuildScratch* scratch);
  static constexpr int kRepairPasses = 3;  // a pass can strand a few nodes; the next relinks them
  // Adds the link from -> to on layer 0; when `from` is full, replaces its farthest link whose
  // target has another in-link (indeg counts them). False when no link could be replaced.
  bool LinkBack(uint32_t from, uint32_t to, std::vector<uint32_t>* indeg, float* buf);
  // Whether node `id`'s own links on `level` are written (always, outside a parallel Add).
  bool ReadyAt(uint32_t id, int level) const {
    return ready_ == nullptr || ready_[id].load(std::memory_order_acquire) <= level;
  }

  // ---- memory order (hnsw_reorder.cc) ----
  // Every node, in an order that keeps graph neighbourhoods together (position -> node).
  std::vector<uint32_t> LocalityOrder() const;
  // Moves node order[p] to position p (links, rows, levels, entry point, ext_of_/int_of_).
  void Renumber(const std::vector<uint32_t>& order);
  // ext_of_ = ext_of (a permutation of the node numbers) and int_of_ its inverse.
  void SetRowNumbers(std::vector<uint32_t> ext_of);

  // ---- search (hnsw_search.cc) ----
  std::unique_ptr<VisitedList> AcquireVisited() const;
  void ReleaseVisited(std::unique_ptr<VisitedList> v) const;
  template <bool kSq>
  float QDist(const QueryCtx& q, uint32_t id) const;
  // QDist that may stop early at `bound` (float walk only; the SQ walks compute in full).
  template <bool kSq>
  float QDistBounded(const QueryCtx& q, uint32_t id, float bound) const;
  // HNSW_SQ with SQ8 codes: QDist<true> of four nodes at once (bit-identical to four calls).
  void QDistSq8x4(const QueryCtx& q, const uint32_t* ids, float* out) const;
  // FP16/BF16 codes: the float32 query against the half-precision row of `id` (QDist<true>), and
  // of four rows at once (the same values, bit for bit).
  float QDistHalf(const float* q, uint32_t id) const {
    return DistRow(q, Half(id), HalfRowType(), std::numeric_limits<float>::infinity());
  }
  void QDistHalf4(const float* q, const uint32_t* ids, float* out) const {
    const void* rows[4] = {Half(ids[0]), Half(ids[1]), Half(ids[2]), Half(ids[3])};
    DistRows4(q, rows, HalfRowType(), std::numeric_limits<float>::infinity(), out);
  }
  simd::RowType HalfRowType() const {
    return params_.sq_type == HnswParams::SqType::kFp16 ? simd::RowType::kF16
                                                        : simd::RowType::kBF16;
  }
  template <bool kSq>
  Cand GreedyUpperLayers(const QueryCtx& q, int lowest) const;
  template <bool kSq>
  void SearchUpperLayer(const QueryCtx& q, Cand ep, size_t ef, int level, VisitedList* visited,
                        std::vector<Cand>* result) const;
  template <FilterMode kMode, bool kSq>
  void SearchLayer0(const QueryCtx& q, const std::vector<Cand>& seeds, size_t ef,
                    const Bitset* allowed, VisitedList* visited, std::vector<Cand>* result) const;
  template <bool kSq>
  void Traverse(const QueryCtx& q, FilterMode mode, size_t ef, const Bitset* allowed,
                std::vector<Cand>* result) const;
  // IP and COSINE: replaces internal (L2-form) distances by exact -IP and re-sorts.
  void FinishScores(const float* q, std::vector<Cand>* result) const;
  void SearchInternalRaw(const float* q, size_t k, size_t ef, const Bitset* allowed,
                         std::vector<Cand>* result) const;
  // Best `ef` allowed rows (approximate), ascending. Falls back to an exact scan when needed.
  void SearchInternal(const float* q, size_t k, size_t ef, const Bitset* allowed,
                      std::vector<Cand>* result) const;
  void ExactScan(const float* q, size_t k, const Bitset* allowed, std::vector<Cand>* result) const;

  IndexSpec spec_;
  HnswParams params_;
  size_t dim_;  // stored floats per vector: spec dim, + 1 for IP (see ip_as_l2_)
  // IP is searched as L2 on vectors extended by sqrt(max_norm2_ - |x|^2) (queries by 0), which
  // ranks rows exactly as IP does but gives the graph a true metric; without it IP graphs are
  // dominated by large-norm hubs and filtered search loses recall. Rows added later with a larger
  // norm get 0 and are slightly under-ranked. Reported scores are exact dot products.
  bool ip_as_l2_;
  float max_norm2_ = 0;  // set by the first Build/Add
  // Stored component j of a row is input component perm_[j] (j < spec dim; an IP extension
  // coordinate stays last). Empty: identity (images written before the permutation existed).
  std::vector<uint32_t> perm_;
  // Format of the stored rows (HNSW; HNSW_SQ keeps float32 in raw_): the narrowest of uint8,
  // int8, float16, bfloat16 that holds every component of the first batch exactly (L2 only;
  // HnswParams::narrow_rows), else float32. Distances are computed on the exactly widened values,
  // so results equal float32 storage while a row takes 1/4 or 1/2 of the memory traffic.
  simd::RowType row_type_ = simd::RowType::kF32;
  size_t m_;   // max links per node on layers >= 1
  size_t m0_;  // max links per node on layer 0 (2M)
  double level_mult_;
  size_t vec_offset_;  // bytes from a node block's start to its vector
  size_t node_bytes_;  // layer-0 block size, multiple of 64
  size_t raw_stride_;  // sq8: bytes per float32 vector in raw_
  size_t payload_prefetch_bytes_;

  struct AlignedFree {
    void operator()(std::byte* p) const;
  };
  // A node block of `bytes`, on transparent huge pages when large (hnsw_index.cc).
  static std::byte* AllocateNodeBlock(size_t bytes);
  std::unique_ptr<std::byte[], AlignedFree> data0_;  // [capacity_][node_bytes_]
  std::unique_ptr<std::byte[], AlignedFree> raw_;    // sq8: [capacity_][raw_stride_]
  Sq8Quantizer quant_;                               // sq8: trained by the first Build/Add
  bool quant_trained_ = false;
  std::vector<std::unique_ptr<uint32_t[]>> upper_;  // per node: level * (1 + M) u32
  std::vector<int8_t> levels_;
  // After Renumber: the input row number of each node and the node of each input row (inverse
  // permutations). Empty: nodes are numbered as the input rows.
  std::vector<uint32_t> ext_of_, int_of_;
  std::unique_ptr<std::mutex[]> node_locks_;  // [capacity_], guard a node's links during build
  // During a parallel Add, [n_]: the lowest layer whose links the node has written (its level + 1
  // before its insertion starts; 0 for nodes present before the Add). Null otherwise.
  std::unique_ptr<std::atomic<int8_t>[]> ready_;
  int64_t capacity_ = 0;
  int64_t n_ = 0;
  std::atomic<int64_t> indexed_{0};

  std::mutex entry_mu_;  // guards entry_ and max_level_ during parallel build
  int64_t entry_ = -1;
  int max_level_ = -1;

  mutable std::mutex visited_mu_;
  mutable std::vector<std::unique_ptr<VisitedList>> visited_pool_;  // guarded by visited_mu_
};

}  // namespace elanus::index
