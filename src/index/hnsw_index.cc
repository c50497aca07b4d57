// HNSW: parameters, registration, storage, construction and persistence. Search is in
// hnsw_search.cc.
#include "index/hnsw_index.h"

#include <sys/mman.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "index/index_format.h"
#include "index/index_registry.h"
#include "index/index_util.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

constexpr int kMaxLevel = 63;
constexpr size_t kAlign = 64;

size_t RoundUp(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Allocates `bytes` (64-byte aligned). Large blocks are 2 MiB aligned and marked for transparent
// huge pages: a search touches one random node after another, and with 4 KiB pages nearly every
// node access is also a TLB miss (a nested page walk under virtualization), which costs about as
// much as the cache miss itself.
std::byte* AllocateBlock(size_t bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes < kHuge) {
    return static_cast<std::byte*>(std::aligned_alloc(kAlign, RoundUp(bytes, kAlign)));
  }
  const size_t size = RoundUp(bytes, kHuge);
  void* p = std::aligned_alloc(kHuge, size);
#ifdef MADV_HUGEPAGE
  if (p != nullptr) (void)madvise(p, size, MADV_HUGEPAGE);  // advisory; failure is harmless
#endif
  return static_cast<std::byte*>(p);
}

// Reads k u32 that must be a permutation of 0..k-1 (`what` names them in the errors).
Status ReadPermutation(ByteReader* r, size_t k, const std::string& what,
                       std::vector<uint32_t>* out) {
  if (!r->CanRead(k, sizeof(uint32_t))) {
    return Status::Corruption("HNSW image truncated in the " + what);
  }
  out->resize(k);
  ELANUS_RETURN_IF_ERROR(r->GetBytes(out->data(), k * sizeof(uint32_t), what.c_str()));
  std::vector<bool> seen(k, false);
  for (uint32_t v : *out) {
    if (v >= k || seen[v]) return Status::Corruption("HNSW image: invalid " + what);
    seen[v] = true;
  }
  return Status::OK();
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Result<std::unique_ptr<VectorIndex>> CreateHnsw(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(HnswParams p, HnswParams::Parse(params));
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<HnswIndex> index, HnswIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

Result<std::unique_ptr<VectorIndex>> CreateHnswSq(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(HnswParams p, HnswParams::ParseSq(params));
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<HnswIndex> index, HnswIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

}  // namespace

ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(HnswIndex::kTypeName), &CreateHnsw}));
ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(HnswIndex::kSqTypeName), &CreateHnswSq}));

Result<HnswParams> HnswParams::Parse(const ParamMap& params) {
  HnswParams p;
  ELANUS_ASSIGN_OR_RETURN(p.m, ParseIntParam(params, "M", 30, 2, 2048));
  ELANUS_ASSIGN_OR_RETURN(p.ef_construction, ParseIntParam(params, "efConstruction", 360, 1,
                                                           std::numeric_limits<int32_t>::max()));
  return p;
}

Result<HnswParams> HnswParams::ParseSq(const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(HnswParams p, Parse(params));
  p.sq8 = true;
  if (auto it = params.find("sq_type"); it != params.end()) {
    if (it->second == "FP16") {
      p.sq_type = SqType::kFp16;
    } else if (it->second == "BF16") {
      p.sq_type = SqType::kBf16;
    } else if (it->second != "SQ8") {
      return Status::InvalidArgument(
          "invalid index parameter sq_type=" + it->second +
          ": must be SQ8, FP16 or BF16 (SQ6 and SQ4U are not supported)");
    }
  }
  if (auto it = params.find("refine"); it != params.end()) {
    // Case-insensitive: SDKs send JSON true/false or Python's True/False.
    std::string v = it->second;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v != "true" && v != "false") {
      return Status::InvalidArgument("invalid index parameter refine=" + it->second +
                                     ": must be true or false");
    }
    p.refine = v == "true";
  }
  if (auto it = params.find("refine_type"); it != params.end()) {
    static const char* kTypes[] = {"SQ6", "SQ8", "FP16", "BF16", "FP32"};
    if (std::find(std::begin(kTypes), std::end(kTypes), it->second) == std::end(kTypes)) {
      return Status::InvalidArgument("invalid index parameter refine_type=" + it->second +
                                     ": must be one of SQ6, SQ8, FP16, BF16, FP32");
    }
  }
  return p;
}

void HnswIndex::AlignedFree::operator()(std::byte* p) const { std::free(p); }

std::byte* HnswIndex::AllocateNodeBlock(size_t bytes) { return AllocateBlock(bytes); }

HnswIndex::HnswIndex(const IndexSpec& spec, const HnswParams& params) { Configure(spec, params); }

void HnswIndex::Configure(const IndexSpec& spec, const HnswParams& params) {
  spec_ = spec;
  params_ = params;
  ip_as_l2_ = spec.metric == MetricType::kIP;
  dim_ = static_cast<size_t>(spec.dim) + (ip_as_l2_ ? 1 : 0);
  m_ = static_cast<size_t>(params.m);
  m0_ = 2 * m_;
  level_mult_ = 1.0 / std::log(static_cast<double>(params.m));
  // sq8: a float (Corr) follows the links; the payload is dim int8 codes instead of floats.
  vec_offset_ = RoundUp(sizeof(uint32_t) * (1 + m0_ + (params.sq8 ? 1 : 0)), kAlign);
  const size_t width = !params.sq8                                  ? simd::RowTypeBytes(row_type_)
                       : params.sq_type == HnswParams::SqType::kSq8 ? 1
                                                                    : sizeof(uint16_t);
  node_bytes_ = RoundUp(vec_offset_ + width * dim_, kAlign);
  raw_stride_ = params.sq8 ? RoundUp(sizeof(float) * dim_, kAlign) : 0;
  // Prefetching more than ~16 lines per node floods the miss buffers; the hardware prefetcher
  // streams the rest of a long float vector.
  payload_prefetch_bytes_ = std::min<size_t>(node_bytes_ - vec_offset_, 16 * 64);
}

HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::Create(const IndexSpec& spec,
                                                     const HnswParams& params) {
  ELANUS_RETURN_IF_ERROR(spec.Validate());
  if (!IsFloatLike(spec.data_type)) {
    return Status::InvalidArgument(std::string("index_type HNSW does not support ") +
                                   VectorTypeName(spec.data_type));
  }
  if (params.m < 2 || params.m > 2048) {
    return Status::InvalidArgument("invalid index parameter M=" + std::to_string(params.m) +
                                   ": must be an integer in [2, 2048]");
  }
  if (params.ef_construction < 1 || params.ef_construction > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidArgument(
        "invalid index parameter efConstruction=" + std::to_string(params.ef_construction) +
        ": must be an integer in [1, 2147483647]");
  }
  return std::make_unique<HnswIndex>(spec, params);
}

float HnswIndex::DistRow(const float* q, const void* row, simd::RowType t, float bound) const {
  float d;
  if (spec_.metric == MetricType::kCosine) {
    // Unit rows: -q.x, without early termination. The bounded form |q - x|^2 / 2 - 1 (equal on
    // unit vectors) ran at 0.92x the QPS of the dot product on 100k x 384 text embeddings, whose
    // components have similar variance, so the partial sums rarely exceed the bound early (ef 40
    // and 64, the two kernels alternating every 20 distinct queries in one process).
    d = -simd::InnerProductRow(q, row, t, dim_);
  } else {
    d = simd::L2SqrBoundedRow(q, row, t, dim_, bound);
  }
  // NaN (from NaN input) would break the strict ordering that heaps and sorts rely on.
  return d == d ? d : std::numeric_limits<float>::infinity();
}

void HnswIndex::DistRows4(const float* q, const void* const rows[4], simd::RowType t, float bound,
                          float* out) const {
  if (spec_.metric == MetricType::kCosine) {
    simd::InnerProductRows4(q, rows, t, dim_, out);
    for (int r = 0; r < 4; ++r) out[r] = -out[r];
  } else {
    simd::L2SqrBoundedRows4(q, rows, t, dim_, bound, out);
  }
  for (int r = 0; r < 4; ++r) {
    if (out[r] != out[r]) out[r] = std::numeric_limits<float>::infinity();
  }
}

const float* HnswIndex::RowFloat(uint32_t id, float* buf) const {
  if (RowTypeOfRows() == simd::RowType::kF32) return static_cast<const float*>(Row(id));
  simd::DecodeRow(Row(id), RowTypeOfRows(), dim_, buf);
  return buf;
}

void HnswIndex::Permute(float* row) const {
  if (perm_.empty()) return;
  const size_t d = perm_.size();
  float tmp[4096];  // spec dims are at most 32,768; larger ones use the heap
  std::vector<float> big;
  float* t = tmp;
  if (d > std::size(tmp)) {
    big.resize(d);
    t = big.data();
  }
  for (size_t j = 0; j < d; ++j) t[j] = row[perm_[j]];
  std::memcpy(row, t, d * sizeof(float));
}

int HnswIndex::RandomLevel(uint64_t id) const {
  const uint64_t r = SplitMix64(params_.seed * 0x100000001b3ULL + id);
  const double u = static_cast<double>((r >> 11) + 1) * 0x1.0p-53;  // (0, 1]
  return std::min(kMaxLevel, static_cast<int>(-std::log(u) * level_mult_));
}

std::vector<uint32_t> HnswIndex::InsertionOrder(int64_t first, int64_t n) const {
  std::vector<uint32_t> order(static_cast<size_t>(n));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(first) + i;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return levels_[a] > levels_[b]; });
  // Shuffle within each level (Fisher-Yates, seeded): rows often arrive in a correlated order
  // (chunks of one document, one cluster after another), and inserting them so builds a worse
  // graph. FAISS's HNSW build orders and shuffles its insertions the same way.
  uint64_t state = SplitMix64(params_.seed ^ 0x0dde5ULL ^ static_cast<uint64_t>(first));
  for (size_t lo = 0; lo < order.size();) {
    size_t hi = lo;
    while (hi < order.size() && levels_[order[hi]] == levels_[order[lo]]) ++hi;
    for (size_t i = hi - 1; i > lo; --i) {
      state = SplitMix64(state);
      std::swap(order[i], order[lo + state % (i - lo + 1)]);
    }
    lo = hi;
  }
  return order;
}

void HnswIndex::Clear() {
  data0_.reset();
  raw_.reset();
  quant_trained_ = false;
  upper_.clear();
  levels_.clear();
  node_locks_.reset();
  capacity_ = 0;
  n_ = 0;
  indexed_ = 0;
  entry_ = -1;
  max_level_ = -1;
  perm_.clear();
  ext_of_.clear();
  int_of_.clear();
  row_type_ = simd::RowType::kF32;
  Configure(spec_, params_);  // the float32 layout again
}

void HnswIndex::Reserve(int64_t rows) {
  if (rows <= capacity_) return;
  const int64_t cap = std::max<int64_t>(rows, capacity_ + capacity_ / 2);
  const size_t bytes = static_cast<size_t>(cap) * node_bytes_;
  std::unique_ptr<std::byte[], AlignedFree> data(AllocateBlock(bytes));
  if (n_ > 0) std::memcpy(data.get(), data0_.get(), static_cast<size_t>(n_) * node_bytes_);
  data0_ = std::move(data);
  if (params_.sq8) {
    std::unique_ptr<std::byte[], AlignedFree> raw(
        AllocateBlock(static_cast<size_t>(cap) * raw_stride_));
    if (n_ > 0) std::memcpy(raw.get(), raw_.get(), static_cast<size_t>(n_) * raw_stride_);
    raw_ = std::move(raw);
  }
  upper_.resize(static_cast<size_t>(cap));
  levels_.resize(static_cast<size_t>(cap), 0);
  node_locks_ = std::make_unique<std::mutex[]>(static_cast<size_t>(cap));
  capacity_ = cap;
}

void HnswIndex::WidenRowsToF32() {
  const simd::RowType old_type = row_type_;
  const size_t old_bytes = node_bytes_;
  const size_t header = vec_offset_;  // links (and the sq8 correction) do not depend on the rows
  std::unique_ptr<std::byte[], AlignedFree> old = std::move(data0_);
  row_type_ = simd::RowType::kF32;
  Configure(spec_, params_);
  data0_.reset(AllocateBlock(static_cast<size_t>(capacity_) * node_bytes_));
  for (int64_t i = 0; i < n_; ++i) {
    const std::byte* from = old.get() + static_cast<size_t>(i) * old_bytes;
    std::byte* to = data0_.get() + static_cast<size_t>(i) * node_bytes_;
    std::memset(to, 0, node_bytes_);
    std::memcpy(to, from, header);
    simd::DecodeRow(from + header, old_type, dim_, reinterpret_cast<float*>(to + vec_offset_));
  }
}

Status HnswIndex::Build(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, 0));
  Clear();
  return Add(vectors, n, pool);
}

Status HnswIndex::Add(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, n_));
  if (n == 0) return Status::OK();
  const int64_t first = n_;
  StoreRows(vectors, first, n);
  // Searches during the build may reach any id below first + n through links.
  n_ = first + n;
  std::vector<uint32_t> order = InsertionOrder(first, n);
  size_t skip = 0;
  if (entry_ < 0) {  // the first node in insertion order (a highest-level one) is the entry point
    entry_ = order[0];
    max_level_ = levels_[order[0]];
    skip = 1;
    indexed_.fetch_add(1, std::memory_order_relaxed);
  }
  const size_t count = order.size() - skip;
  auto insert_range = [&](size_t begin, size_t end) {
    auto visited = AcquireVisited();
    BuildScratch scratch{std::vector<float>(dim_), std::vector<float>(dim_),
                         std::vector<float>(dim_)};
    for (size_t i = begin; i < end; ++i) {
      Insert(order[skip + i], visited.get(), &scratch);
      indexed_.fetch_add(1, std::memory_order_relaxed);
    }
    ReleaseVisited(std::move(visited));
  };
  if (pool == nullptr || pool->size() == 0) {
    insert_range(0, count);
  } else {
    ready_ = std::make_unique<std::atomic<int8_t>[]>(static_cast<size_t>(n_));
    for (int64_t i = 0; i < n_; ++i) {
      const int8_t r = i < first ? 0 : static_cast<int8_t>(levels_[static_cast<size_t>(i)] + 1);
      ready_[i].store(r, std::memory_order_relaxed);
    }
    if (skip == 1) ready_[order[0]].store(0, std::memory_order_relaxed);
    // Small chunks in insertion order keep the graph close to a sequential build.
    constexpr size_t kChunk = 16;
    pool->ParallelFor((count + kChunk - 1) / kChunk, [&](size_t c) {
      insert_range(c * kChunk, std::min(count, (c + 1) * kChunk));
    });
    ready_.reset();
  }
  // The repair scans every link, so it runs when this Add grew the index by at least 1/8 (every
  // Build does): amortised, at most 8 link scans per added row.
  if (count * 8 >= static_cast<size_t>(n_)) {
    auto visited = AcquireVisited();
    BuildScratch scratch{std::vector<float>(dim_), std::vector<float>(dim_),
                         std::vector<float>(dim_)};
    for (int pass = 0; pass < kRepairPasses; ++pass) {
      if (RepairReachability(visited.get(), &scratch) == 0) break;
    }
    ReleaseVisited(std::move(visited));
  }
  if (first == 0 && params_.reorder) {
    Renumber(LocalityOrder());
  } else if (!ext_of_.empty()) {  // rows added to a renumbered index keep their own numbers
    for (int64_t i = first; i < n_; ++i) {
      ext_of_.push_back(static_cast<uint32_t>(i));
      int_of_.push_back(static_cast<uint32_t>(i));
    }
  }
  return Status::OK();
}

void HnswIndex::EncodeNode(uint32_t id) {
  if (params_.sq_type == HnswParams::SqType::kSq8) {
    Corr(id) = quant_.Encode(RawVec(id), const_cast<int8_t*>(Code(id)));
    return;
  }
  auto* half = const_cast<uint16_t*>(Half(id));
  const float* v = RawVec(id);
  const bool f16 = params_.sq_type == HnswParams::SqType::kFp16;
  for (size_t j = 0; j < dim_; ++j) half[j] = f16 ? simd::F32ToF16(v[j]) : simd::F32ToBF16(v[j]);
}

size_t HnswIndex::MemoryBytes() const {
  size_t bytes = static_cast<size_t>(capacity_) * (node_bytes_ + raw_stride_ + sizeof(std::mutex) +
                                                   1 + sizeof(std::unique_ptr<uint32_t[]>));
  for (int64_t i = 0; i < n_; ++i) {
    bytes += static_cast<size_t>(levels_[static_cast<size_t>(i)]) * (m_ + 1) * sizeof(uint32_t);
  }
  return bytes + (ext_of_.capacity() + int_of_.capacity()) * sizeof(uint32_t);
}

// Body: u32 M | u32 efConstruction | u64 seed | u64 n | i64 entry | i32 max level
//       | u8 flags (1 = sq8, 2 = refine, 4 = FP16, 8 = BF16, 16 = permuted, 32 = narrow rows)
//       | float max squared norm (IP)
//       | permuted only: u32 perm[dim] (stored component j = input component perm[j])
//       | flag 32 only: u8 row type (simd::RowType: 1 float16, 2 bfloat16, 3 int8, 4 uint8)
//       | sq8 only: float step, float offsets[stored dim]
//       | flag 64 only: u32 row[n] (the input row number of node i; nodes renumbered for locality)
//       (stored dim = dim + 1 for IP: vectors carry the extension coordinate)
//       | i8 level[n] | per node: u32 count, u32 links[count], vector[stored dim] (float32, or
//         the row type of flag 32)
//       | per node with level > 0, per level 1..level: u32 count, u32 links[count]
Status HnswIndex::Serialize(std::string* out) const {
  std::string body;
  ByteWriter w(&body);
  w.Put<uint32_t>(static_cast<uint32_t>(m_));
  w.Put<uint32_t>(static_cast<uint32_t>(params_.ef_construction));
  w.Put<uint64_t>(params_.seed);
  w.Put<uint64_t>(static_cast<uint64_t>(n_));
  w.Put<int64_t>(entry_);
  w.Put<int32_t>(max_level_);
  // flags: 1 = HNSW_SQ, 2 = refine, 4 = sq_type FP16, 8 = sq_type BF16 (neither: SQ8),
  // 16 = components permuted (perm_ follows the norm), 32 = rows in a narrow row type,
  // 64 = nodes renumbered (ext_of_ follows the SQ8 parameters).
  w.Put<uint8_t>(static_cast<uint8_t>(
      (params_.sq8 ? 1 : 0) | (params_.refine ? 2 : 0) |
      (params_.sq_type == HnswParams::SqType::kFp16 ? 4 : 0) |
      (params_.sq_type == HnswParams::SqType::kBf16 ? 8 : 0) | (perm_.empty() ? 0 : 16) |
      (RowTypeOfRows() == simd::RowType::kF32 ? 0 : 32) | (ext_of_.empty() ? 0 : 64)));
  w.Put<float>(max_norm2_);
  if (!perm_.empty()) w.PutBytes(perm_.data(), sizeof(uint32_t) * perm_.size());
  if (RowTypeOfRows() != simd::RowType::kF32) w.Put<uint8_t>(static_cast<uint8_t>(row_type_));
  if (params_.sq8) {
    w.Put<float>(quant_.step());
    w.PutBytes(quant_.offsets().data(), sizeof(float) * quant_.dim());
  }
  if (!ext_of_.empty()) w.PutBytes(ext_of_.data(), sizeof(uint32_t) * ext_of_.size());
  w.PutBytes(levels_.data(), static_cast<size_t>(n_));
  for (int64_t i = 0; i < n_; ++i) {
    const uint32_t* ll = Links0(static_cast<uint32_t>(i));
    w.PutBytes(ll, sizeof(uint32_t) * (1 + ll[0]));
    w.PutBytes(Row(static_cast<uint32_t>(i)), simd::RowTypeBytes(RowTypeOfRows()) * dim_);
  }
  for (int64_t i = 0; i < n_; ++i) {
    for (int l = 1; l <= levels_[static_cast<size_t>(i)]; ++l) {
      const uint32_t* ll = Links(static_cast<uint32_t>(i), l);
      w.PutBytes(ll, sizeof(uint32_t) * (1 + ll[0]));
    }
  }
  WriteIndexEnvelope(TypeName(), spec_, body, out);
  return Status::OK();
}

Status HnswIndex::Load(std::string_view data) {
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelopeOfType(data, TypeName()));
  Clear();
  ByteReader r(env.body);
  uint32_t m = 0, efc = 0;
  uint64_t seed = 0, n = 0;
  int64_t entry = 0;
  int32_t max_level = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&m, "M"));
  ELANUS_RETURN_IF_ERROR(r.Get(&efc, "efConstruction"));
  ELANUS_RETURN_IF_ERROR(r.Get(&seed, "seed"));
  ELANUS_RETURN_IF_ERROR(r.Get(&n, "row count"));
  ELANUS_RETURN_IF_ERROR(r.Get(&entry, "entry point"));
  ELANUS_RETURN_IF_ERROR(r.Get(&max_level, "max level"));
  uint8_t flags = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&flags, "flags"));
  if ((flags & 1) != (params_.sq8 ? 1 : 0) || flags > 127 || (flags & 12) == 12 ||
      ((flags & 32) != 0 && (flags & 1) != 0) || ((flags & 12) != 0 && (flags & 1) == 0)) {
    return Status::Corruption("HNSW image: flags do not match the index type");
  }
  float max_norm2 = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&max_norm2, "max norm"));
  if (!std::isfinite(max_norm2) || max_norm2 < 0) return Status::Corruption("HNSW image: bad norm");
  std::vector<uint32_t> perm;
  if ((flags & 16) != 0) {
    ELANUS_RETURN_IF_ERROR(
        ReadPermutation(&r, static_cast<size_t>(env.spec.dim), "component order", &perm));
  }
  auto row_type = simd::RowType::kF32;
  if ((flags & 32) != 0) {
    uint8_t t = 0;
    ELANUS_RETURN_IF_ERROR(r.Get(&t, "row type"));
    if (t < 1 || t > 4) return Status::Corruption("HNSW image: invalid row type");
    row_type = static_cast<simd::RowType>(t);
  }
  const size_t stored_dim =
      static_cast<size_t>(env.spec.dim) + (env.spec.metric == MetricType::kIP ? 1 : 0);
  float step = 1;
  std::vector<float> offsets;
  if (params_.sq8) {
    ELANUS_RETURN_IF_ERROR(r.Get(&step, "SQ8 step"));
    if (!r.CanRead(stored_dim, sizeof(float))) {
      return Status::Corruption("HNSW image truncated in SQ8 offsets");
    }
    offsets.resize(stored_dim);
    ELANUS_RETURN_IF_ERROR(r.GetBytes(offsets.data(), offsets.size() * 4, "SQ8 offsets"));
  }
  std::vector<uint32_t> ext_of;
  if ((flags & 64) != 0) {
    if (n == 0) return Status::Corruption("HNSW image: row numbers for an empty graph");
    ELANUS_RETURN_IF_ERROR(ReadPermutation(&r, n, "row numbers", &ext_of));
  }
  if (m < 2 || m > 2048 || efc < 1 || efc > uint32_t{std::numeric_limits<int32_t>::max()}) {
    return Status::Corruption("HNSW image has invalid parameters");
  }
  const size_t min_node_bytes = 1 + 4 + simd::RowTypeBytes(row_type) * stored_dim;
  if (!r.CanRead(n, min_node_bytes) || n > uint64_t{std::numeric_limits<int32_t>::max()}) {
    return Status::Corruption("HNSW image row count exceeds its size");
  }
  const bool empty = n == 0;
  if (empty ? (entry != -1 || max_level != -1)
            : (entry < 0 || static_cast<uint64_t>(entry) >= n || max_level < 0 ||
               max_level > kMaxLevel)) {
    return Status::Corruption("HNSW image has an invalid entry point");
  }
  if (!IsFloatLike(env.spec.data_type)) return Status::Corruption("HNSW image: bad vector type");
  HnswParams params;
  params.m = m;
  params.ef_construction = efc;
  params.seed = seed;
  params.sq8 = params_.sq8;
  params.upper_beam = params_.upper_beam;  // search-time behaviour, not in the image
  params.refine = (flags & 2) != 0;
  params.sq_type = (flags & 4) != 0   ? HnswParams::SqType::kFp16
                   : (flags & 8) != 0 ? HnswParams::SqType::kBf16
                                      : HnswParams::SqType::kSq8;
  row_type_ = row_type;
  Configure(env.spec, params);  // the image's spec and parameters replace this index's
  max_norm2_ = max_norm2;
  perm_ = std::move(perm);
  if (params.sq8) {
    if (!quant_.Restore(std::move(offsets), step)) return Status::Corruption("HNSW image: bad SQ8");
    quant_trained_ = true;
  }
  auto fail = [this](const std::string& msg) {
    Clear();
    return Status::Corruption("HNSW image: " + msg);
  };
  Reserve(static_cast<int64_t>(n));
  Status st = r.GetBytes(levels_.data(), n, "levels");
  if (!st.ok()) return fail(st.message());
  for (uint64_t i = 0; i < n; ++i) {
    if (levels_[i] < 0 || levels_[i] > max_level) return fail("node level out of range");
  }
  if (!empty && levels_[static_cast<size_t>(entry)] != max_level) {
    return fail("entry point is not on the top level");
  }
  auto read_links = [&](uint32_t* ll, int level) -> Status {
    ELANUS_RETURN_IF_ERROR(r.Get(&ll[0], "link count"));
    if (ll[0] > MaxDegree(level)) return Status::Corruption("HNSW image: link count too large");
    ELANUS_RETURN_IF_ERROR(r.GetBytes(ll + 1, sizeof(uint32_t) * ll[0], "links"));
    for (uint32_t j = 0; j < ll[0]; ++j) {
      // Upper-layer links must point at nodes that exist on that layer.
      if (ll[1 + j] >= n || levels_[ll[1 + j]] < level) {
        return Status::Corruption("HNSW image: link to a row missing on its layer");
      }
    }
    return Status::OK();
  };
  for (uint64_t i = 0; i < n; ++i) {
    const auto id = static_cast<uint32_t>(i);
    std::memset(data0_.get() + i * node_bytes_, 0, node_bytes_);
    st = read_links(Links0(id), 0);
    if (st.ok()) {
      st = r.GetBytes(const_cast<void*>(Row(id)), simd::RowTypeBytes(RowTypeOfRows()) * dim_,
                      "vector");
    }
    if (!st.ok()) return fail(st.message());
    if (params_.sq8) EncodeNode(id);  // codes are derived data, not stored
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (levels_[i] == 0) continue;
    upper_[i] = std::make_unique<uint32_t[]>(static_cast<size_t>(levels_[i]) * (m_ + 1));
    for (int l = 1; l <= levels_[i]; ++l) {
      st = read_links(Links(static_cast<uint32_t>(i), l), l);
      if (!st.ok()) return fail(st.message());
    }
  }
  if (r.remaining() != 0) return fail("trailing bytes after the graph");
  n_ = static_cast<int64_t>(n);
  indexed_ = n_;
  if (!ext_of.empty()) SetRowNumbers(std::move(ext_of));
  entry_ = entry;
  max_level_ = max_level;
  return Status::OK();
}

}  // namespace elanus::index
