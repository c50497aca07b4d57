// Engine: opening, recovery and catalog operations (databases, collections, partitions).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include "engine/catalog_codec.h"
#include "engine/engine_impl.h"
#include "engine/wal_record.h"
#include "types/schema_validator.h"

namespace elanus {

using engine::Collection;
using engine::CollectionMeta;

Engine::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> l(maint_mu_);
    stop_ = true;
  }
  maint_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  {
    std::lock_guard<std::mutex> l(build_mu_);
    build_stop_ = true;
  }
  build_cv_.notify_all();
  if (builder_.joinable()) builder_.join();
}

Status Engine::Impl::Open() {
  if (options_.path.empty()) return Status::InvalidArgument("EngineOptions.path must be set");
  storage::LogOptions lo;
  lo.sync = options_.sync;
  if (options_.backend == EngineOptions::Backend::kDataDir) {
    ELANUS_ASSIGN_OR_RETURN(storage_, storage::OpenDataDir(options_.path, lo));
  } else {
    ELANUS_ASSIGN_OR_RETURN(storage_, storage::OpenSingleFile(options_.path, lo));
  }
  // The calling thread works too, so `threads` total means threads - 1 pool workers.
  size_t threads = options_.threads != 0 ? options_.threads : std::thread::hardware_concurrency();
  if (threads > 1) pool_ = std::make_unique<ThreadPool>(threads - 1);

  ELANUS_ASSIGN_OR_RETURN(auto db_rows, storage_.meta->Scan("db/"));
  for (const auto& [key, value] : db_rows) {
    dbs_[key.substr(3)] = std::strtoull(value.c_str(), nullptr, 10);
  }
  if (!dbs_.count(kDefaultDatabase)) {
    uint64_t ts = clock_.Now();
    ELANUS_RETURN_IF_ERROR(
        storage_.meta->Commit({{engine::DbKey(kDefaultDatabase), std::to_string(ts)}}));
    dbs_[kDefaultDatabase] = ts;
  }
  ELANUS_ASSIGN_OR_RETURN(auto coll_rows, storage_.meta->Scan("coll/"));
  for (const auto& [key, value] : coll_rows) {
    auto meta = engine::DecodeCollectionMeta(value);
    if (!meta.ok()) return meta.status().WithContext("catalog key " + key);
    clock_.AdvanceTo(meta->created_ts);
    for (const auto& s : meta->segments) clock_.AdvanceTo(static_cast<uint64_t>(s.id));
    auto coll =
        std::make_shared<Collection>(std::move(meta).value(), &storage_, &clock_, &options_);
    ELANUS_RETURN_IF_ERROR(coll->Load());
    CollectionMeta m = coll->meta();
    names_[{m.db, m.schema.name}] = m.id;
    colls_[m.id] = std::move(coll);
  }
  ELANUS_RETURN_IF_ERROR(SweepUnreferencedBlobs());
  ELANUS_RETURN_IF_ERROR(Replay());
  maintenance_ = std::thread([this] { MaintenanceLoop(); });
  builder_ = std::thread([this] { IndexBuildLoop(); });
  return Status::OK();
}

Status Engine::Impl::SweepUnreferencedBlobs() {
  std::unordered_set<std::string> live;
  for (const auto& [id, coll] : colls_) {
    const CollectionMeta m = coll->meta();
    for (const auto& sm : m.segments) {
      const std::vector<std::string> blobs = sm.Blobs();
      live.insert(blobs.begin(), blobs.end());
    }
    live.insert(m.deltas.begin(), m.deltas.end());
  }
  ELANUS_ASSIGN_OR_RETURN(auto names, storage_.blobs->List("c"));
  size_t swept = 0;
  for (const std::string& name : names) {
    // Only names of the collection layout ("c<id>/..."); anything else is not ours to judge.
    const size_t slash = name.find('/');
    if (slash == std::string::npos || slash < 2 ||
        name.find_first_not_of("0123456789", 1) != slash || live.count(name) > 0) {
      continue;
    }
    ELANUS_RETURN_IF_ERROR(storage_.blobs->Delete(name));
    ++swept;
  }
  if (swept > 0) {
    std::fprintf(stderr, "elanus: deleted %zu blob(s) no catalog entry references\n", swept);
  }
  return Status::OK();
}

Status Engine::Impl::Replay() {
  if (colls_.empty()) return Status::OK();
  storage::Lsn from = ~storage::Lsn{0};
  for (const auto& [id, c] : colls_) from = std::min<storage::Lsn>(from, c->meta().checkpoint_lsn);
  std::unordered_map<int64_t, storage::Lsn> checkpoints;
  for (const auto& [id, c] : colls_) checkpoints[id] = c->meta().checkpoint_lsn;
  return storage_.log->Replay(from, [&](storage::Lsn lsn, std::string_view rec) -> Status {
    ELANUS_ASSIGN_OR_RETURN(engine::WalHeader h, engine::DecodeWalHeader(&rec));
    clock_.AdvanceTo(h.ts);
    auto it = colls_.find(h.collection_id);
    if (it == colls_.end() || lsn < checkpoints[h.collection_id]) return Status::OK();
    Collection& c = *it->second;
    std::lock_guard<std::mutex> w(c.write_mu());
    if (h.type == engine::WalType::kDelete) {
      int64_t pid;
      if (rec.size() < 8) return Status::Corruption("malformed delete record");
      std::memcpy(&pid, rec.data(), 8);
      rec.remove_prefix(8);
      ELANUS_ASSIGN_OR_RETURN(PrimaryKeys keys, engine::DecodeKeys(&rec));
      c.ApplyDelete(h.ts, pid, keys, lsn);
      return Status::OK();
    }
    if (h.type == engine::WalType::kUpsert) {
      ELANUS_ASSIGN_OR_RETURN(PrimaryKeys keys, engine::DecodeKeys(&rec));
      c.ApplyDelete(h.ts, -1, keys, lsn);
    }
    ELANUS_ASSIGN_OR_RETURN(engine::InsertPayload p, engine::DecodeInsert(c.schema(), &rec));
    c.ApplyInsert(h.ts, p.row_partitions, p.batch, lsn);  // skips rows of dropped partitions
    return Status::OK();
  });
}

Status Engine::Impl::CheckDb(const std::string& db) {
  if (!dbs_.count(db)) return Status::NotFound("database '" + db + "' does not exist");
  return Status::OK();
}

Status Engine::Impl::CreateDatabase(const std::string& name) {
  ELANUS_RETURN_IF_ERROR(types::ValidateName(name, "database name"));
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  {
    std::shared_lock l(catalog_mu_);
    if (dbs_.count(name)) return Status::AlreadyExists("database '" + name + "' already exists");
    if (dbs_.size() >= kMaxDatabases) {
      return Status::ResourceExhausted("the maximum of 64 databases is reached");
    }
  }
  uint64_t ts = clock_.Now();
  ELANUS_RETURN_IF_ERROR(storage_.meta->Commit({{engine::DbKey(name), std::to_string(ts)}}));
  std::unique_lock l(catalog_mu_);
  dbs_[name] = ts;
  return Status::OK();
}

Status Engine::Impl::DropDatabase(const std::string& name) {
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  {
    std::shared_lock l(catalog_mu_);
    if (name == kDefaultDatabase)
      return Status::InvalidArgument("database 'default' cannot be dropped");
    ELANUS_RETURN_IF_ERROR(CheckDb(name));
    for (const auto& [key, id] : names_) {
      if (key.first == name) {
        return Status::FailedPrecondition("database '" + name +
                                          "' still has collections; drop them first");
      }
    }
  }
  ELANUS_RETURN_IF_ERROR(storage_.meta->Commit({{engine::DbKey(name), std::nullopt}}));
  std::unique_lock l(catalog_mu_);
  dbs_.erase(name);
  return Status::OK();
}

std::vector<std::string> Engine::Impl::ListDatabases() {
  std::shared_lock l(catalog_mu_);
  std::vector<std::string> out;
  for (const auto& [name, ts] : dbs_) out.push_back(name);
  return out;
}

Status Engine::Impl::CreateCollection(const std::string& db, CollectionSchema schema) {
  ELANUS_RETURN_IF_ERROR(types::ValidateAndNormalizeSchema(schema));
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  {
    std::shared_lock l(catalog_mu_);
    ELANUS_RETURN_IF_ERROR(CheckDb(db));
    if (names_.count({db, schema.name})) {
      return Status::AlreadyExists("collection '" + schema.name + "' already exists in database '" +
                                   db + "'");
    }
    if (colls_.size() >= kMaxCollections) {
      return Status::ResourceExhausted("the maximum of 65536 collections is reached");
    }
  }
  CollectionMeta m;
  m.id = static_cast<int64_t>(clock_.Now());
  m.db = db;
  m.created_ts = static_cast<uint64_t>(m.id);
  m.schema = std::move(schema);
  m.checkpoint_lsn = storage_.log->NextLsn();
  if (m.schema.PartitionKey() != nullptr) {
    for (int64_t i = 0; i < m.schema.num_partitions; ++i) {
      uint64_t ts = clock_.Now();
      m.partitions.push_back(
          {std::string(kDefaultPartition) + "_" + std::to_string(i), static_cast<int64_t>(ts), ts});
    }
  } else {
    uint64_t ts = clock_.Now();
    m.partitions.push_back({kDefaultPartition, static_cast<int64_t>(ts), ts});
  }
  ELANUS_RETURN_IF_ERROR(
      storage_.meta->Commit({{engine::CollectionKey(m.id), engine::EncodeCollectionMeta(m)}}));
  auto coll = std::make_shared<Collection>(m, &storage_, &clock_, &options_);
  std::unique_lock l(catalog_mu_);
  names_[{db, m.schema.name}] = m.id;
  colls_[m.id] = std::move(coll);
  return Status::OK();
}

Result<std::shared_ptr<Collection>> Engine::Impl::Find(const std::string& db,
                                                       const std::string& name) {
  std::shared_lock l(catalog_mu_);
  ELANUS_RETURN_IF_ERROR(CheckDb(db));
  auto it = names_.find({db, name});
  if (it == names_.end()) {
    return Status::NotFound("collection '" + name + "' does not exist in database '" + db + "'");
  }
  return colls_.at(it->second);
}

Status Engine::Impl::DropCollection(const std::string& db, const std::string& name) {
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, name));
  std::lock_guard<std::mutex> fl(coll->flush_mu());
  ELANUS_RETURN_IF_ERROR(
      storage_.meta->Commit({{engine::CollectionKey(coll->id()), std::nullopt}}));
  {
    std::unique_lock l(catalog_mu_);
    names_.erase({db, name});
    colls_.erase(coll->id());
  }
  Status st = coll->DropData();  // best effort: the catalog no longer references the blobs
  if (!st.ok())
    std::fprintf(stderr, "elanus: dropping data of collection %s: %s\n", name.c_str(),
                 st.ToString().c_str());
  return Status::OK();
}

std::vector<std::string> Engine::Impl::ListCollections(const std::string& db) {
  std::shared_lock l(catalog_mu_);
  std::vector<std::string> out;
  for (const auto& [key, id] : names_)
    if (key.first == db) out.push_back(key.second);
  return out;
}

Status Engine::Impl::RenameCollection(const std::string& db, const std::string& old_name,
                                      const std::string& new_db, const std::string& new_name) {
  ELANUS_RETURN_IF_ERROR(types::ValidateName(new_name, "collection name"));
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, old_name));
  {
    std::shared_lock l(catalog_mu_);
    ELANUS_RETURN_IF_ERROR(CheckDb(new_db));
    if (names_.count({new_db, new_name})) {
      return Status::AlreadyExists("collection '" + new_name + "' already exists in database '" +
                                   new_db + "'");
    }
  }
  std::lock_guard<std::mutex> fl(coll->flush_mu());
  CollectionMeta m = coll->meta();
  m.db = new_db;
  m.schema.name = new_name;
  ELANUS_RETURN_IF_ERROR(
      storage_.meta->Commit({{engine::CollectionKey(m.id), engine::EncodeCollectionMeta(m)}}));
  coll->SetName(new_db, new_name);
  std::unique_lock l(catalog_mu_);
  names_.erase({db, old_name});
  names_[{new_db, new_name}] = m.id;
  return Status::OK();
}

Status Engine::Impl::CreatePartition(const std::string& db, const std::string& coll_name,
                                     const std::string& name) {
  ELANUS_RETURN_IF_ERROR(types::ValidateName(name, "partition name"));
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  if (coll->schema().PartitionKey() != nullptr) {
    return Status::InvalidArgument("collection '" + coll_name +
                                   "' uses a partition key; partitions cannot be created manually");
  }
  std::lock_guard<std::mutex> fl(coll->flush_mu());
  uint64_t ts = clock_.Now();
  ELANUS_ASSIGN_OR_RETURN(CollectionMeta m,
                          coll->WithPartition(name, static_cast<int64_t>(ts), ts));
  ELANUS_RETURN_IF_ERROR(
      storage_.meta->Commit({{engine::CollectionKey(m.id), engine::EncodeCollectionMeta(m)}}));
  std::lock_guard<std::mutex> w(coll->write_mu());
  coll->SetPartitions(m.partitions);
  return Status::OK();
}

Status Engine::Impl::DropPartition(const std::string& db, const std::string& coll_name,
                                   const std::string& name) {
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  if (coll->schema().PartitionKey() != nullptr) {
    return Status::InvalidArgument("collection '" + coll_name +
                                   "' uses a partition key; partitions cannot be dropped manually");
  }
  if (name == kDefaultPartition)
    return Status::InvalidArgument("partition '_default' cannot be dropped");
  // Seal first so that no log record of the partition is needed after the drop.
  ELANUS_RETURN_IF_ERROR(coll->Flush());
  std::lock_guard<std::mutex> fl(coll->flush_mu());
  std::lock_guard<std::mutex> w(coll->write_mu());
  ELANUS_ASSIGN_OR_RETURN(CollectionMeta m, coll->WithoutPartition(name));
  ELANUS_RETURN_IF_ERROR(
      storage_.meta->Commit({{engine::CollectionKey(m.id), engine::EncodeCollectionMeta(m)}}));
  coll->SetPartitions(m.partitions);
  return Status::OK();
}

}  // namespace elanus
