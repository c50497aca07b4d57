#include "index/ivf_flat_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "index/index_format.h"
#include "index/index_registry.h"
#include "index/index_util.h"
#include "index/ivf_common.h"
#include "index/kmeans.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

constexpr int64_t kMaxNlist = kIvfMaxNlist;
constexpr size_t kBlock = 256;
constexpr uint32_t kResidualFlag = 1u << 31;  // in the image's nlist field (Serialize)

Result<std::unique_ptr<VectorIndex>> CreateIvfFlat(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(IvfParams p, IvfParams::Parse(params));
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<IvfFlatIndex> index, IvfFlatIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

Result<std::unique_ptr<VectorIndex>> CreateIvfSq8(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(IvfParams p, IvfParams::Parse(params));
  p.sq8 = true;
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<IvfFlatIndex> index, IvfFlatIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

}  // namespace

ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(IvfFlatIndex::kTypeName), &CreateIvfFlat}));
ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(IvfFlatIndex::kSq8TypeName), &CreateIvfSq8}));

Result<IvfParams> IvfParams::Parse(const ParamMap& params) {
  IvfParams p;
  ELANUS_ASSIGN_OR_RETURN(p.nlist, ParseIntParam(params, "nlist", 128, 1, kMaxNlist));
  return p;
}

Result<std::unique_ptr<IvfFlatIndex>> IvfFlatIndex::Create(const IndexSpec& spec,
                                                           const IvfParams& params) {
  ELANUS_RETURN_IF_ERROR(spec.Validate());
  if (!IsFloatLike(spec.data_type)) {
    return Status::InvalidArgument("index_type " +
                                   std::string(params.sq8 ? kSq8TypeName : kTypeName) +
                                   " does not support " + VectorTypeName(spec.data_type));
  }
  if (params.nlist < 1 || params.nlist > kMaxNlist) {
    return Status::InvalidArgument("invalid index parameter nlist=" + std::to_string(params.nlist) +
                                   ": must be an integer in [1, 65536]");
  }
  return std::unique_ptr<IvfFlatIndex>(new IvfFlatIndex(spec, params));
}

Status IvfFlatIndex::Build(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, 0));
  const auto dim = static_cast<size_t>(spec_.dim);
  std::vector<float> rows(static_cast<size_t>(n) * dim);
  ToFloatRows(spec_, vectors, n, rows.data());
  n_ = 0;
  // COSINE rows are unit length: spherical centroids rank lists by angle (L2 to a unit centroid).
  centroids_ =
      TrainKMeans(rows.data(), static_cast<size_t>(n), dim, static_cast<size_t>(params_.nlist),
                  KMeansOptions{.spherical = spec_.metric == MetricType::kCosine}, pool);
  lists_.assign(centroids_.size() / dim, List{});
  ranker_.Build(centroids_.data(), lists_.size(), dim);
  const std::vector<uint32_t> assign = Assign(rows.data(), n, pool);
  residual_ = params_.sq8;  // every IVF_SQ8 built now codes residuals
  if (residual_) {
    ToResiduals(rows.data(), n, assign);
    TrainSq8(rows.data(), n);
  }
  Insert(rows.data(), n, 0, assign);
  return Status::OK();
}

void IvfFlatIndex::ToResiduals(float* rows, int64_t n, const std::vector<uint32_t>& assign) const {
  const auto dim = static_cast<size_t>(spec_.dim);
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    const float* c = centroids_.data() + size_t{assign[i]} * dim;
    for (size_t j = 0; j < dim; ++j) rows[i * dim + j] -= c[j];
  }
}

std::vector<uint32_t> IvfFlatIndex::Assign(const float* rows, int64_t n, ThreadPool* pool) const {
  std::vector<uint32_t> assign(static_cast<size_t>(n));
  if (!lists_.empty()) {
    AssignNearest(rows, static_cast<size_t>(n), centroids_.data(), lists_.size(),
                  static_cast<size_t>(spec_.dim), assign.data(), pool);
  }
  return assign;
}

Status IvfFlatIndex::Add(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, n_));
  if (n == 0) return Status::OK();
  if (lists_.empty()) {
    return Status::FailedPrecondition(std::string(TypeName()) +
                                      ": Add before the index was trained by Build");
  }
  std::vector<float> rows(static_cast<size_t>(n * spec_.dim));
  ToFloatRows(spec_, vectors, n, rows.data());
  const std::vector<uint32_t> assign = Assign(rows.data(), n, pool);
  if (residual_) ToResiduals(rows.data(), n, assign);
  Insert(rows.data(), n, n_, assign);
  return Status::OK();
}

void IvfFlatIndex::Insert(const float* rows, int64_t n, int64_t first_row,
                          const std::vector<uint32_t>& assign) {
  const auto dim = static_cast<size_t>(spec_.dim);
  ReserveIvfLists(lists_, assign.data(), assign.size(), [&](List& list, size_t cap) {
    list.rows.reserve(cap);
    (params_.sq8 ? list.codes.reserve(cap * dim) : list.vectors.reserve(cap * dim));
  });
  for (int64_t i = 0; i < n; ++i) {
    List& list = lists_[assign[static_cast<size_t>(i)]];
    list.rows.push_back(static_cast<uint32_t>(first_row + i));
    const float* x = rows + static_cast<size_t>(i) * dim;
    if (!params_.sq8) {
      list.vectors.insert(list.vectors.end(), x, x + dim);
      continue;
    }
    for (size_t j = 0; j < dim; ++j) {
      const float c = std::clamp((x[j] - sq_min_[j]) / sq_step_[j], 0.0f, 255.0f);
      list.codes.push_back(static_cast<uint8_t>(c == c ? std::floor(c + 0.5f) : 0.0f));
    }
  }
  n_ = first_row + n;
}

Result<SearchParams> IvfFlatIndex::ParseSearchParams(const ParamMap& params, int64_t) const {
  SearchParams sp;
  const int64_t nlist = lists_.empty() ? params_.nlist : static_cast<int64_t>(lists_.size());
  ELANUS_ASSIGN_OR_RETURN(sp.nprobe, ParseIvfNprobe(params, nlist));
  return sp;
}

void IvfFlatIndex::TrainSq8(const float* rows, int64_t n) {
  const auto dim = static_cast<size_t>(spec_.dim);
  std::vector<float> lo(dim, std::numeric_limits<float>::infinity());
  std::vector<float> hi(dim, -std::numeric_limits<float>::infinity());
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    for (size_t j = 0; j < dim; ++j) {
      const float v = rows[i * dim + j];
      if (!std::isfinite(v)) continue;
      lo[j] = std::min(lo[j], v);
      hi[j] = std::max(hi[j], v);
    }
  }
  sq_min_.assign(dim, 0.0f);
  sq_step_.assign(dim, 1.0f);
  for (size_t j = 0; j < dim; ++j) {
    if (lo[j] > hi[j]) continue;
    sq_min_[j] = lo[j];
    const float step = (hi[j] - lo[j]) / 255.0f;
    if (step > 0 && std::isfinite(step)) sq_step_[j] = step;
  }
}

IvfFlatIndex::QueryPrep IvfFlatIndex::Prepare(const float* q) const {
  QueryPrep prep;
  if (!params_.sq8) return prep;
  const auto dim = static_cast<size_t>(spec_.dim);
  prep.a.resize(dim);
  double c = 0;
  for (size_t j = 0; j < dim; ++j) {
    if (spec_.metric == MetricType::kL2) {
      prep.a[j] = q[j] - sq_min_[j];
    } else {
      prep.a[j] = q[j] * sq_step_[j];
      c += static_cast<double>(q[j]) * sq_min_[j];
    }
  }
  prep.ip_const = static_cast<float>(c);
  if (residual_) prep.list_a.resize(dim);
  return prep;
}

template <typename Fn>
void IvfFlatIndex::ScanList(const float* q, QueryPrep& prep, uint32_t l, const Bitset* allowed,
                            Fn&& fn) const {
  const List& list = lists_[l];
  const auto dim = static_cast<size_t>(spec_.dim);
  const bool l2 = spec_.metric == MetricType::kL2;
  if (params_.sq8) {
    const float* a = prep.a.data();
    float ip_const = prep.ip_const;
    if (residual_) {  // x ~= c + min + code * step
      const float* c = centroids_.data() + size_t{l} * dim;
      if (l2) {
        for (size_t j = 0; j < dim; ++j) prep.list_a[j] = prep.a[j] - c[j];
        a = prep.list_a.data();
      } else {
        ip_const += simd::InnerProduct(q, c, dim);
      }
    }
    const float* step = sq_step_.data();
    if (allowed == nullptr) {  // every row: blocks of rows per kernel call
      float dist[kBlock];
      for (size_t start = 0; start < list.rows.size(); start += kBlock) {
        const size_t len = std::min(kBlock, list.rows.size() - start);
        const uint8_t* codes = list.codes.data() + start * dim;
        if (l2) {
          simd::L2SqrSq8Batch(a, codes, len, step, dim, dist);
          for (size_t i = 0; i < len; ++i) fn(list.rows[start + i], dist[i]);
        } else {
          simd::DotSq8Batch(a, codes, len, dim, dist);
          for (size_t i = 0; i < len; ++i) fn(list.rows[start + i], -(ip_const + dist[i]));
        }
      }
      return;
    }
    for (size_t i = 0; i < list.rows.size(); ++i) {
      const uint32_t row = list.rows[i];
      if (!allowed->test(row)) continue;
      const uint8_t* codes = list.codes.data() + i * dim;
      if (l2) {
        fn(row, simd::L2SqrSq8(a, codes, step, dim));
      } else {
        fn(row, -(ip_const + simd::DotSq8(a, codes, dim)));
      }
    }
    return;
  }
  float dist[kBlock];
  for (size_t start = 0; start < list.rows.size(); start += kBlock) {
    const size_t len = std::min(kBlock, list.rows.size() - start);
    const float* base = list.vectors.data() + start * dim;
    if (l2) {
      simd::L2SqrBatch(q, base, len, dim, dist);
    } else {
      simd::InnerProductBatch(q, base, len, dim, dist);
    }
    for (size_t i = 0; i < len; ++i) {
      const uint32_t row = list.rows[start + i];
      if (allowed && !allowed->test(row)) continue;
      fn(row, l2 ? dist[i] : -dist[i]);
    }
  }
}

Status IvfFlatIndex::Search(const void* query, int64_t k, const Bitset* allowed,
                            const SearchParams& params, std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, k, allowed, n_, out));
  size_t nprobe = 0;
  ELANUS_RETURN_IF_ERROR(ResolveIvfNprobe(params, lists_.size(), &nprobe));
  out->clear();
  if (n_ == 0) return Status::OK();
  std::vector<float> q(static_cast<size_t>(spec_.dim));
  ToFloatRows(spec_, query, 1, q.data());
  TopK top(static_cast<size_t>(k));
  QueryPrep prep = Prepare(q.data());
  IvfListOrder order = ranker_.Rank(centroids_.data(), lists_.size(),
                                    static_cast<size_t>(spec_.dim), q.data(), nprobe);
  IvfProbeTopK(order, nprobe, allowed != nullptr, &top, static_cast<size_t>(k),
               [&](uint32_t l, auto&& push) { ScanList(q.data(), prep, l, allowed, push); });
  top.Drain(spec_.metric, out);
  return Status::OK();
}

Status IvfFlatIndex::RangeSearch(const void* query, float radius, std::optional<float> range_filter,
                                 int64_t limit, const Bitset* allowed, const SearchParams& params,
                                 std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, 1, allowed, n_, out));
  size_t nprobe = 0;
  ELANUS_RETURN_IF_ERROR(ResolveIvfNprobe(params, lists_.size(), &nprobe));
  out->clear();
  if (n_ == 0) return Status::OK();
  std::vector<float> q(static_cast<size_t>(spec_.dim));
  ToFloatRows(spec_, query, 1, q.data());
  IvfListOrder order = ranker_.Rank(centroids_.data(), lists_.size(),
                                    static_cast<size_t>(spec_.dim), q.data(), nprobe);
  QueryPrep prep = Prepare(q.data());
  IvfProbeRange(order, nprobe, spec_.metric, radius, range_filter, limit, out,
                [&](uint32_t l, auto&& push) { ScanList(q.data(), prep, l, allowed, push); });
  return Status::OK();
}

size_t IvfFlatIndex::MemoryBytes() const {
  size_t bytes =
      (centroids_.capacity() + sq_min_.capacity() + sq_step_.capacity()) * sizeof(float) +
      ranker_.MemoryBytes();
  for (const List& l : lists_) {
    bytes += sizeof(List) + l.rows.capacity() * 4 + l.vectors.capacity() * sizeof(float) +
             l.codes.capacity();
  }
  return bytes;
}

// Body: u32 nlist parameter (bit 31: IVF_SQ8 codes are residuals) | u64 n | u32 lists
//       | float centroids[lists][dim]
//       | IVF_SQ8 only: float min[dim], float step[dim]
//       | per list: u64 size, u32 rows[size], IVF_FLAT: float vectors[size][dim]
//                                            IVF_SQ8: u8 codes[size][dim]
Status IvfFlatIndex::Serialize(std::string* out) const {
  std::string body;
  ByteWriter w(&body);
  w.Put<uint32_t>(static_cast<uint32_t>(params_.nlist) | (residual_ ? kResidualFlag : 0u));
  w.Put<uint64_t>(static_cast<uint64_t>(n_));
  w.Put<uint32_t>(static_cast<uint32_t>(lists_.size()));
  w.PutBytes(centroids_.data(), centroids_.size() * sizeof(float));
  if (params_.sq8) {
    std::vector<float> mins = sq_min_, steps = sq_step_;
    mins.resize(static_cast<size_t>(spec_.dim), 0.0f);  // untrained (empty) index: defaults
    steps.resize(static_cast<size_t>(spec_.dim), 1.0f);
    w.PutBytes(mins.data(), mins.size() * sizeof(float));
    w.PutBytes(steps.data(), steps.size() * sizeof(float));
  }
  for (const List& l : lists_) {
    w.Put<uint64_t>(l.rows.size());
    w.PutBytes(l.rows.data(), l.rows.size() * 4);
    w.PutBytes(l.vectors.data(), l.vectors.size() * sizeof(float));
    w.PutBytes(l.codes.data(), l.codes.size());
  }
  WriteIndexEnvelope(TypeName(), spec_, body, out);
  return Status::OK();
}

Status IvfFlatIndex::Load(std::string_view data) {
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelopeOfType(data, TypeName()));
  n_ = 0;
  centroids_.clear();
  ranker_.Clear();
  lists_.clear();
  sq_min_.clear();
  sq_step_.clear();
  if (!IsFloatLike(env.spec.data_type)) return Status::Corruption("IVF image: bad type");
  spec_ = env.spec;
  const auto dim = static_cast<size_t>(spec_.dim);
  ByteReader r(env.body);
  uint32_t nlist = 0, lists = 0;
  uint64_t n = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&nlist, "nlist"));
  residual_ = (nlist & kResidualFlag) != 0;
  nlist &= ~kResidualFlag;
  if (residual_ && !params_.sq8) return Status::Corruption("IVF_FLAT image: residual flag set");
  ELANUS_RETURN_IF_ERROR(r.Get(&n, "row count"));
  ELANUS_RETURN_IF_ERROR(r.Get(&lists, "list count"));
  if (nlist < 1 || nlist > kMaxNlist || lists > nlist || n > uint64_t{INT32_MAX} ||
      !r.CanRead(lists, dim * sizeof(float))) {
    return Status::Corruption("IVF_FLAT image: invalid header");
  }
  params_.nlist = nlist;
  auto fail = [this](const char* msg) {
    n_ = 0;
    centroids_.clear();
    ranker_.Clear();
    lists_.clear();
    return Status::Corruption(std::string("IVF_FLAT image: ") + msg);
  };
  centroids_.resize(static_cast<size_t>(lists) * dim);
  ELANUS_RETURN_IF_ERROR(r.GetBytes(centroids_.data(), centroids_.size() * 4, "centroids"));
  if (params_.sq8) {
    sq_min_.resize(dim);
    sq_step_.resize(dim);
    ELANUS_RETURN_IF_ERROR(r.GetBytes(sq_min_.data(), dim * 4, "SQ8 minimums"));
    ELANUS_RETURN_IF_ERROR(r.GetBytes(sq_step_.data(), dim * 4, "SQ8 steps"));
    for (size_t j = 0; j < dim; ++j) {
      if (!std::isfinite(sq_min_[j]) || !(sq_step_[j] > 0) || !std::isfinite(sq_step_[j])) {
        return fail("invalid SQ8 parameters");
      }
    }
  }
  const size_t row_payload = params_.sq8 ? dim : dim * sizeof(float);
  lists_.resize(lists);
  Bitset seen(n);
  uint64_t total = 0;
  for (List& l : lists_) {
    uint64_t size = 0;
    if (!r.Get(&size, "list size").ok()) return fail("truncated list size");
    if (!r.CanRead(size, 4 + row_payload)) return fail("list size exceeds the image");
    l.rows.resize(size);
    (params_.sq8 ? l.codes.resize(size * dim) : l.vectors.resize(size * dim));
    void* payload = params_.sq8 ? static_cast<void*>(l.codes.data()) : l.vectors.data();
    if (!r.GetBytes(l.rows.data(), size * 4, "rows").ok() ||
        !r.GetBytes(payload, size * row_payload, "vectors").ok()) {
      return fail("truncated list");
    }
    for (uint32_t row : l.rows) {
      if (row >= n || seen.test(row)) return fail("list holds a missing or repeated row");
      seen.set(row);
    }
    total += size;
  }
  if (total != n || r.remaining() != 0) return fail("row count does not match the lists");
  ranker_.Build(centroids_.data(), lists_.size(), dim);
  n_ = static_cast<int64_t>(n);
  return Status::OK();
}

}  // namespace elanus::index
