#include "server/service.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "server/error_map.h"
#include "server/pk_filter.h"

namespace elanus::server {
namespace {

// The metric named by index params: a top-level "metric_type" (MilvusClient flattens params) or
// one inside a "params" JSON object (the ORM form). Empty when none is given.
std::string MetricName(const KeyValues& params) {
  for (const auto& [k, v] : params)
    if (k == "metric_type") return v;
  for (const auto& [k, v] : params) {
    if (k != "params") continue;
    nlohmann::json j = nlohmann::json::parse(v, nullptr, false);
    if (j.is_object() && j.contains("metric_type") && j["metric_type"].is_string())
      return j["metric_type"].get<std::string>();
  }
  return "";
}

Status CheckMetricForField(const FieldSchema& f, MetricType m, const std::string& name) {
  bool ok = true;
  switch (f.type) {
    case DataType::kFloatVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector:
      ok = m == MetricType::kL2 || m == MetricType::kIP || m == MetricType::kCosine;
      break;
    case DataType::kBinaryVector:
      ok = m == MetricType::kHamming || m == MetricType::kJaccard;
      break;
    case DataType::kSparseFloatVector:
      ok = m == MetricType::kIP;
      break;
    default:
      break;
  }
  if (!ok || m == MetricType::kNone) {
    return Status::InvalidArgument("metric type '" + name + "' is not supported for field '" +
                                   f.name + "' of type " + DataTypeName(f.type));
  }
  return Status::OK();
}

bool SameParams(KeyValues a, KeyValues b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

ServiceLayer::ServiceLayer(Engine* engine) : engine_(engine) {
  // Session ids only need to be non-zero and distinct within a process lifetime; seeding from the
  // clock keeps them distinct across restarts too.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  next_session_ = std::chrono::duration_cast<std::chrono::milliseconds>(now).count() << 8 | 1;
}

const char* ServiceLayer::ServerVersion() { return "v2.6.0"; }

int64_t ServiceLayer::NewSessionId() { return next_session_.fetch_add(1); }

std::string ServiceLayer::ResolveDatabase(const std::string& body_db,
                                          const std::string& header_db) {
  if (!body_db.empty()) return body_db;
  if (!header_db.empty()) return header_db;
  return kDefaultDatabase;
}

Status ServiceLayer::CreateDatabase(const std::string& db) { return engine_->CreateDatabase(db); }
Status ServiceLayer::DropDatabase(const std::string& db) { return engine_->DropDatabase(db); }
Result<std::vector<std::string>> ServiceLayer::ListDatabases() { return engine_->ListDatabases(); }

Status ServiceLayer::CheckDatabase(const std::string& db) {
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> dbs, engine_->ListDatabases());
  for (const std::string& d : dbs)
    if (d == db) return Status::OK();
  return Status::NotFound("database '" + db + "' does not exist");
}

Result<CollectionInfo> ServiceLayer::Info(const std::string& db, const std::string& coll) {
  return engine_->DescribeCollection(db, coll);
}

Status ServiceLayer::CreateCollection(const std::string& db, CollectionSchema schema,
                                      const CollectionOptions& options) {
  std::string name = schema.name;
  ELANUS_RETURN_IF_ERROR(engine_->CreateCollection(db, std::move(schema)));
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, name));
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = StateLocked(info.id);
  st = CollectionState{};
  st.loaded = false;  // like Milvus: a new collection must be indexed and loaded
  st.options = options;
  return Status::OK();
}

Result<CollectionDescription> ServiceLayer::DescribeCollection(const std::string& db,
                                                               const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, name));
  CollectionDescription d;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(info.id);
    if (it != states_.end()) d.options = it->second.options;
  }
  d.info = std::move(info);
  return d;
}

Result<bool> ServiceLayer::HasCollection(const std::string& db, const std::string& name) {
  return engine_->HasCollection(db, name);
}

Result<std::vector<CollectionInfo>> ServiceLayer::ListCollections(const std::string& db) {
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> names, engine_->ListCollections(db));
  std::vector<CollectionInfo> out;
  for (const std::string& n : names) {
    auto info = Info(db, n);
    if (info.ok()) out.push_back(std::move(*info));  // skip one dropped concurrently
  }
  return out;
}

Status ServiceLayer::DropCollection(const std::string& db, const std::string& name) {
  auto info = Info(db, name);
  if (!info.ok() && info.status().IsNotFound() &&
      info.status().message().rfind("collection '", 0) == 0)
    return Status::OK();  // like Milvus: dropping a missing collection succeeds
  ELANUS_RETURN_IF_ERROR(engine_->DropCollection(db, name));
  if (info.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    states_.erase(info->id);
  }
  return Status::OK();
}

Status ServiceLayer::RenameCollection(const std::string& db, const std::string& old_name,
                                      const std::string& new_db, const std::string& new_name) {
  return engine_->RenameCollection(db, old_name, new_db.empty() ? db : new_db, new_name);
}

Result<CollectionStats> ServiceLayer::GetCollectionStats(const std::string& db,
                                                         const std::string& name) {
  return engine_->GetCollectionStats(db, name);
}

Status ServiceLayer::CreatePartition(const std::string& db, const std::string& coll,
                                     const std::string& name) {
  return engine_->CreatePartition(db, coll, name);
}
Status ServiceLayer::DropPartition(const std::string& db, const std::string& coll,
                                   const std::string& name) {
  return engine_->DropPartition(db, coll, name);
}
Result<bool> ServiceLayer::HasPartition(const std::string& db, const std::string& coll,
                                        const std::string& name) {
  return engine_->HasPartition(db, coll, name);
}
Result<std::vector<PartitionInfo>> ServiceLayer::ListPartitions(const std::string& db,
                                                                const std::string& coll) {
  return engine_->ListPartitions(db, coll);
}

Status ServiceLayer::LoadCollection(const std::string& db, const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  std::lock_guard<std::mutex> lock(mu_);
  StateLocked(info.id).loaded = true;  // data is always resident: loading is instant
  return Status::OK();
}

Status ServiceLayer::ReleaseCollection(const std::string& db, const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  std::lock_guard<std::mutex> lock(mu_);
  StateLocked(info.id).loaded = false;
  return Status::OK();
}

Result<LoadState> ServiceLayer::GetLoadState(const std::string& db, const std::string& coll) {
  auto info = Info(db, coll);
  if (!info.ok()) return info.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = states_.find(info->id);
  bool loaded = it == states_.end() || it->second.loaded;
  return loaded ? LoadState::kLoaded : LoadState::kNotLoad;
}

Status ServiceLayer::CreateIndex(const std::string& db, const std::string& coll,
                                 const std::string& field, std::string index_name,
                                 const KeyValues& params) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  const FieldSchema* f = info.schema.FindField(field);
  if (f == nullptr || f->is_dynamic) {
    return Status::InvalidArgument("cannot create index on field '" + field +
                                   "': it is not in the schema of collection '" + coll + "'");
  }
  if (index_name.empty()) index_name = field;
  IndexDescription idx{index_name, field, 0, params, MetricType::kNone, 0};
  std::string metric = MetricName(params);
  if (IsVectorType(f->type)) {
    if (metric.empty())
      metric = f->type == DataType::kBinaryVector        ? "HAMMING"
               : f->type == DataType::kSparseFloatVector ? "IP"
                                                         : "COSINE";
    idx.metric = ParseMetricType(metric);
    ELANUS_RETURN_IF_ERROR(CheckMetricForField(*f, idx.metric, metric));
  }
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = StateLocked(info.id);
  for (const IndexDescription& e : st.indexes) {
    if (e.field_name == field || e.index_name == index_name) {
      if (e.field_name == field && e.index_name == index_name && SameParams(e.params, params))
        return Status::OK();  // idempotent, as in Milvus
      return Status::InvalidArgument("at most one distinct index is allowed per field: field '" +
                                     field + "' already has index '" + e.index_name + "'");
    }
  }
  idx.index_id = next_index_id_.fetch_add(1);
  st.indexes.push_back(std::move(idx));
  return Status::OK();
}

Result<std::vector<IndexDescription>> ServiceLayer::DescribeIndex(const std::string& db,
                                                                  const std::string& coll,
                                                                  const std::string& field,
                                                                  const std::string& index_name) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  ELANUS_ASSIGN_OR_RETURN(CollectionStats stats, engine_->GetCollectionStats(db, coll));
  std::vector<IndexDescription> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const IndexDescription& e : StateLocked(info.id).indexes) {
      if (!field.empty() && e.field_name != field) continue;
      if (!index_name.empty() && e.index_name != index_name) continue;
      out.push_back(e);
      out.back().total_rows = static_cast<int64_t>(stats.row_count);
    }
  }
  if (out.empty()) return IndexNotFoundError("collection=" + coll);
  return out;
}

Status ServiceLayer::DropIndex(const std::string& db, const std::string& coll,
                               const std::string& field, const std::string& index_name) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = StateLocked(info.id);
  for (auto it = st.indexes.begin(); it != st.indexes.end(); ++it) {
    if (!field.empty() && it->field_name != field) continue;
    if (!index_name.empty() && it->index_name != index_name) continue;
    if (st.loaded) {
      return Status::FailedPrecondition("index cannot be dropped, collection '" + coll +
                                        "' is loaded, please release it first");
    }
    st.indexes.erase(it);
    return Status::OK();
  }
  return Status::OK();  // Milvus: dropping a missing index succeeds
}

Result<MutationResult> ServiceLayer::Insert(const std::string& db, const std::string& coll,
                                            const std::string& partition,
                                            const std::vector<FieldColumn>& data) {
  return engine_->Insert(db, coll, partition, data);
}

Result<MutationResult> ServiceLayer::Upsert(const std::string& db, const std::string& coll,
                                            const std::string& partition,
                                            const std::vector<FieldColumn>& data) {
  return engine_->Upsert(db, coll, partition, data);
}

Result<MutationResult> ServiceLayer::Delete(const std::string& db, const std::string& coll,
                                            const std::string& partition,
                                            const std::string& filter) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  const FieldSchema* pk = info.schema.PrimaryKey();
  if (pk != nullptr) {
    if (auto keys = ParsePkInFilter(filter, *pk))
      return engine_->Delete(db, coll, partition, *keys);
  }
  return engine_->DeleteByFilter(db, coll, partition, filter);
}

Result<SearchResult> ServiceLayer::Search(SearchRequest request) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(request.db, request.collection));
  std::string field = request.anns_field;
  if (field.empty()) {
    for (const FieldSchema& f : info.schema.fields)
      if (IsVectorType(f.type)) {
        if (!field.empty()) {
          return Status::InvalidArgument("collection '" + request.collection +
                                         "' has several vector fields: set anns_field");
        }
        field = f.name;
      }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(info.id);
    if (it != states_.end()) {
      if (!it->second.loaded) return CollectionNotLoadedError(request.collection);
      for (const IndexDescription& idx : it->second.indexes) {
        if (idx.field_name != field || idx.metric == MetricType::kNone) continue;
        if (request.metric == MetricType::kNone) {
          request.metric = idx.metric;
        } else if (request.metric != idx.metric) {
          return Status::InvalidArgument(std::string("metric type not match: expected=") +
                                         MetricTypeName(idx.metric) +
                                         ", actual=" + MetricTypeName(request.metric));
        }
      }
    }
  }
  request.anns_field = field;
  return engine_->Search(request);
}

Result<QueryResult> ServiceLayer::Query(QueryRequest request) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(request.db, request.collection));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(info.id);
    if (it != states_.end() && !it->second.loaded)
      return CollectionNotLoadedError(request.collection);
  }
  const FieldSchema* pk = info.schema.PrimaryKey();
  if (pk != nullptr && !request.filter.empty() && !request.ids) {
    if (auto keys = ParsePkInFilter(request.filter, *pk)) {
      request.ids = std::move(*keys);
      request.filter.clear();
    }
  }
  return engine_->Query(request);
}

Result<uint64_t> ServiceLayer::Flush(const std::string& db, const std::string& coll) {
  ELANUS_RETURN_IF_ERROR(engine_->Flush(db, coll));
  return engine_->AllocTimestamp();
}

Status ServiceLayer::FlushAll() {
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> dbs, engine_->ListDatabases());
  Status first;
  for (const std::string& db : dbs) {
    auto names = engine_->ListCollections(db);
    if (!names.ok()) continue;
    for (const std::string& n : *names) {
      Status st = engine_->Flush(db, n);
      if (!st.ok() && first.ok()) first = st;
    }
  }
  return first;
}

}  // namespace elanus::server
