// ServiceLayer: reads — consistency levels, search, query, hybrid search, search iterators.
#include <algorithm>
#include <cmath>
#include <limits>

#include "server/error_map.h"
#include "server/pk_filter.h"
#include "server/service.h"
#include "types/batch.h"

namespace elanus::server {
namespace {

constexpr int kLogicalBits = 18;  // hybrid timestamps: physical ms << 18 | logical
constexpr size_t kMaxIterators = 4096;
constexpr int64_t kMaxTopK = 16384;

MetricType DefaultMetric(DataType t) {
  if (t == DataType::kBinaryVector) return MetricType::kHamming;
  if (t == DataType::kSparseFloatVector) return MetricType::kIP;
  return MetricType::kCosine;
}

// Keeps hit rows `keep` of `in` (one query), in order.
SearchResult SelectHits(const SearchResult& in, const std::vector<size_t>& keep) {
  SearchResult out;
  out.nq = 1;
  out.topks = {static_cast<int64_t>(keep.size())};
  out.snapshot_ts = in.snapshot_ts;
  size_t rows = in.ids.size();
  out.fields.resize(in.fields.size());
  for (size_t r : keep) {
    if (!in.ids.ints.empty()) out.ids.ints.push_back(in.ids.ints[r]);
    if (!in.ids.strings.empty()) out.ids.strings.push_back(in.ids.strings[r]);
    out.scores.push_back(in.scores[r]);
    for (size_t c = 0; c < in.fields.size(); ++c)
      types::AppendColumnRow(in.fields[c], rows, r, &out.fields[c]);
  }
  for (size_t c = 0; c < in.fields.size(); ++c) {
    FieldColumn& col = out.fields[c];
    if (col.name.empty()) {  // no hits: keep the column's identity
      col.name = in.fields[c].name;
      col.type = in.fields[c].type;
      col.dim = in.fields[c].dim;
      col.element_type = in.fields[c].element_type;
    }
    types::ClearValidityIfAllValid(&col);
  }
  return out;
}

}  // namespace

Result<uint64_t> ServiceLayer::Snapshot(const std::string& db, const std::string& coll,
                                        int64_t coll_id, const ReadConsistency& rc) {
  if (rc.iterator && rc.guarantee_ts > 1) return rc.guarantee_ts;  // a pinned iterator snapshot
  int32_t level = rc.level;
  if (rc.use_default) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = meta_.collections.find(coll_id);
    level =
        it != meta_.collections.end() ? it->second.options.consistency_level : kConsistencyBounded;
  }
  uint64_t guarantee = 0;
  switch (level) {
    case kConsistencyStrong:
      return engine_->AllocTimestamp();  // the engine waits for writes below it
    case kConsistencySession:
    case kConsistencyCustomized:
      guarantee = rc.guarantee_ts;
      break;
    case kConsistencyBounded: {
      uint64_t now_ms = engine_->AllocTimestamp() >> kLogicalBits;
      uint64_t ms = now_ms > options_.graceful_time_ms ? now_ms - options_.graceful_time_ms : 0;
      guarantee = ms << kLogicalBits;
      break;
    }
    default:  // Eventually
      return 0;
  }
  if (guarantee <= 1) return 0;
  // "At least G": the newest applied state when it already covers G, else G itself (the engine
  // then waits for writes in flight below G).
  ELANUS_ASSIGN_OR_RETURN(uint64_t applied, engine_->AppliedTimestamp(db, coll));
  return applied >= guarantee ? 0 : guarantee;
}

Status ServiceLayer::PrepareSearch(SearchRequest* request, CollectionInfo* info) {
  ELANUS_ASSIGN_OR_RETURN(*info, Info(request->db, request->collection));
  request->collection = info->schema.name;
  std::string field = request->anns_field;
  if (field.empty()) {
    for (const FieldSchema& f : info->schema.fields)
      if (IsVectorType(f.type)) {
        if (!field.empty()) {
          return Status::InvalidArgument("collection '" + request->collection +
                                         "' has several vector fields: set anns_field");
        }
        field = f.name;
      }
  }
  const FieldSchema* f = info->schema.FindField(field);
  if (f == nullptr || !IsVectorType(f->type)) {
    return Status::InvalidArgument("anns_field '" + field +
                                   "' is not a vector field of collection '" + request->collection +
                                   "'");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = meta_.collections.find(info->id);
    if (it != meta_.collections.end()) {
      if (!it->second.loaded) return CollectionNotLoadedError(request->collection);
      for (const IndexDescription& idx : it->second.indexes) {
        if (idx.field_name != field || idx.metric == MetricType::kNone) continue;
        if (request->metric == MetricType::kNone) {
          request->metric = idx.metric;
        } else if (request->metric != idx.metric) {
          return Status::InvalidArgument(std::string("metric type not match: expected=") +
                                         MetricTypeName(idx.metric) +
                                         ", actual=" + MetricTypeName(request->metric));
        }
      }
    }
  }
  if (request->metric == MetricType::kNone) request->metric = DefaultMetric(f->type);
  request->anns_field = field;
  return Status::OK();
}

Result<SearchResult> ServiceLayer::Search(SearchRequest request, const ReadConsistency& rc) {
  CollectionInfo info;
  ELANUS_RETURN_IF_ERROR(PrepareSearch(&request, &info));
  ELANUS_ASSIGN_OR_RETURN(request.snapshot_ts, Snapshot(request.db, info.schema.name, info.id, rc));
  return engine_->Search(request);
}

Result<QueryResult> ServiceLayer::Query(QueryRequest request, const ReadConsistency& rc) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(request.db, request.collection));
  request.collection = info.schema.name;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = meta_.collections.find(info.id);
    if (it != meta_.collections.end() && !it->second.loaded)
      return CollectionNotLoadedError(request.collection);
  }
  const FieldSchema* pk = info.schema.PrimaryKey();
  if (pk != nullptr && !request.filter.empty() && !request.ids && request.filter_params.empty()) {
    if (auto keys = ParsePkInFilter(request.filter, *pk)) {
      request.ids = std::move(*keys);
      request.filter.clear();
    }
  }
  ELANUS_ASSIGN_OR_RETURN(request.snapshot_ts, Snapshot(request.db, info.schema.name, info.id, rc));
  return engine_->Query(request);
}

Result<SearchResult> ServiceLayer::HybridSearch(HybridSearchRequest h, const ReadConsistency& rc) {
  if (h.requests.empty() || h.requests.size() > 1024) {
    return Status::InvalidArgument("hybrid search takes 1 to 1024 search requests, got " +
                                   std::to_string(h.requests.size()));
  }
  if (h.limit < 1 || h.offset < 0 || h.limit + h.offset > kMaxTopK) {
    return Status::InvalidArgument("hybrid search: limit = " + std::to_string(h.limit) +
                                   ", offset = " + std::to_string(h.offset) +
                                   ": need limit >= 1, offset >= 0 and limit + offset <= 16384");
  }
  CollectionInfo info;
  std::vector<MetricType> metrics;
  for (SearchRequest& r : h.requests) {
    r.db = h.db;
    r.collection = h.collection;
    if (r.partitions.empty()) r.partitions = h.partitions;
    r.output_fields = h.output_fields;
    r.offset = 0;
    r.round_decimal = -1;  // rounding applies to the fused scores
    ELANUS_RETURN_IF_ERROR(PrepareSearch(&r, &info));
    metrics.push_back(r.metric);
  }
  ELANUS_ASSIGN_OR_RETURN(uint64_t snapshot, Snapshot(h.db, info.schema.name, info.id, rc));
  std::vector<SearchResult> subs;
  for (SearchRequest& r : h.requests) {
    r.snapshot_ts = snapshot;
    ELANUS_ASSIGN_OR_RETURN(SearchResult res, engine_->Search(r));
    if (snapshot == 0) snapshot = res.snapshot_ts;  // every sub-search reads the same state
    subs.push_back(std::move(res));
  }
  ELANUS_ASSIGN_OR_RETURN(auto fused, FuseHits(h.ranker, subs, metrics, h.limit, h.offset));

  SearchResult out;
  out.nq = fused.size();
  out.snapshot_ts = snapshot;
  const std::vector<FieldColumn>& proto_cols = subs[0].fields;
  out.fields.resize(proto_cols.size());
  double scale = h.round_decimal >= 0 ? std::pow(10.0, h.round_decimal) : 0;
  for (const auto& hits : fused) {
    out.topks.push_back(static_cast<int64_t>(hits.size()));
    for (const FusedHit& hit : hits) {
      const SearchResult& src = subs[hit.source];
      if (!src.ids.ints.empty()) out.ids.ints.push_back(src.ids.ints[hit.row]);
      if (!src.ids.strings.empty()) out.ids.strings.push_back(src.ids.strings[hit.row]);
      float score = hit.score;
      if (scale > 0) score = static_cast<float>(std::round(score * scale) / scale);
      out.scores.push_back(score);
      for (size_t c = 0; c < proto_cols.size(); ++c) {
        // Columns follow the same output field list in every sub-result; match by name anyway.
        const FieldColumn* col = nullptr;
        for (const FieldColumn& sc : src.fields)
          if (sc.name == proto_cols[c].name) col = &sc;
        if (col != nullptr) types::AppendColumnRow(*col, src.ids.size(), hit.row, &out.fields[c]);
      }
    }
  }
  for (size_t c = 0; c < out.fields.size(); ++c) {
    FieldColumn& col = out.fields[c];
    if (col.name.empty()) {
      col.name = proto_cols[c].name;
      col.type = proto_cols[c].type;
      col.dim = proto_cols[c].dim;
      col.element_type = proto_cols[c].element_type;
    }
    types::ClearValidityIfAllValid(&col);
  }
  return out;
}

Result<SearchIteratorResult> ServiceLayer::SearchIterator(SearchRequest request,
                                                          const SearchIteratorPage& page,
                                                          const ReadConsistency& rc) {
  CollectionInfo info;
  if (!request.group_by_field.empty())
    return Status::NotSupported("search iterator with group_by_field");
  if (request.query_ids) return Status::NotSupported("search iterator by primary keys (ids)");
  ELANUS_RETURN_IF_ERROR(PrepareSearch(&request, &info));
  if (request.queries.NumRows() != 1)
    return Status::InvalidArgument("search iterator: exactly one query vector is supported");
  if (page.batch_size < 1 || page.batch_size > kMaxTopK) {
    return Status::InvalidArgument("search iterator: batch size " +
                                   std::to_string(page.batch_size) + " is out of range [1, 16384]");
  }
  ELANUS_ASSIGN_OR_RETURN(request.snapshot_ts, Snapshot(request.db, info.schema.name, info.id, rc));
  bool smaller = SmallerIsBetter(request.metric);
  IteratorState state;
  bool known = false;
  std::string token = page.token;
  if (token.empty())
    token = "elanus-it-" + std::to_string(next_iterator_.fetch_add(1)) + "-" +
            std::to_string(engine_->AllocTimestamp());
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = iterators_.find(token);
    if (it != iterators_.end()) {
      state = it->second;
      known = true;
    }
  }
  size_t excluded = 0;
  float bound = 0;
  if (page.last_bound) {
    bound = *page.last_bound;
    // Keep hits at the bound or worse (range_filter is inclusive); drop at-bound hits already
    // returned below. A user range narrows the window further.
    double b = bound;
    double inf = std::numeric_limits<double>::infinity();
    if (smaller) {
      request.range_filter = request.range_filter ? std::max(*request.range_filter, b) : b;
      if (!request.radius) request.radius = inf;
      if (!(*request.range_filter < *request.radius)) request.limit = 0;
    } else {
      request.range_filter = request.range_filter ? std::min(*request.range_filter, b) : b;
      if (!request.radius) request.radius = -inf;
      if (!(*request.range_filter > *request.radius)) request.limit = 0;
    }
    known = known && state.last_bound == bound;
    excluded = known ? state.int_keys.size() + state.str_keys.size() : 16;  // slack for ties
  }
  SearchIteratorResult out;
  out.token = token;
  out.last_bound = bound;
  if (page.last_bound && request.limit == 0) {  // the window is empty: the iterator is done
    out.result.nq = 1;
    out.result.topks = {0};
    out.result.snapshot_ts = request.snapshot_ts;
    return out;
  }
  request.offset = 0;
  request.limit = std::min<int64_t>(kMaxTopK, page.batch_size + static_cast<int64_t>(excluded));
  ELANUS_ASSIGN_OR_RETURN(SearchResult res, engine_->Search(request));

  std::vector<size_t> keep;
  for (size_t r = 0; r < res.ids.size() && static_cast<int64_t>(keep.size()) < page.batch_size;
       ++r) {
    if (page.last_bound && res.scores[r] == bound) {
      if (!known) continue;  // unknown iterator: the bound is exclusive
      bool seen = res.ids.ints.empty() ? state.str_keys.count(res.ids.strings[r]) > 0
                                       : state.int_keys.count(res.ids.ints[r]) > 0;
      if (seen) continue;
    }
    keep.push_back(r);
  }
  out.result = SelectHits(res, keep);
  if (!keep.empty()) {
    float last = res.scores[keep.back()];
    if (!(known && last == state.last_bound)) state = IteratorState{};
    state.last_bound = last;
    for (size_t r : keep) {
      if (res.scores[r] != last) continue;
      if (res.ids.ints.empty())
        state.str_keys.insert(res.ids.strings[r]);
      else
        state.int_keys.insert(res.ids.ints[r]);
    }
    out.last_bound = last;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (iterators_.find(token) == iterators_.end()) {
    iterator_order_.push_back(token);
    if (iterator_order_.size() > kMaxIterators) {
      iterators_.erase(iterator_order_.front());
      iterator_order_.pop_front();
    }
  }
  if (!keep.empty() || iterators_.find(token) == iterators_.end()) iterators_[token] = state;
  return out;
}

}  // namespace elanus::server
