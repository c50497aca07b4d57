// Exact (FLAT) search: every visible row of every segment is scored; per-task top-k heaps are
// merged deterministically (score, then smaller primary key).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>

#include "engine/output_fields.h"
#include "engine/read_path.h"
#include "index/index_registry.h"
#include "simd/distance.h"
#include "types/value_codec.h"

namespace elanus::engine {
namespace {

constexpr size_t kBlockRows = 4096;

bool MetricAllowed(DataType t, MetricType m) {
  switch (t) {
    case DataType::kBinaryVector:
      return m == MetricType::kHamming || m == MetricType::kJaccard;
    case DataType::kSparseFloatVector:
      return m == MetricType::kIP;
    default:
      return m == MetricType::kL2 || m == MetricType::kIP || m == MetricType::kCosine;
  }
}

MetricType DefaultMetric(DataType t) {
  if (t == DataType::kBinaryVector) return MetricType::kHamming;
  if (t == DataType::kSparseFloatVector) return MetricType::kIP;
  return MetricType::kCosine;
}

struct Hit {
  float key;             // smaller is better (negated score for IP/COSINE)
  int64_t ipk;           // INT64 primary key
  std::string_view spk;  // VARCHAR primary key (points into the segment snapshot)
  uint32_t seg;          // index into the ReadSet
  uint32_t row;          // row within the segment
};

struct HitLess {
  bool string_pk;
  bool operator()(const Hit& a, const Hit& b) const {
    if (a.key != b.key) return a.key < b.key;
    return string_pk ? a.spk < b.spk : a.ipk < b.ipk;
  }
};

// Bounded max-heap of the best k hits.
class TopK {
 public:
  TopK(size_t k, HitLess less) : k_(k), less_(less) { heap_.reserve(k); }
  bool Accepts(float key) const { return heap_.size() < k_ || key <= heap_.front().key; }
  void Push(const Hit& h) {
    if (heap_.size() < k_) {
      heap_.push_back(h);
      std::push_heap(heap_.begin(), heap_.end(), less_);
    } else if (less_(h, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), less_);
      heap_.back() = h;
      std::push_heap(heap_.begin(), heap_.end(), less_);
    }
  }
  std::vector<Hit>& hits() { return heap_; }

 private:
  size_t k_;
  HitLess less_;
  std::vector<Hit> heap_;
};

struct QueryVec {
  const uint8_t* fixed = nullptr;  // dense: one vector
  SparseVector sparse;
  float norm = 0;  // COSINE
};

// Distance of query q to `n` consecutive rows of a fixed-width column; raw metric score.
void ScoreBlock(DataType type, MetricType m, int64_t dim, const QueryVec& q, const uint8_t* base,
                size_t n, float* out) {
  size_t w = FixedWidth(type, dim);
  switch (type) {
    case DataType::kFloatVector: {
      const float* qf = reinterpret_cast<const float*>(q.fixed);
      const float* b = reinterpret_cast<const float*>(base);
      if (m == MetricType::kL2) {
        simd::L2SqrBatch(qf, b, n, dim, out);
      } else {
        simd::InnerProductBatch(qf, b, n, dim, out);
        if (m == MetricType::kCosine) {
          for (size_t i = 0; i < n; ++i) {
            float nb = simd::Norm(b + i * dim, dim);
            out[i] = (nb > 0 && q.norm > 0) ? out[i] / (nb * q.norm) : 0.0f;
          }
        }
      }
      return;
    }
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector: {
      bool f16 = type == DataType::kFloat16Vector;
      const uint16_t* qh = reinterpret_cast<const uint16_t*>(q.fixed);
      for (size_t i = 0; i < n; ++i) {
        const uint16_t* r = reinterpret_cast<const uint16_t*>(base + i * w);
        if (m == MetricType::kL2) {
          out[i] = f16 ? simd::L2SqrF16(qh, r, dim) : simd::L2SqrBF16(qh, r, dim);
        } else {
          float ip = f16 ? simd::InnerProductF16(qh, r, dim) : simd::InnerProductBF16(qh, r, dim);
          if (m == MetricType::kCosine) {
            float nb = f16 ? simd::NormF16(r, dim) : simd::NormBF16(r, dim);
            ip = (nb > 0 && q.norm > 0) ? ip / (nb * q.norm) : 0.0f;
          }
          out[i] = ip;
        }
      }
      return;
    }
    case DataType::kInt8Vector: {
      const int8_t* qi = reinterpret_cast<const int8_t*>(q.fixed);
      for (size_t i = 0; i < n; ++i) {
        const int8_t* r = reinterpret_cast<const int8_t*>(base + i * w);
        if (m == MetricType::kL2) {
          out[i] = simd::L2SqrI8(qi, r, dim);
        } else {
          float ip = simd::InnerProductI8(qi, r, dim);
          if (m == MetricType::kCosine) {
            float nb = simd::NormI8(r, dim);
            ip = (nb > 0 && q.norm > 0) ? ip / (nb * q.norm) : 0.0f;
          }
          out[i] = ip;
        }
      }
      return;
    }
    case DataType::kBinaryVector:
      for (size_t i = 0; i < n; ++i) {
        out[i] = m == MetricType::kHamming
                     ? static_cast<float>(simd::Hamming(q.fixed, base + i * w, w))
                     : simd::Jaccard(q.fixed, base + i * w, w);
      }
      return;
    default:
      return;
  }
}

float QueryNorm(DataType type, const uint8_t* v, int64_t dim) {
  switch (type) {
    case DataType::kFloatVector:
      return simd::Norm(reinterpret_cast<const float*>(v), dim);
    case DataType::kFloat16Vector:
      return simd::NormF16(reinterpret_cast<const uint16_t*>(v), dim);
    case DataType::kBFloat16Vector:
      return simd::NormBF16(reinterpret_cast<const uint16_t*>(v), dim);
    case DataType::kInt8Vector:
      return simd::NormI8(reinterpret_cast<const int8_t*>(v), dim);
    default:
      return 0;
  }
}

}  // namespace

Result<const FieldSchema*> ResolveAnnsField(const CollectionSchema& schema,
                                            const std::string& anns_field) {
  const FieldSchema* field = nullptr;
  if (anns_field.empty()) {
    for (const FieldSchema& f : schema.fields) {
      if (!IsVectorType(f.type)) continue;
      if (field != nullptr) {
        return Status::InvalidArgument("collection '" + schema.name +
                                       "' has several vector fields; set anns_field");
      }
      field = &f;
    }
  } else {
    field = schema.FindField(anns_field);
    if (field == nullptr || !IsVectorType(field->type)) {
      return Status::InvalidArgument("anns_field '" + anns_field +
                                     "' is not a vector field of collection '" + schema.name + "'");
    }
  }
  if (field == nullptr) {
    return Status::InvalidArgument("collection '" + schema.name + "' has no vector field");
  }
  return field;
}

Status PrepareSearch(const CollectionSchema& schema, const std::vector<IndexDef>& indexes,
                     const SearchRequest& req, PreparedSearch* out) {
  ELANUS_ASSIGN_OR_RETURN(const FieldSchema* field, ResolveAnnsField(schema, req.anns_field));
  out->field_pos = static_cast<size_t>(field - schema.fields.data());
  const FieldColumn& q = req.queries;
  if (q.type != field->type) {
    return Status::InvalidArgument(std::string("query vectors of type ") + DataTypeName(q.type) +
                                   " do not match field '" + field->name + "' of type " +
                                   DataTypeName(field->type));
  }
  size_t nq = 0;
  if (field->type == DataType::kSparseFloatVector) {
    nq = q.sparse.size();
  } else {
    size_t w = FixedWidth(field->type, field->dim);
    size_t total = field->type == DataType::kFloatVector ? q.floats.size() * 4 : q.bytes.size();
    if (total % w != 0) {
      return Status::InvalidArgument("query vector size does not match dim " +
                                     std::to_string(field->dim) + " of field '" + field->name +
                                     "'");
    }
    nq = total / w;
  }
  if (nq == 0 || nq > kMaxNq) {
    return Status::InvalidArgument("nq (number of query vectors) " + std::to_string(nq) +
                                   " must be in [1, 16384]");
  }
  if (req.limit < 1 || req.limit > kMaxTopK) {
    return Status::InvalidArgument("limit " + std::to_string(req.limit) + " must be in [1, 16384]");
  }
  if (req.offset < 0 || req.offset + req.limit > kMaxTopK) {
    return Status::InvalidArgument("offset " + std::to_string(req.offset) +
                                   " must be >= 0 with offset + limit <= 16384");
  }
  const IndexDef* def = nullptr;
  for (const IndexDef& d : indexes)
    if (d.field_id == field->field_id) def = &d;
  MetricType m = req.metric;
  if (m == MetricType::kNone) m = def != nullptr ? def->metric : DefaultMetric(field->type);
  if (def != nullptr && m != def->metric) {
    return Status::InvalidArgument(std::string("metric type ") + MetricTypeName(m) +
                                   " does not match the metric " + MetricTypeName(def->metric) +
                                   " of index '" + def->name + "' on field '" + field->name + "'");
  }
  if (!MetricAllowed(field->type, m)) {
    return Status::InvalidArgument(std::string("metric ") + MetricTypeName(m) +
                                   " is not supported for " + DataTypeName(field->type) +
                                   " field '" + field->name + "'");
  }
  if (req.round_decimal < -1 || req.round_decimal > 6) {
    return Status::InvalidArgument("round_decimal " + std::to_string(req.round_decimal) +
                                   " must be in [-1, 6]");
  }
  if (req.range_filter && !req.radius) {
    return Status::InvalidArgument("range_filter requires radius");
  }
  if (req.radius && req.range_filter) {
    bool smaller = SmallerIsBetter(m);
    if (smaller ? !(*req.range_filter < *req.radius) : !(*req.range_filter > *req.radius)) {
      return Status::InvalidArgument(std::string("for metric ") + MetricTypeName(m) +
                                     ", range_filter must be " + (smaller ? "less" : "greater") +
                                     " than radius");
    }
  }
  std::vector<size_t> pos;
  std::vector<std::string> dyn;
  ELANUS_RETURN_IF_ERROR(ResolveOutputFields(schema, req.output_fields, false, &pos, &dyn));
  out->metric = m;
  out->nq = nq;
  out->topk = static_cast<size_t>(req.offset + req.limit);
  out->use_index = def != nullptr && !def->resolved_type.empty();
  if (out->use_index) {
    // Search parameters are validated against the index type even before any segment is built.
    index::IndexSpec spec{field->type, field->dim, def->metric};
    auto probe = index::IndexRegistry::Global().Create(def->resolved_type, spec, def->params);
    if (!probe.ok()) return probe.status();
    ELANUS_ASSIGN_OR_RETURN(
        out->index_params,
        (*probe)->ParseSearchParams(req.search_params, static_cast<int64_t>(out->topk)));
  }
  return Status::OK();
}

Result<SearchResult> ExecuteSearch(const CollectionSchema& schema, const SearchRequest& req,
                                   const PreparedSearch& prep, const ReadSet& rs,
                                   const FilterBits* filter, uint64_t ts, ThreadPool* pool) {
  const FieldSchema& field = schema.fields[prep.field_pos];
  size_t pk_pos = 0;
  while (!schema.fields[pk_pos].is_primary_key) ++pk_pos;
  const bool string_pk = schema.fields[pk_pos].type == DataType::kVarChar;
  const bool smaller = SmallerIsBetter(prep.metric);
  const HitLess less{string_pk};

  // Query vectors.
  std::vector<QueryVec> queries(prep.nq);
  size_t w = FixedWidth(field.type, field.dim);
  for (size_t qi = 0; qi < prep.nq; ++qi) {
    if (field.type == DataType::kSparseFloatVector) {
      SparseVector s = req.queries.sparse[qi];
      std::vector<size_t> order(s.indices.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return s.indices[a] < s.indices[b]; });
      for (size_t k : order) {
        queries[qi].sparse.indices.push_back(s.indices[k]);
        queries[qi].sparse.values.push_back(s.values[k]);
      }
      continue;
    }
    const uint8_t* base = field.type == DataType::kFloatVector
                              ? reinterpret_cast<const uint8_t*>(req.queries.floats.data())
                              : req.queries.bytes.data();
    queries[qi].fixed = base + qi * w;
    if (prep.metric == MetricType::kCosine)
      queries[qi].norm = QueryNorm(field.type, queries[qi].fixed, field.dim);
  }

  // Tasks: (segment, chunk, block of rows).
  struct Task {
    uint32_t seg;
    uint32_t chunk;
    size_t begin, end;                          // rows within the chunk
    const index::VectorIndex* index = nullptr;  // set: search this sealed segment's index
  };
  std::vector<Task> tasks;
  for (size_t s = 0; s < rs.segments.size(); ++s) {
    const auto& chunks = rs.segments[s].snap.chunks;
    if (prep.use_index) {
      auto it = rs.segments[s].snap.indexes.find(field.field_id);
      if (it != rs.segments[s].snap.indexes.end() && chunks.size() == 1 &&
          static_cast<size_t>(it->second->Size()) == rs.segments[s].snap.rows) {
        tasks.push_back({static_cast<uint32_t>(s), 0, 0, chunks[0].rows, it->second.get()});
        continue;
      }
    }
    for (size_t c = 0; c < chunks.size(); ++c) {
      for (size_t b = 0; b < chunks[c].rows; b += kBlockRows) {
        tasks.push_back({static_cast<uint32_t>(s), static_cast<uint32_t>(c), b,
                         std::min(chunks[c].rows, b + kBlockRows)});
      }
    }
  }
  std::vector<std::vector<TopK>> partial(tasks.size());
  std::vector<Status> task_errors(tasks.size());
  auto run_index = [&](size_t t) {
    const Task& task = tasks[t];
    const SegmentRead& sr = rs.segments[task.seg];
    const types::ChunkView& c = sr.snap.chunks[0];
    const types::ColumnView& pk = c.columns[pk_pos];
    const Bitset* bits = filter != nullptr ? &(*filter)[task.seg] : nullptr;
    // Rows the index may return: visible at ts and passing the filter. When every row is visible
    // that is the filter itself (or nothing at all); otherwise only the rows the filter passed are
    // checked for visibility (a per-row check of a 1M-row segment cost ~3 ms per query).
    std::optional<Bitset> allowed;
    const Bitset* allow = bits;
    const bool all_visible = !sr.segment->has_deletes() && sr.segment->max_ts() <= ts;
    auto visible = [&](size_t i) { return c.ts[i] <= ts && sr.segment->DeletedAt(i) > ts; };
    if (!all_visible || (bits != nullptr && bits->size() != c.rows)) {
      if (bits != nullptr && bits->size() == c.rows) {
        allowed.emplace(*bits);
        uint64_t* words = allowed->words();
        for (size_t w = 0; w < allowed->num_words(); ++w) {
          for (uint64_t word = words[w]; word != 0; word &= word - 1) {
            const size_t i = w * 64 + static_cast<size_t>(std::countr_zero(word));
            if (!visible(i)) allowed->reset(i);
          }
        }
      } else {
        allowed.emplace(c.rows);
        for (size_t i = 0; i < c.rows; ++i) {
          if (visible(i) && (bits == nullptr || (i < bits->size() && bits->test(i)))) {
            allowed->set(i);
          }
        }
      }
      allow = &*allowed;
    }
    auto& heaps = partial[t];
    std::vector<index::Neighbor> found;
    for (size_t qi = 0; qi < prep.nq; ++qi) {
      heaps.emplace_back(prep.topk, less);
      const void* qp = field.type == DataType::kSparseFloatVector
                           ? static_cast<const void*>(&queries[qi].sparse)
                           : static_cast<const void*>(queries[qi].fixed);
      found.clear();
      Status st =
          req.radius
              ? task.index->RangeSearch(
                    qp, static_cast<float>(*req.radius),
                    req.range_filter ? std::optional<float>(*req.range_filter) : std::nullopt,
                    static_cast<int64_t>(prep.topk), allow, prep.index_params, &found)
              : task.index->Search(qp, static_cast<int64_t>(prep.topk), allow, prep.index_params,
                                   &found);
      if (!st.ok()) {
        task_errors[t] = st;
        return;
      }
      for (const index::Neighbor& nb : found) {
        if (nb.row < 0 || static_cast<size_t>(nb.row) >= c.rows) continue;
        size_t i = static_cast<size_t>(nb.row);
        if (allow != nullptr && !allow->test(i)) continue;
        Hit h{smaller ? nb.score : -nb.score, 0, {}, task.seg, static_cast<uint32_t>(i)};
        if (string_pk)
          h.spk = pk.var[i];
        else
          h.ipk = pk.As<int64_t>()[i];
        heaps.back().Push(h);
      }
    }
  };
  auto run = [&](size_t t) {
    if (tasks[t].index != nullptr) return run_index(t);
    const Task& task = tasks[t];
    const SegmentRead& sr = rs.segments[task.seg];
    const types::ChunkView& c = sr.snap.chunks[task.chunk];
    const types::ColumnView& vec = c.columns[prep.field_pos];
    const types::ColumnView& pk = c.columns[pk_pos];
    const Bitset* bits = filter != nullptr ? &(*filter)[task.seg] : nullptr;
    size_t n = task.end - task.begin;
    std::vector<uint8_t> visible(n);
    size_t nvisible = 0;
    for (size_t i = 0; i < n; ++i) {
      size_t ci = task.begin + i;
      size_t row = c.row_begin + ci;
      bool v =
          c.ts[ci] <= ts && sr.segment->DeletedAt(row) > ts && (bits == nullptr || bits->test(row));
      visible[i] = v;
      nvisible += v;
    }
    auto& heaps = partial[t];
    if (nvisible == 0) return;
    heaps.reserve(prep.nq);
    std::vector<float> scores(n);
    for (size_t qi = 0; qi < prep.nq; ++qi) {
      heaps.emplace_back(prep.topk, less);
      if (field.type == DataType::kSparseFloatVector) {
        const SparseVector& qs = queries[qi].sparse;
        for (size_t i = 0; i < n; ++i) {
          if (!visible[i]) continue;
          types::SparseView sv = types::ViewSparse(vec.var[task.begin + i]);
          std::vector<uint32_t> idx(sv.count);
          std::vector<float> val(sv.count);
          for (uint32_t k = 0; k < sv.count; ++k) {
            idx[k] = sv.index(k);
            val[k] = sv.value(k);
          }
          scores[i] = simd::SparseInnerProduct(qs.indices.data(), qs.values.data(),
                                               qs.indices.size(), idx.data(), val.data(), sv.count);
        }
      } else {
        ScoreBlock(field.type, prep.metric, field.dim, queries[qi], vec.fixed + task.begin * w, n,
                   scores.data());
      }
      TopK& heap = heaps.back();
      for (size_t i = 0; i < n; ++i) {
        if (!visible[i]) continue;
        float s = scores[i];
        if (req.radius) {
          bool in = smaller ? s < *req.radius : s > *req.radius;
          if (req.range_filter) in &= smaller ? s >= *req.range_filter : s <= *req.range_filter;
          if (!in) continue;
        }
        float key = smaller ? s : -s;
        if (!heap.Accepts(key)) continue;
        size_t ci = task.begin + i;
        Hit h{key, 0, {}, task.seg, static_cast<uint32_t>(c.row_begin + ci)};
        if (string_pk)
          h.spk = pk.var[ci];
        else
          h.ipk = pk.As<int64_t>()[ci];
        heap.Push(h);
      }
    }
  };
  if (pool != nullptr && tasks.size() > 1)
    pool->ParallelFor(tasks.size(), run);
  else
    for (size_t t = 0; t < tasks.size(); ++t) run(t);

  for (const Status& st : task_errors) ELANUS_RETURN_IF_ERROR(st);
  // Merge.
  SearchResult res;
  res.nq = prep.nq;
  res.snapshot_ts = ts;
  std::vector<size_t> out_pos;
  std::vector<std::string> dyn;
  ELANUS_RETURN_IF_ERROR(ResolveOutputFields(schema, req.output_fields, false, &out_pos, &dyn));
  bool star =
      std::find(req.output_fields.begin(), req.output_fields.end(), "*") != req.output_fields.end();
  OutputGatherer gather(schema, out_pos, dyn, star);
  // Snapshots' chunk lists, for locating rows.
  for (size_t qi = 0; qi < prep.nq; ++qi) {
    std::vector<Hit> all;
    for (auto& heaps : partial)
      if (!heaps.empty()) all.insert(all.end(), heaps[qi].hits().begin(), heaps[qi].hits().end());
    std::sort(all.begin(), all.end(), less);
    size_t begin = std::min(all.size(), static_cast<size_t>(req.offset));
    size_t end = std::min(all.size(), prep.topk);
    res.topks.push_back(static_cast<int64_t>(end - begin));
    for (size_t k = begin; k < end; ++k) {
      const Hit& h = all[k];
      float score = smaller ? h.key : -h.key;
      if (req.round_decimal >= 0) {
        double f = std::pow(10.0, req.round_decimal);
        score = static_cast<float>(std::round(score * f) / f);
      }
      res.scores.push_back(score);
      if (string_pk)
        res.ids.strings.emplace_back(h.spk);
      else
        res.ids.ints.push_back(h.ipk);
      const auto& chunks = rs.segments[h.seg].snap.chunks;
      size_t ci = FindChunk(chunks, h.row);
      gather.Add(chunks[ci], h.row - chunks[ci].row_begin);
    }
  }
  res.fields = gather.Take();
  return res;
}

}  // namespace elanus::engine
