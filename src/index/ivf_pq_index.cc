#include "index/ivf_pq_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "index/index_format.h"
#include "index/index_registry.h"
#include "index/index_util.h"
#include "index/ivf_common.h"
#include "index/kmeans.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

constexpr int64_t kMaxNbits = 16;

Result<std::unique_ptr<VectorIndex>> CreateIvfPq(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_RETURN_IF_ERROR(spec.Validate());
  ELANUS_ASSIGN_OR_RETURN(IvfPqParams p, IvfPqParams::Parse(params, spec.dim));
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<IvfPqIndex> index, IvfPqIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

// Load path: the parameters come from the image; m = 1 is a placeholder that Load replaces.
Result<std::unique_ptr<VectorIndex>> CreateIvfPqForLoad(const IndexSpec& spec) {
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<IvfPqIndex> index,
                          IvfPqIndex::Create(spec, IvfPqParams{.m = 1}));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

Status CheckParams(const IvfPqParams& p, int64_t dim) {
  auto bad = [](const char* name, int64_t v, const std::string& rule) {
    return Status::InvalidArgument(std::string("invalid index parameter ") + name + "=" +
                                   std::to_string(v) + ": " + rule);
  };
  if (p.nlist < 1 || p.nlist > kIvfMaxNlist) {
    return bad("nlist", p.nlist, "must be an integer in [1, 65536]");
  }
  if (p.m < 1 || p.m > dim || dim % p.m != 0) {
    return bad("m", p.m, "must divide dim=" + std::to_string(dim) + " (dim % m == 0)");
  }
  if (p.nbits < 1 || p.nbits > kMaxNbits) return bad("nbits", p.nbits, "must be in [1, 16]");
  return Status::OK();
}

}  // namespace

ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(IvfPqIndex::kTypeName), &CreateIvfPq,
                                          &CreateIvfPqForLoad}));

Result<IvfPqParams> IvfPqParams::Parse(const ParamMap& params, int64_t dim) {
  IvfPqParams p;
  ELANUS_ASSIGN_OR_RETURN(p.nlist, ParseIntParam(params, "nlist", 128, 1, kIvfMaxNlist));
  if (params.find("m") == params.end()) {
    return Status::InvalidArgument(
        "index parameter m is required for IVF_PQ: the number of sub-quantizers, a divisor of "
        "dim=" +
        std::to_string(dim));
  }
  ELANUS_ASSIGN_OR_RETURN(p.m, ParseIntParam(params, "m", 0, 1, std::max<int64_t>(dim, 1)));
  ELANUS_ASSIGN_OR_RETURN(p.nbits, ParseIntParam(params, "nbits", 8, 1, kMaxNbits));
  ELANUS_RETURN_IF_ERROR(CheckParams(p, dim));
  return p;
}

Result<std::unique_ptr<IvfPqIndex>> IvfPqIndex::Create(const IndexSpec& spec,
                                                       const IvfPqParams& params) {
  ELANUS_RETURN_IF_ERROR(spec.Validate());
  if (!IsFloatLike(spec.data_type)) {
    return Status::InvalidArgument("index_type IVF_PQ does not support " +
                                   std::string(VectorTypeName(spec.data_type)));
  }
  ELANUS_RETURN_IF_ERROR(CheckParams(params, spec.dim));
  return std::unique_ptr<IvfPqIndex>(new IvfPqIndex(spec, params));
}

void IvfPqIndex::Clear() {
  n_ = 0;
  ksub_ = 0;
  centroids_.clear();
  ranker_.Clear();
  codebooks_.clear();
  lists_.clear();
}

uint32_t IvfPqIndex::CodeAt(const uint8_t* row_codes, size_t s) const {
  if (CodeBytes() == 1) return row_codes[s];
  return static_cast<uint32_t>(row_codes[2 * s]) |
         (static_cast<uint32_t>(row_codes[2 * s + 1]) << 8);
}

Status IvfPqIndex::Build(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, 0));
  Clear();
  if (n == 0) return Status::OK();
  const auto dim = static_cast<size_t>(spec_.dim);
  std::vector<float> rows(static_cast<size_t>(n) * dim);
  ToFloatRows(spec_, vectors, n, rows.data());
  // COSINE rows are unit length: spherical centroids rank lists by angle (L2 to a unit centroid).
  centroids_ =
      TrainKMeans(rows.data(), static_cast<size_t>(n), dim, static_cast<size_t>(params_.nlist),
                  KMeansOptions{.spherical = spec_.metric == MetricType::kCosine}, pool);
  lists_.assign(centroids_.size() / dim, List{});
  ranker_.Build(centroids_.data(), lists_.size(), dim);
  // Codebooks are trained on the residuals of the Build rows.
  std::vector<uint32_t> assign(static_cast<size_t>(n));
  AssignNearest(rows.data(), static_cast<size_t>(n), centroids_.data(), lists_.size(), dim,
                assign.data(), pool);
  std::vector<float> residuals(rows.size());
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    const float* c = centroids_.data() + assign[i] * dim;
    for (size_t j = 0; j < dim; ++j) residuals[i * dim + j] = rows[i * dim + j] - c[j];
  }
  TrainCodebooks(residuals.data(), n, pool);
  Insert(rows.data(), n, 0, pool);
  return Status::OK();
}

Status IvfPqIndex::Add(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, n_));
  if (n == 0) return Status::OK();
  if (lists_.empty()) {
    return Status::FailedPrecondition("IVF_PQ: Add before the index was trained by Build");
  }
  std::vector<float> rows(static_cast<size_t>(n * spec_.dim));
  ToFloatRows(spec_, vectors, n, rows.data());
  Insert(rows.data(), n, n_, pool);
  return Status::OK();
}

void IvfPqIndex::TrainCodebooks(const float* residuals, int64_t n, ThreadPool* pool) {
  const auto dim = static_cast<size_t>(spec_.dim);
  const size_t dsub = Dsub(), m = static_cast<size_t>(params_.m);
  const size_t want = size_t{1} << params_.nbits;
  ksub_ = std::min(want, static_cast<size_t>(n));
  codebooks_.assign(m * ksub_ * dsub, 0.0f);
  std::vector<float> sub(static_cast<size_t>(n) * dsub);
  for (size_t s = 0; s < m; ++s) {
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      std::memcpy(&sub[i * dsub], residuals + i * dim + s * dsub, dsub * sizeof(float));
    }
    KMeansOptions opts;
    opts.seed = 977 + s;
    // 64 training points per codeword (not 256 as for the coarse centroids): codebook training
    // runs m times on low-dimensional sub-vectors and dominates the build otherwise.
    opts.max_points_per_centroid = 64;
    std::vector<float> cb =
        TrainKMeans(sub.data(), static_cast<size_t>(n), dsub, ksub_, opts, pool);
    float* dst = codebooks_.data() + s * ksub_ * dsub;
    const size_t got = cb.size() / dsub;
    // k-means returns min(k, n) codewords; pad (never expected) with the first one.
    for (size_t c = 0; c < ksub_; ++c) {
      std::memcpy(dst + c * dsub, cb.data() + (c < got ? c : 0) * dsub, dsub * sizeof(float));
    }
  }
}

void IvfPqIndex::Insert(const float* rows, int64_t n, int64_t first_row, ThreadPool* pool) {
  const auto dim = static_cast<size_t>(spec_.dim);
  const size_t dsub = Dsub(), m = static_cast<size_t>(params_.m), nn = static_cast<size_t>(n);
  std::vector<uint32_t> assign(nn);
  AssignNearest(rows, nn, centroids_.data(), lists_.size(), dim, assign.data(), pool);
  // codes[s][i]: nearest codeword of row i's residual in sub-space s.
  std::vector<uint32_t> codes(m * nn);
  std::vector<float> sub(nn * dsub);
  for (size_t s = 0; s < m; ++s) {
    for (size_t i = 0; i < nn; ++i) {
      const float* x = rows + i * dim + s * dsub;
      const float* c = centroids_.data() + assign[i] * dim + s * dsub;
      for (size_t j = 0; j < dsub; ++j) sub[i * dsub + j] = x[j] - c[j];
    }
    AssignNearest(sub.data(), nn, codebooks_.data() + s * ksub_ * dsub, ksub_, dsub,
                  codes.data() + s * nn, pool);
  }
  const size_t cb = CodeBytes();
  ReserveIvfLists(lists_, assign.data(), nn, [&](List& list, size_t cap) {
    list.rows.reserve(cap);
    list.codes.reserve(cap * m * cb);
  });
  for (size_t i = 0; i < nn; ++i) {
    List& list = lists_[assign[i]];
    list.rows.push_back(static_cast<uint32_t>(first_row + static_cast<int64_t>(i)));
    for (size_t s = 0; s < m; ++s) {
      const uint32_t c = codes[s * nn + i];
      list.codes.push_back(static_cast<uint8_t>(c & 0xff));
      if (cb == 2) list.codes.push_back(static_cast<uint8_t>(c >> 8));
    }
  }
  n_ = first_row + n;
}

Result<SearchParams> IvfPqIndex::ParseSearchParams(const ParamMap& params, int64_t) const {
  SearchParams sp;
  const int64_t nlist = lists_.empty() ? params_.nlist : static_cast<int64_t>(lists_.size());
  ELANUS_ASSIGN_OR_RETURN(sp.nprobe, ParseIvfNprobe(params, nlist));
  return sp;
}

void IvfPqIndex::ListTable(const float* q, uint32_t list, std::vector<float>* table) const {
  const auto dim = static_cast<size_t>(spec_.dim);
  const size_t dsub = Dsub();
  std::vector<float> r(dim);
  const float* c = centroids_.data() + list * dim;
  for (size_t j = 0; j < dim; ++j) r[j] = q[j] - c[j];
  for (size_t s = 0; s < static_cast<size_t>(params_.m); ++s) {
    simd::L2SqrBatch(r.data() + s * dsub, codebooks_.data() + s * ksub_ * dsub, ksub_, dsub,
                     table->data() + s * ksub_);
  }
}

template <typename Push>
void IvfPqIndex::ScanList(const float* table, float bias, const List& list, const Bitset* allowed,
                          Push&& push) const {
  const size_t m = static_cast<size_t>(params_.m), stride = RowCodeBytes();
  const bool l2 = spec_.metric == MetricType::kL2;
  for (size_t i = 0; i < list.rows.size(); ++i) {
    const uint32_t row = list.rows[i];
    if (allowed != nullptr && !allowed->test(row)) continue;
    const uint8_t* c = list.codes.data() + i * stride;
    float sum = 0;
    if (stride == m) {
      for (size_t s = 0; s < m; ++s) sum += table[s * ksub_ + c[s]];
    } else {
      for (size_t s = 0; s < m; ++s) sum += table[s * ksub_ + CodeAt(c, s)];
    }
    push(row, l2 ? sum : -(bias + sum));
  }
}

template <typename ProbeFn>
Status IvfPqIndex::Probe(const void* query, const Bitset* allowed, const SearchParams& params,
                         std::vector<Neighbor>* out, ProbeFn&& probe) const {
  size_t nprobe = 0;
  ELANUS_RETURN_IF_ERROR(ResolveIvfNprobe(params, lists_.size(), &nprobe));
  out->clear();
  if (n_ == 0) return Status::OK();
  const auto dim = static_cast<size_t>(spec_.dim);
  const size_t dsub = Dsub(), m = static_cast<size_t>(params_.m);
  std::vector<float> q(dim);
  ToFloatRows(spec_, query, 1, q.data());
  IvfListOrder order = ranker_.Rank(centroids_.data(), lists_.size(), dim, q.data(), nprobe);
  const bool l2 = spec_.metric == MetricType::kL2;
  std::vector<float> table(m * ksub_);
  if (!l2) {
    for (size_t s = 0; s < m; ++s) {
      simd::InnerProductBatch(q.data() + s * dsub, codebooks_.data() + s * ksub_ * dsub, ksub_,
                              dsub, table.data() + s * ksub_);
    }
  }
  probe(order, nprobe, [&](uint32_t l, auto&& push) {
    float bias = 0;
    if (l2) {
      ListTable(q.data(), l, &table);
    } else {
      bias = simd::InnerProduct(q.data(), centroids_.data() + l * dim, dim);
    }
    ScanList(table.data(), bias, lists_[l], allowed, push);
  });
  return Status::OK();
}

Status IvfPqIndex::Search(const void* query, int64_t k, const Bitset* allowed,
                          const SearchParams& params, std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, k, allowed, n_, out));
  TopK top(static_cast<size_t>(k));
  ELANUS_RETURN_IF_ERROR(
      Probe(query, allowed, params, out, [&](auto& order, size_t nprobe, auto&& scan) {
        IvfProbeTopK(order, nprobe, allowed != nullptr, &top, static_cast<size_t>(k), scan);
      }));
  top.Drain(spec_.metric, out);
  return Status::OK();
}

Status IvfPqIndex::RangeSearch(const void* query, float radius, std::optional<float> range_filter,
                               int64_t limit, const Bitset* allowed, const SearchParams& params,
                               std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, 1, allowed, n_, out));
  return Probe(query, allowed, params, out, [&](auto& order, size_t nprobe, auto&& scan) {
    IvfProbeRange(order, nprobe, spec_.metric, radius, range_filter, limit, out, scan);
  });
}

size_t IvfPqIndex::MemoryBytes() const {
  size_t bytes =
      (centroids_.capacity() + codebooks_.capacity()) * sizeof(float) + ranker_.MemoryBytes();
  for (const List& l : lists_) bytes += sizeof(List) + l.rows.capacity() * 4 + l.codes.capacity();
  return bytes;
}

// Body: u32 nlist | u32 m | u32 nbits | u64 n | u32 lists | u32 ksub
//       | float centroids[lists][dim] | float codebooks[m][ksub][dim/m]
//       | per list: u64 size, u32 rows[size], u8 codes[size][m * (nbits <= 8 ? 1 : 2)]
Status IvfPqIndex::Serialize(std::string* out) const {
  std::string body;
  ByteWriter w(&body);
  w.Put<uint32_t>(static_cast<uint32_t>(params_.nlist));
  w.Put<uint32_t>(static_cast<uint32_t>(params_.m));
  w.Put<uint32_t>(static_cast<uint32_t>(params_.nbits));
  w.Put<uint64_t>(static_cast<uint64_t>(n_));
  w.Put<uint32_t>(static_cast<uint32_t>(lists_.size()));
  w.Put<uint32_t>(static_cast<uint32_t>(ksub_));
  w.PutBytes(centroids_.data(), centroids_.size() * sizeof(float));
  w.PutBytes(codebooks_.data(), codebooks_.size() * sizeof(float));
  for (const List& l : lists_) {
    w.Put<uint64_t>(l.rows.size());
    w.PutBytes(l.rows.data(), l.rows.size() * 4);
    w.PutBytes(l.codes.data(), l.codes.size());
  }
  WriteIndexEnvelope(TypeName(), spec_, body, out);
  return Status::OK();
}

Status IvfPqIndex::Load(std::string_view data) {
  Clear();
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelopeOfType(data, TypeName()));
  if (!IsFloatLike(env.spec.data_type)) return Status::Corruption("IVF_PQ image: bad type");
  auto fail = [this](const char* msg) {
    Clear();
    return Status::Corruption(std::string("IVF_PQ image: ") + msg);
  };
  ByteReader r(env.body);
  uint32_t nlist = 0, m = 0, nbits = 0, lists = 0, ksub = 0;
  uint64_t n = 0;
  if (!r.Get(&nlist, "nlist").ok() || !r.Get(&m, "m").ok() || !r.Get(&nbits, "nbits").ok() ||
      !r.Get(&n, "row count").ok() || !r.Get(&lists, "list count").ok() ||
      !r.Get(&ksub, "ksub").ok()) {
    return fail("truncated header");
  }
  const IvfPqParams p{nlist, m, nbits};
  if (!CheckParams(p, env.spec.dim).ok() || lists > nlist || n > uint64_t{INT32_MAX} ||
      ksub > (uint32_t{1} << nbits) || (lists > 0) != (ksub > 0)) {
    return fail("invalid header");
  }
  spec_ = env.spec;
  params_ = p;
  const auto dim = static_cast<size_t>(spec_.dim);
  if (!r.CanRead(lists, dim * sizeof(float))) return fail("centroids exceed the image");
  centroids_.resize(static_cast<size_t>(lists) * dim);
  if (!r.GetBytes(centroids_.data(), centroids_.size() * 4, "centroids").ok()) {
    return fail("truncated centroids");
  }
  if (!r.CanRead(ksub, dim * sizeof(float))) return fail("codebooks exceed the image");
  codebooks_.resize(static_cast<size_t>(ksub) * dim);
  if (!r.GetBytes(codebooks_.data(), codebooks_.size() * 4, "codebooks").ok()) {
    return fail("truncated codebooks");
  }
  ksub_ = ksub;
  const size_t stride = RowCodeBytes();
  lists_.resize(lists);
  Bitset seen(n);
  uint64_t total = 0;
  for (List& l : lists_) {
    uint64_t size = 0;
    if (!r.Get(&size, "list size").ok()) return fail("truncated list size");
    if (!r.CanRead(size, 4 + stride)) return fail("list size exceeds the image");
    l.rows.resize(size);
    l.codes.resize(size * stride);
    if (!r.GetBytes(l.rows.data(), size * 4, "rows").ok() ||
        !r.GetBytes(l.codes.data(), l.codes.size(), "codes").ok()) {
      return fail("truncated list");
    }
    for (uint32_t row : l.rows) {
      if (row >= n || seen.test(row)) return fail("list holds a missing or repeated row");
      seen.set(row);
    }
    for (size_t i = 0; i < size; ++i) {
      for (size_t s = 0; s < m; ++s) {
        if (CodeAt(l.codes.data() + i * stride, s) >= ksub_) return fail("code out of range");
      }
    }
    total += size;
  }
  if (total != n || r.remaining() != 0) return fail("row count does not match the lists");
  ranker_.Build(centroids_.data(), lists_.size(), dim);
  n_ = static_cast<int64_t>(n);
  return Status::OK();
}

}  // namespace elanus::index
