#include "server/service.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "server/error_map.h"
#include "server/pk_filter.h"

namespace elanus::server {
namespace {

// The metric named by index params: a top-level "metric_type" (MilvusClient flattens params) or
// one inside a "params" JSON object (the ORM form). Empty when none is given.
// Milvus index parameters (flattened MilvusClient pairs, or the ORM's `params` JSON) as the
// engine's IndexParams.
IndexParams EngineIndexParams(const std::string& field, const std::string& name,
                              const KeyValues& kvs) {
  IndexParams p;
  p.field_name = field;
  p.index_name = name;
  for (const auto& [k, v] : kvs) {
    if (k == "index_type") {
      p.index_type = v;
    } else if (k == "metric_type") {
      p.metric = ParseMetricType(v);
    } else if (k == "params") {
      nlohmann::json j = nlohmann::json::parse(v, nullptr, false);
      if (!j.is_object()) continue;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "index_type" && it->is_string())
          p.index_type = it->get<std::string>();
        else if (it.key() == "metric_type" && it->is_string())
          p.metric = ParseMetricType(it->get<std::string>());
        else
          p.params[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
      }
    } else {
      p.params[k] = v;
    }
  }
  return p;
}

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

ServiceLayer::ServiceLayer(Engine* engine, ServiceOptions options)
    : engine_(engine), options_(std::move(options)) {
  // Session ids only need to be non-zero and distinct within a process lifetime; seeding from the
  // clock keeps them distinct across restarts too.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  next_session_ = std::chrono::duration_cast<std::chrono::milliseconds>(now).count() << 8 | 1;
}

namespace {
constexpr const char* kServerMetaKey = "catalog";  // Engine server-meta key (meta_in_engine)
}  // namespace

Status ServiceLayer::LoadMeta() {
  if (!options_.meta_in_engine) {
    ELANUS_ASSIGN_OR_RETURN(ServerMeta meta, LoadServerMeta(options_.meta_path));
    std::lock_guard<std::mutex> lock(mu_);
    meta_ = std::move(meta);
    return Status::OK();
  }
  ELANUS_ASSIGN_OR_RETURN(auto stored, engine_->GetServerMeta(kServerMetaKey));
  ServerMeta meta;
  if (stored) {
    ELANUS_ASSIGN_OR_RETURN(meta, DecodeServerMeta(*stored));
  } else if (!options_.meta_path.empty() && std::filesystem::exists(options_.meta_path)) {
    // A data directory from before the metadata moved into the engine: import the file once.
    ELANUS_ASSIGN_OR_RETURN(meta, LoadServerMeta(options_.meta_path));
    ELANUS_RETURN_IF_ERROR(engine_->PutServerMeta({{kServerMetaKey, EncodeServerMeta(meta)}}));
    std::error_code ec;
    std::filesystem::rename(options_.meta_path, options_.meta_path + ".migrated", ec);
    if (ec) {
      return Status::IOError("renaming '" + options_.meta_path + "' after import: " + ec.message());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  meta_ = std::move(meta);
  return Status::OK();
}

Status ServiceLayer::SaveLocked() {
  if (options_.meta_in_engine)
    return engine_->PutServerMeta({{kServerMetaKey, EncodeServerMeta(meta_)}});
  return SaveServerMeta(options_.meta_path, meta_);
}

std::string ServiceLayer::Resolve(const std::string& db, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto d = meta_.aliases.find(db);
  if (d == meta_.aliases.end()) return name;
  auto a = d->second.find(name);
  return a == d->second.end() ? name : a->second;
}

std::vector<std::string> ServiceLayer::AliasesOfLocked(const std::string& db,
                                                       const std::string& coll) {
  std::vector<std::string> out;
  auto d = meta_.aliases.find(db);
  if (d == meta_.aliases.end()) return out;
  for (const auto& [alias, target] : d->second)
    if (coll.empty() || target == coll) out.push_back(alias);
  return out;
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
  return engine_->DescribeCollection(db, Resolve(db, coll));
}

Status ServiceLayer::CreateCollection(const std::string& db, CollectionSchema schema,
                                      const CollectionOptions& options) {
  std::string name = schema.name;
  if (Resolve(db, name) != name) return AliasNameConflictError(name);
  ELANUS_RETURN_IF_ERROR(engine_->CreateCollection(db, std::move(schema)));
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, engine_->DescribeCollection(db, name));
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = meta_.collections[info.id];
  st = CollectionState{};
  st.loaded = false;  // like Milvus: a new collection must be indexed and loaded
  st.options = options;
  return SaveLocked();
}

Result<CollectionDescription> ServiceLayer::DescribeCollection(const std::string& db,
                                                               const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, name));
  CollectionDescription d;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = meta_.collections.find(info.id);
    if (it != meta_.collections.end()) d.options = it->second.options;
    d.aliases = AliasesOfLocked(db, info.schema.name);
  }
  d.info = std::move(info);
  return d;
}

Result<bool> ServiceLayer::HasCollection(const std::string& db, const std::string& name) {
  return engine_->HasCollection(db, Resolve(db, name));
}

Status ServiceLayer::AlterCollectionProperties(const std::string& db, const std::string& name,
                                               const KeyValues& set,
                                               const std::vector<std::string>& delete_keys) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, name));
  std::lock_guard<std::mutex> lock(mu_);
  KeyValues& props = meta_.collections[info.id].options.properties;
  for (const auto& [k, v] : set) {
    auto it = std::find_if(props.begin(), props.end(), [&](const auto& p) { return p.first == k; });
    if (it != props.end())
      it->second = v;
    else
      props.emplace_back(k, v);
  }
  for (const std::string& k : delete_keys) {
    props.erase(
        std::remove_if(props.begin(), props.end(), [&](const auto& p) { return p.first == k; }),
        props.end());
  }
  return SaveLocked();
}

ServiceLayer::Totals ServiceLayer::CountAll() {
  Totals t;
  t.filter_cache = engine_->GetFilterCacheStats();
  auto dbs = engine_->ListDatabases();
  if (!dbs.ok()) return t;
  for (const std::string& db : *dbs) {
    auto names = engine_->ListCollections(db);
    if (!names.ok()) continue;
    t.collections += names->size();
    for (const std::string& n : *names) {
      auto st = engine_->GetCollectionStats(db, n);
      if (!st.ok()) continue;  // dropped meanwhile
      t.rows += st->row_count;
      t.sealed_segments += st->sealed_segments;
      t.growing_segments += st->growing_segments;
    }
  }
  return t;
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
  if (Resolve(db, name) != name) {
    return Status::InvalidArgument("cannot drop the collection via alias '" + name +
                                   "': drop the alias or name the collection");
  }
  auto info = engine_->DescribeCollection(db, name);
  if (!info.ok() && info.status().IsNotFound() &&
      info.status().message().rfind("collection '", 0) == 0)
    return Status::OK();  // like Milvus: dropping a missing collection succeeds
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> aliases = AliasesOfLocked(db, name);
    if (!aliases.empty()) {
      std::string list;
      for (const std::string& a : aliases) list += (list.empty() ? "" : ", ") + a;
      return Status::InvalidArgument("unable to drop collection '" + name +
                                     "' because it has aliases [" + list +
                                     "]: drop the aliases first");
    }
  }
  ELANUS_RETURN_IF_ERROR(engine_->DropCollection(db, name));
  if (info.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    meta_.collections.erase(info->id);
    return SaveLocked();
  }
  return Status::OK();
}

Status ServiceLayer::RenameCollection(const std::string& db, const std::string& old_name,
                                      const std::string& new_db, const std::string& new_name) {
  std::string to_db = new_db.empty() ? db : new_db;
  if (Resolve(to_db, new_name) != new_name) return AliasNameConflictError(new_name);
  std::string from = Resolve(db, old_name);
  std::lock_guard<std::mutex> lock(mu_);  // keeps aliases in step with the rename
  std::vector<std::string> aliases = AliasesOfLocked(db, from);
  if (!aliases.empty() && to_db != db) {
    return Status::InvalidArgument("collection '" + from +
                                   "' has aliases: drop them before moving it to database '" +
                                   to_db + "'");
  }
  ELANUS_RETURN_IF_ERROR(engine_->RenameCollection(db, from, to_db, new_name));
  if (aliases.empty()) return Status::OK();
  for (const std::string& a : aliases) meta_.aliases[db][a] = new_name;
  return SaveLocked();
}

Result<CollectionStats> ServiceLayer::GetCollectionStats(const std::string& db,
                                                         const std::string& name) {
  return engine_->GetCollectionStats(db, Resolve(db, name));
}

Result<std::vector<SegmentInfo>> ServiceLayer::ListSegments(const std::string& db,
                                                            const std::string& name) {
  return engine_->ListSegments(db, Resolve(db, name));
}

Status ServiceLayer::CreatePartition(const std::string& db, const std::string& coll,
                                     const std::string& name) {
  return engine_->CreatePartition(db, Resolve(db, coll), name);
}
Status ServiceLayer::DropPartition(const std::string& db, const std::string& coll,
                                   const std::string& name) {
  return engine_->DropPartition(db, Resolve(db, coll), name);
}
Result<bool> ServiceLayer::HasPartition(const std::string& db, const std::string& coll,
                                        const std::string& name) {
  return engine_->HasPartition(db, Resolve(db, coll), name);
}
Result<std::vector<PartitionInfo>> ServiceLayer::ListPartitions(const std::string& db,
                                                                const std::string& coll) {
  return engine_->ListPartitions(db, Resolve(db, coll));
}

Status ServiceLayer::LoadCollection(const std::string& db, const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = meta_.collections[info.id];
  if (st.loaded) return Status::OK();
  st.loaded = true;  // data is always resident: loading is instant
  return SaveLocked();
}

Status ServiceLayer::ReleaseCollection(const std::string& db, const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = meta_.collections[info.id];
  if (!st.loaded) return Status::OK();
  st.loaded = false;
  return SaveLocked();
}

Result<LoadState> ServiceLayer::GetLoadState(const std::string& db, const std::string& coll) {
  auto info = Info(db, coll);
  if (!info.ok()) return info.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = meta_.collections.find(info->id);
  bool loaded = it == meta_.collections.end() || it->second.loaded;
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
  CollectionState& st = meta_.collections[info.id];
  for (const IndexDescription& e : st.indexes) {
    if (e.field_name == field || e.index_name == index_name) {
      if (e.field_name == field && e.index_name == index_name && SameParams(e.params, params))
        return Status::OK();  // idempotent, as in Milvus
      return Status::InvalidArgument("at most one distinct index is allowed per field: field '" +
                                     field + "' already has index '" + e.index_name + "'");
    }
  }
  // The engine validates, builds and persists vector and scalar indexes; the server keeps the
  // client's parameters.
  ELANUS_RETURN_IF_ERROR(
      engine_->CreateIndex(db, info.schema.name, EngineIndexParams(field, index_name, params)));
  idx.index_id = meta_.next_index_id++;
  st.indexes.push_back(std::move(idx));
  return SaveLocked();
}

Result<std::vector<IndexDescription>> ServiceLayer::DescribeIndex(const std::string& db,
                                                                  const std::string& coll,
                                                                  const std::string& field,
                                                                  const std::string& index_name) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  ELANUS_ASSIGN_OR_RETURN(CollectionStats stats, engine_->GetCollectionStats(db, info.schema.name));
  ELANUS_ASSIGN_OR_RETURN(std::vector<IndexInfo> built,
                          engine_->DescribeIndexes(db, info.schema.name));
  std::vector<IndexDescription> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const IndexDescription& e : meta_.collections[info.id].indexes) {
      if (!field.empty() && e.field_name != field) continue;
      if (!index_name.empty() && e.index_name != index_name) continue;
      out.push_back(e);
      IndexDescription& d = out.back();
      d.total_rows = static_cast<int64_t>(stats.row_count);
      d.indexed_rows = d.total_rows;
      for (const IndexInfo& b : built) {
        if (b.params.index_name != e.index_name) continue;
        // Growing rows are searched exactly and count as pending until their segment is sealed
        // and indexed; the index is finished when every sealed segment has it.
        d.indexed_rows = static_cast<int64_t>(b.indexed_rows);
        d.finished = b.finished;
        d.fail_reason = b.fail_reason;
      }
    }
  }
  if (out.empty()) {
    // Name what was asked for, like Milvus: "index not found[indexName=...]".
    if (!index_name.empty()) return IndexNotFoundError("indexName=" + index_name);
    return IndexNotFoundError("collection=" + coll);
  }
  return out;
}

Status ServiceLayer::DropIndex(const std::string& db, const std::string& coll,
                               const std::string& field, const std::string& index_name) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  std::lock_guard<std::mutex> lock(mu_);
  CollectionState& st = meta_.collections[info.id];
  for (auto it = st.indexes.begin(); it != st.indexes.end(); ++it) {
    if (!field.empty() && it->field_name != field) continue;
    if (!index_name.empty() && it->index_name != index_name) continue;
    if (st.loaded) {
      return Status::FailedPrecondition("index cannot be dropped, collection '" + coll +
                                        "' is loaded, please release it first");
    }
    Status dropped = engine_->DropIndex(db, info.schema.name, it->index_name);
    if (!dropped.ok() && !dropped.IsNotFound()) return dropped;
    st.indexes.erase(it);
    return SaveLocked();
  }
  return Status::OK();  // Milvus: dropping a missing index succeeds
}

Result<MutationResult> ServiceLayer::Insert(const std::string& db, const std::string& coll,
                                            const std::string& partition,
                                            const std::vector<FieldColumn>& data) {
  ELANUS_ASSIGN_OR_RETURN(MutationResult r,
                          engine_->Insert(db, Resolve(db, coll), partition, data));
  rows_inserted_ += r.count;
  return r;
}

Result<MutationResult> ServiceLayer::InsertRows(const std::string& db, const std::string& coll,
                                                const std::string& partition,
                                                std::string_view json_rows) {
  ELANUS_ASSIGN_OR_RETURN(MutationResult r,
                          engine_->InsertRows(db, Resolve(db, coll), partition, json_rows));
  rows_inserted_ += r.count;
  return r;
}

Result<MutationResult> ServiceLayer::UpsertRows(const std::string& db, const std::string& coll,
                                                const std::string& partition,
                                                std::string_view json_rows) {
  ELANUS_ASSIGN_OR_RETURN(MutationResult r,
                          engine_->UpsertRows(db, Resolve(db, coll), partition, json_rows));
  rows_inserted_ += r.count;
  return r;
}

Result<MutationResult> ServiceLayer::Upsert(const std::string& db, const std::string& coll,
                                            const std::string& partition,
                                            const std::vector<FieldColumn>& data) {
  ELANUS_ASSIGN_OR_RETURN(MutationResult r,
                          engine_->Upsert(db, Resolve(db, coll), partition, data));
  rows_inserted_ += r.count;
  return r;
}

Result<MutationResult> ServiceLayer::PartialUpsert(const std::string& db, const std::string& coll,
                                                   const std::string& partition,
                                                   const std::vector<FieldColumn>& data) {
  ELANUS_ASSIGN_OR_RETURN(MutationResult r,
                          engine_->PartialUpsert(db, Resolve(db, coll), partition, data));
  rows_inserted_ += r.count;
  return r;
}

Result<MutationResult> ServiceLayer::Delete(const std::string& db, const std::string& coll,
                                            const std::string& partition, const std::string& filter,
                                            const std::string& filter_params) {
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, coll));
  const std::string& name = info.schema.name;
  const FieldSchema* pk = info.schema.PrimaryKey();
  if (pk != nullptr && filter_params.empty()) {
    if (auto keys = ParsePkInFilter(filter, *pk))
      return engine_->Delete(db, name, partition, *keys);
  }
  return engine_->DeleteByFilter(db, name, partition, filter, filter_params);
}

Result<uint64_t> ServiceLayer::Flush(const std::string& db, const std::string& coll) {
  ELANUS_RETURN_IF_ERROR(engine_->Flush(db, Resolve(db, coll)));
  return engine_->AllocTimestamp();
}

Result<int64_t> ServiceLayer::Compact(const std::string& db, const std::string& coll,
                                      const CompactOptions& options) {
  const std::string name = Resolve(db, coll);
  ELANUS_RETURN_IF_ERROR(engine_->DescribeCollection(db, name).status());
  const auto id = static_cast<int64_t>(engine_->AllocTimestamp());
  std::lock_guard<std::mutex> l(compactions_mu_);
  if (compactions_stopping_) return Status::Unavailable("the server is shutting down");
  compactions_[id] = CompactionStatus{};
  constexpr size_t kKept = 1024;
  while (compactions_.size() > kKept) compactions_.erase(compactions_.begin());
  compaction_queue_.push_back({id, db, name, options});
  if (!compactor_.joinable()) compactor_ = std::thread([this] { CompactionLoop(); });
  compactions_cv_.notify_all();
  return id;
}

void ServiceLayer::CompactionLoop() {
  std::unique_lock<std::mutex> l(compactions_mu_);
  for (;;) {
    compactions_cv_.wait(l, [this] { return compactions_stopping_ || !compaction_queue_.empty(); });
    if (compactions_stopping_) return;
    CompactionJob job = std::move(compaction_queue_.front());
    compaction_queue_.pop_front();
    l.unlock();
    auto plans = engine_->Compact(job.db, job.coll, job.options);
    l.lock();
    auto it = compactions_.find(job.id);
    if (it == compactions_.end()) continue;  // forgotten (1,024 newer ones)
    it->second.done = true;
    it->second.status = plans.status();
    if (plans.ok()) it->second.plans = std::move(plans).value();
  }
}

Result<ServiceLayer::CompactionStatus> ServiceLayer::GetCompaction(int64_t id) {
  std::lock_guard<std::mutex> l(compactions_mu_);
  auto it = compactions_.find(id);
  if (it == compactions_.end()) {
    return Status::NotFound("compaction " + std::to_string(id) +
                            " is unknown (this server keeps the newest 1024 compactions since it "
                            "started)");
  }
  return it->second;
}

void ServiceLayer::StopCompactions() {
  {
    std::lock_guard<std::mutex> l(compactions_mu_);
    compactions_stopping_ = true;
    compaction_queue_.clear();
  }
  compactions_cv_.notify_all();
  if (compactor_.joinable()) compactor_.join();
}

ServiceLayer::~ServiceLayer() { StopCompactions(); }

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
