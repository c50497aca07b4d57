#include "index/bin_ivf_flat_index.h"

#include <algorithm>
#include <random>

#include "index/index_format.h"
#include "index/index_registry.h"
#include "index/index_util.h"
#include "index/kmeans.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

constexpr int64_t kMaxNlist = 65536;
constexpr int64_t kDefaultNprobe = 8;
constexpr int kIterations = 10;
constexpr size_t kPointsPerCentroid = 256;

Result<std::unique_ptr<VectorIndex>> CreateBinIvf(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(IvfParams p, IvfParams::Parse(params));
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<BinIvfFlatIndex> index, BinIvfFlatIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

}  // namespace

ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(BinIvfFlatIndex::kTypeName), &CreateBinIvf}));

Result<std::unique_ptr<BinIvfFlatIndex>> BinIvfFlatIndex::Create(const IndexSpec& spec,
                                                                 const IvfParams& params) {
  ELANUS_RETURN_IF_ERROR(spec.Validate());
  if (spec.data_type != DataType::kBinaryVector) {
    return Status::InvalidArgument(std::string("index_type BIN_IVF_FLAT does not support ") +
                                   VectorTypeName(spec.data_type) + " (use IVF_FLAT)");
  }
  if (params.nlist < 1 || params.nlist > kMaxNlist) {
    return Status::InvalidArgument("invalid index parameter nlist=" + std::to_string(params.nlist) +
                                   ": must be an integer in [1, 65536]");
  }
  return std::unique_ptr<BinIvfFlatIndex>(new BinIvfFlatIndex(spec, params));
}

float BinIvfFlatIndex::Distance(const uint8_t* a, const uint8_t* b) const {
  return spec_.metric == MetricType::kHamming ? static_cast<float>(simd::Hamming(a, b, bytes_))
                                              : simd::Jaccard(a, b, bytes_);
}

uint32_t BinIvfFlatIndex::Nearest(const uint8_t* x) const {
  thread_local std::vector<uint32_t> d;
  d.resize(lists_.size());
  simd::HammingBatch(x, centroids_.data(), lists_.size(), bytes_, d.data());
  // The first minimum: ties go to the smaller list id.
  return static_cast<uint32_t>(std::min_element(d.begin(), d.end()) - d.begin());
}

void BinIvfFlatIndex::AssignNearest(const uint8_t* rows, const size_t* ids, size_t n, uint32_t* out,
                                    ThreadPool* pool) const {
  ParallelChunks(n, 1024, pool, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = Nearest(rows + (ids ? ids[i] : i) * bytes_);
  });
}

void BinIvfFlatIndex::Train(const uint8_t* rows, size_t n, ThreadPool* pool) {
  const size_t k = std::min(static_cast<size_t>(params_.nlist), n);
  lists_.assign(k, List{});
  centroids_.assign(k * bytes_, 0);
  if (k == 0) return;
  std::mt19937_64 rng(1234);
  const size_t m = std::min(n, std::max(k, k * kPointsPerCentroid));
  const std::vector<size_t> perm = SampleRowIds(n, m, &rng);
  for (size_t c = 0; c < k; ++c) {
    std::copy_n(rows + perm[c] * bytes_, bytes_, centroids_.data() + c * bytes_);
  }
  std::vector<uint32_t> assign(m);
  std::vector<uint32_t> ones(k * bytes_ * 8);
  std::vector<uint32_t> counts(k);
  for (int it = 0; it < kIterations; ++it) {
    AssignNearest(rows, perm.data(), m, assign.data(), pool);
    std::fill(ones.begin(), ones.end(), 0);
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = 0; i < m; ++i) {
      const uint8_t* x = rows + perm[i] * bytes_;
      uint32_t* o = ones.data() + assign[i] * bytes_ * 8;
      ++counts[assign[i]];
      for (size_t bit = 0; bit < bytes_ * 8; ++bit) o[bit] += (x[bit / 8] >> (bit % 8)) & 1;
    }
    for (size_t c = 0; c < k; ++c) {
      uint8_t* ce = centroids_.data() + c * bytes_;
      if (counts[c] == 0) {  // empty: re-seed from a random sample row
        std::copy_n(rows + perm[rng() % m] * bytes_, bytes_, ce);
        continue;
      }
      std::fill_n(ce, bytes_, 0);
      const uint32_t* o = ones.data() + c * bytes_ * 8;
      for (size_t bit = 0; bit < bytes_ * 8; ++bit) {
        if (2 * o[bit] > counts[c]) ce[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
      }
    }
  }
}

Status BinIvfFlatIndex::Build(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, 0));
  n_ = 0;
  Train(static_cast<const uint8_t*>(vectors), static_cast<size_t>(n), pool);
  return Add(vectors, n, pool);
}

Status BinIvfFlatIndex::Add(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, n_));
  if (n == 0) return Status::OK();
  if (lists_.empty()) {
    return Status::FailedPrecondition("BIN_IVF_FLAT: Add before the index was trained by Build");
  }
  const auto* rows = static_cast<const uint8_t*>(vectors);
  const auto nn = static_cast<size_t>(n);
  std::vector<uint32_t> assign(nn);
  AssignNearest(rows, nullptr, nn, assign.data(), pool);
  ReserveIvfLists(lists_, assign.data(), nn, [&](List& list, size_t cap) {
    list.rows.reserve(cap);
    list.codes.reserve(cap * bytes_);
  });
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* x = rows + static_cast<size_t>(i) * bytes_;
    List& list = lists_[assign[static_cast<size_t>(i)]];
    list.rows.push_back(static_cast<uint32_t>(n_ + i));
    list.codes.insert(list.codes.end(), x, x + bytes_);
  }
  n_ += n;
  return Status::OK();
}

Result<SearchParams> BinIvfFlatIndex::ParseSearchParams(const ParamMap& params, int64_t) const {
  SearchParams sp;
  const int64_t nlist = lists_.empty() ? params_.nlist : static_cast<int64_t>(lists_.size());
  ELANUS_ASSIGN_OR_RETURN(
      sp.nprobe,
      ParseIntParam(params, "nprobe", std::min(kDefaultNprobe, nlist), 1, nlist, "search"));
  return sp;
}

Status BinIvfFlatIndex::ResolveNprobe(const SearchParams& params, size_t* nprobe) const {
  const auto nlist = static_cast<int64_t>(lists_.size());
  if (params.nprobe < 0 || params.nprobe > std::max<int64_t>(nlist, 1)) {
    return Status::InvalidArgument(
        "invalid search parameter nprobe=" + std::to_string(params.nprobe) + ": must be in [1, " +
        std::to_string(nlist) + "]");
  }
  *nprobe =
      static_cast<size_t>(params.nprobe == 0 ? std::min(kDefaultNprobe, nlist) : params.nprobe);
  return Status::OK();
}

IvfListOrder BinIvfFlatIndex::RankLists(const uint8_t* q, size_t first) const {
  std::vector<uint32_t> h(lists_.size());
  simd::HammingBatch(q, centroids_.data(), lists_.size(), bytes_, h.data());
  std::vector<float> d(h.begin(), h.end());  // Hamming distances: exact in float
  return IvfListOrder(std::move(d), first);
}

template <typename Fn>
void BinIvfFlatIndex::ScanList(const uint8_t* q, const List& list, const Bitset* allowed,
                               Fn&& fn) const {
  if (allowed != nullptr) {  // per row: disallowed rows are skipped, not scored
    for (size_t i = 0; i < list.rows.size(); ++i) {
      const uint32_t row = list.rows[i];
      if (allowed->test(row)) fn(row, Distance(q, list.codes.data() + i * bytes_));
    }
    return;
  }
  // Unfiltered: blocks of rows per kernel call (one dispatch per block, not per row).
  constexpr size_t kBlock = 256;
  float d[kBlock];
  uint32_t h[kBlock];
  const bool hamming = spec_.metric == MetricType::kHamming;
  for (size_t i = 0; i < list.rows.size(); i += kBlock) {
    const size_t m = std::min(kBlock, list.rows.size() - i);
    const uint8_t* codes = list.codes.data() + i * bytes_;
    if (hamming) {
      simd::HammingBatch(q, codes, m, bytes_, h);
      for (size_t k = 0; k < m; ++k) d[k] = static_cast<float>(h[k]);
    } else {
      simd::JaccardBatch(q, codes, m, bytes_, d);
    }
    for (size_t k = 0; k < m; ++k) fn(list.rows[i + k], d[k]);
  }
}

Status BinIvfFlatIndex::Search(const void* query, int64_t k, const Bitset* allowed,
                               const SearchParams& params, std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, k, allowed, n_, out));
  size_t nprobe = 0;
  ELANUS_RETURN_IF_ERROR(ResolveNprobe(params, &nprobe));
  out->clear();
  if (n_ == 0) return Status::OK();
  const auto* q = static_cast<const uint8_t*>(query);
  TopK top(static_cast<size_t>(k));
  IvfListOrder order = RankLists(q, nprobe);
  for (size_t i = 0; i < order.size(); ++i) {
    if (i >= nprobe && (allowed == nullptr || top.size() >= static_cast<size_t>(k))) break;
    ScanList(q, lists_[order[i]], allowed, [&](uint32_t row, float d) { top.Push(d, row); });
  }
  top.Drain(spec_.metric, out);
  return Status::OK();
}

Status BinIvfFlatIndex::RangeSearch(const void* query, float radius,
                                    std::optional<float> range_filter, int64_t limit,
                                    const Bitset* allowed, const SearchParams& params,
                                    std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, 1, allowed, n_, out));
  size_t nprobe = 0;
  ELANUS_RETURN_IF_ERROR(ResolveNprobe(params, &nprobe));
  out->clear();
  const auto* q = static_cast<const uint8_t*>(query);
  IvfListOrder order = RankLists(q, nprobe);
  std::vector<std::pair<float, int64_t>> hits;
  for (size_t i = 0; i < std::min(nprobe, order.size()); ++i) {
    ScanList(q, lists_[order[i]], allowed, [&](uint32_t row, float d) {
      if (InRange(spec_.metric, d, radius, range_filter)) hits.emplace_back(d, row);
    });
  }
  std::sort(hits.begin(), hits.end());
  if (limit > 0 && hits.size() > static_cast<size_t>(limit))
    hits.resize(static_cast<size_t>(limit));
  for (const auto& [d, row] : hits) out->push_back({row, d});
  return Status::OK();
}

size_t BinIvfFlatIndex::MemoryBytes() const {
  size_t bytes = centroids_.capacity();
  for (const List& l : lists_) bytes += sizeof(List) + l.rows.capacity() * 4 + l.codes.capacity();
  return bytes;
}

// Body: u32 nlist parameter | u64 n | u32 lists | u8 centroids[lists][dim / 8]
//       | per list: u64 size, u32 rows[size], u8 codes[size][dim / 8]
Status BinIvfFlatIndex::Serialize(std::string* out) const {
  std::string body;
  ByteWriter w(&body);
  w.Put<uint32_t>(static_cast<uint32_t>(params_.nlist));
  w.Put<uint64_t>(static_cast<uint64_t>(n_));
  w.Put<uint32_t>(static_cast<uint32_t>(lists_.size()));
  w.PutBytes(centroids_.data(), centroids_.size());
  for (const List& l : lists_) {
    w.Put<uint64_t>(l.rows.size());
    w.PutBytes(l.rows.data(), l.rows.size() * 4);
    w.PutBytes(l.codes.data(), l.codes.size());
  }
  WriteIndexEnvelope(kTypeName, spec_, body, out);
  return Status::OK();
}

Status BinIvfFlatIndex::Load(std::string_view data) {
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelopeOfType(data, kTypeName));
  n_ = 0;
  centroids_.clear();
  lists_.clear();
  if (env.spec.data_type != DataType::kBinaryVector) {
    return Status::Corruption("BIN_IVF_FLAT image: not a binary vector index");
  }
  spec_ = env.spec;
  bytes_ = spec_.RowBytes();
  auto fail = [this](const char* msg) {
    n_ = 0;
    centroids_.clear();
    lists_.clear();
    return Status::Corruption(std::string("BIN_IVF_FLAT image: ") + msg);
  };
  ByteReader r(env.body);
  uint32_t nlist = 0, lists = 0;
  uint64_t n = 0;
  if (!r.Get(&nlist, "nlist").ok() || !r.Get(&n, "rows").ok() || !r.Get(&lists, "lists").ok()) {
    return fail("truncated header");
  }
  if (nlist < 1 || nlist > kMaxNlist || lists > nlist || n > uint64_t{INT32_MAX} ||
      !r.CanRead(lists, bytes_)) {
    return fail("invalid header");
  }
  params_.nlist = nlist;
  centroids_.resize(static_cast<size_t>(lists) * bytes_);
  if (!r.GetBytes(centroids_.data(), centroids_.size(), "centroids").ok()) return fail("truncated");
  lists_.resize(lists);
  Bitset seen(n);
  uint64_t total = 0;
  for (List& l : lists_) {
    uint64_t size = 0;
    if (!r.Get(&size, "list size").ok() || !r.CanRead(size, 4 + bytes_)) {
      return fail("list size exceeds the image");
    }
    l.rows.resize(size);
    l.codes.resize(size * bytes_);
    if (!r.GetBytes(l.rows.data(), size * 4, "rows").ok() ||
        !r.GetBytes(l.codes.data(), l.codes.size(), "codes").ok()) {
      return fail("truncated list");
    }
    for (uint32_t row : l.rows) {
      if (row >= n || seen.test(row)) return fail("list holds a missing or repeated row");
      seen.set(row);
    }
    total += size;
  }
  if (total != n || r.remaining() != 0) return fail("row count does not match the lists");
  n_ = static_cast<int64_t>(n);
  return Status::OK();
}

}  // namespace elanus::index
