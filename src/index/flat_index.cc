#include "index/flat_index.h"

#include <algorithm>

#include "index/index_format.h"
#include "index/index_registry.h"
#include "index/index_util.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

template <bool kBinary>
Result<std::unique_ptr<VectorIndex>> CreateFlat(const IndexSpec& spec, const ParamMap&) {
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<FlatIndex> index, FlatIndex::Create(spec, kBinary));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

constexpr size_t kBlock = 256;  // rows per batch-kernel call

}  // namespace

ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(FlatIndex::kFloatTypeName),
                                          &CreateFlat<false>}));
ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(FlatIndex::kBinaryTypeName),
                                          &CreateFlat<true>}));

Result<std::unique_ptr<FlatIndex>> FlatIndex::Create(const IndexSpec& spec, bool binary) {
  ELANUS_RETURN_IF_ERROR(spec.Validate());
  if (binary != (spec.data_type == DataType::kBinaryVector)) {
    return Status::InvalidArgument(std::string("index_type ") +
                                   std::string(binary ? kBinaryTypeName : kFloatTypeName) +
                                   " does not support " + VectorTypeName(spec.data_type) +
                                   (binary ? " (use FLAT)" : " (use BIN_FLAT)"));
  }
  return std::unique_ptr<FlatIndex>(new FlatIndex(spec, binary));
}

Status FlatIndex::Build(const void* vectors, int64_t n, ThreadPool* pool) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, 0));
  n_ = 0;
  floats_.clear();
  bytes_.clear();
  return Add(vectors, n, pool);
}

Status FlatIndex::Add(const void* vectors, int64_t n, ThreadPool*) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, n_));
  if (n == 0) return Status::OK();
  if (binary_) {
    const auto* p = static_cast<const uint8_t*>(vectors);
    bytes_.insert(bytes_.end(), p, p + static_cast<size_t>(n) * spec_.RowBytes());
  } else {
    const size_t old = floats_.size();
    floats_.resize(old + static_cast<size_t>(n * spec_.dim));
    ToFloatRows(spec_, vectors, n, floats_.data() + old);
  }
  n_ += n;
  return Status::OK();
}

Result<SearchParams> FlatIndex::ParseSearchParams(const ParamMap&, int64_t) const {
  return SearchParams{};
}

template <typename Fn>
void FlatIndex::Scan(const void* query, const Bitset* allowed, Fn&& fn) const {
  const auto dim = static_cast<size_t>(spec_.dim);
  if (binary_) {
    const auto* q = static_cast<const uint8_t*>(query);
    const size_t nb = spec_.RowBytes();
    for (int64_t i = 0; i < n_; ++i) {
      if (allowed && !allowed->test(static_cast<size_t>(i))) continue;
      const uint8_t* row = bytes_.data() + static_cast<size_t>(i) * nb;
      fn(i, spec_.metric == MetricType::kHamming ? static_cast<float>(simd::Hamming(q, row, nb))
                                                 : simd::Jaccard(q, row, nb));
    }
    return;
  }
  std::vector<float> q(dim);
  ToFloatRows(spec_, query, 1, q.data());
  float dist[kBlock];
  const bool l2 = spec_.metric == MetricType::kL2;
  for (int64_t start = 0; start < n_; start += static_cast<int64_t>(kBlock)) {
    const size_t len = std::min(kBlock, static_cast<size_t>(n_ - start));
    const size_t s = static_cast<size_t>(start);
    if (allowed) {  // skip blocks with no allowed row (selective filters)
      bool any = false;
      for (size_t w = s / 64; w <= (s + len - 1) / 64 && !any; ++w) any = allowed->words()[w] != 0;
      if (!any) continue;
    }
    const float* base = floats_.data() + s * dim;
    if (l2) {
      simd::L2SqrBatch(q.data(), base, len, dim, dist);
    } else {
      simd::InnerProductBatch(q.data(), base, len, dim, dist);
    }
    for (size_t i = 0; i < len; ++i) {
      if (allowed && !allowed->test(s + i)) continue;
      fn(start + static_cast<int64_t>(i), l2 ? dist[i] : -dist[i]);
    }
  }
}

Status FlatIndex::Search(const void* query, int64_t k, const Bitset* allowed, const SearchParams&,
                         std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, k, allowed, n_, out));
  TopK top(static_cast<size_t>(k));
  Scan(query, allowed, [&](int64_t row, float d) { top.Push(d, row); });
  top.Drain(spec_.metric, out);
  return Status::OK();
}

Status FlatIndex::RangeSearch(const void* query, float radius, std::optional<float> range_filter,
                              int64_t limit, const Bitset* allowed, const SearchParams&,
                              std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, 1, allowed, n_, out));
  std::vector<std::pair<float, int64_t>> hits;
  Scan(query, allowed, [&](int64_t row, float d) {
    if (InRange(spec_.metric, ScoreFromDistance(spec_.metric, d), radius, range_filter)) {
      hits.emplace_back(d, row);
    }
  });
  std::sort(hits.begin(), hits.end());
  if (limit > 0 && hits.size() > static_cast<size_t>(limit))
    hits.resize(static_cast<size_t>(limit));
  out->clear();
  for (const auto& [d, row] : hits) out->push_back({row, ScoreFromDistance(spec_.metric, d)});
  return Status::OK();
}

// Body: u64 n | FLAT: float[n][dim] | BIN_FLAT: u8[n][dim / 8]
Status FlatIndex::Serialize(std::string* out) const {
  std::string body;
  ByteWriter w(&body);
  w.Put<uint64_t>(static_cast<uint64_t>(n_));
  if (binary_) {
    w.PutBytes(bytes_.data(), bytes_.size());
  } else {
    w.PutBytes(floats_.data(), floats_.size() * sizeof(float));
  }
  WriteIndexEnvelope(TypeName(), spec_, body, out);
  return Status::OK();
}

Status FlatIndex::Load(std::string_view data) {
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelopeOfType(data, TypeName()));
  if ((env.spec.data_type == DataType::kBinaryVector) != binary_) {
    return Status::Corruption("FLAT image: vector type does not match the index type");
  }
  n_ = 0;
  floats_.clear();
  bytes_.clear();
  spec_ = env.spec;
  ByteReader r(env.body);
  uint64_t n = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&n, "row count"));
  const size_t row_bytes = binary_ ? spec_.RowBytes() : static_cast<size_t>(spec_.dim) * 4;
  if (n > uint64_t{INT32_MAX} || !r.CanRead(n, row_bytes) || r.remaining() != n * row_bytes) {
    return Status::Corruption("FLAT image: row count does not match its size");
  }
  if (binary_) {
    bytes_.resize(n * row_bytes);
    ELANUS_RETURN_IF_ERROR(r.GetBytes(bytes_.data(), bytes_.size(), "vectors"));
  } else {
    floats_.resize(n * static_cast<size_t>(spec_.dim));
    ELANUS_RETURN_IF_ERROR(r.GetBytes(floats_.data(), n * row_bytes, "vectors"));
  }
  n_ = static_cast<int64_t>(n);
  return Status::OK();
}

}  // namespace elanus::index
