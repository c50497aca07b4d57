// Engine::Impl: the catalog of databases and collections, recovery, the write and read paths,
// and the maintenance thread that seals idle or full segments and compacts.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "common/hybrid_clock.h"
#include "common/thread_pool.h"
#include "elanus/engine.h"
#include "engine/collection.h"
#include "engine/filter_cache.h"
#include "engine/read_path.h"
#include "storage/storage.h"

namespace elanus {

class Engine::Impl {
 public:
  explicit Impl(const EngineOptions& options) : options_(options) {}
  ~Impl();

  Status Open();

  // Catalog.
  Status CreateDatabase(const std::string& name);
  Status DropDatabase(const std::string& name);
  std::vector<std::string> ListDatabases();
  Status CreateCollection(const std::string& db, CollectionSchema schema);
  Status DropCollection(const std::string& db, const std::string& name);
  Result<std::shared_ptr<engine::Collection>> Find(const std::string& db, const std::string& name);
  std::vector<std::string> ListCollections(const std::string& db);
  Status RenameCollection(const std::string& db, const std::string& old_name,
                          const std::string& new_db, const std::string& new_name);
  Status CreatePartition(const std::string& db, const std::string& coll, const std::string& name);
  Status DropPartition(const std::string& db, const std::string& coll, const std::string& name);

  // Writes.
  Result<MutationResult> Write(const std::string& db, const std::string& coll,
                               const std::string& partition, const std::vector<FieldColumn>& data,
                               bool upsert);
  Result<MutationResult> PartialUpsert(const std::string& db, const std::string& coll,
                                       const std::string& partition,
                                       const std::vector<FieldColumn>& data);
  Result<MutationResult> Delete(const std::string& db, const std::string& coll,
                                const std::string& partition, const PrimaryKeys& ids);
  Result<MutationResult> DeleteByFilter(const std::string& db, const std::string& coll,
                                        const std::string& partition, const std::string& filter,
                                        const std::string& params);
  Status Flush(const std::string& db, const std::string& coll);
  Status CreateIndex(const std::string& db, const std::string& coll, const IndexParams& params);
  Status DropIndex(const std::string& db, const std::string& coll, const std::string& name);
  Status WaitForIndexes(const std::string& db, const std::string& coll);
  void WakeIndexBuilder();
  Result<std::vector<CompactionPlan>> Compact(const std::string& db, const std::string& coll,
                                              const CompactOptions& options);

  // Reads.
  Result<SearchResult> Search(const SearchRequest& req);
  Result<QueryResult> Query(const QueryRequest& req);
  // Search by primary keys: fills req->queries from the rows `req->query_ids` names.
  Status FillQueriesFromIds(const CollectionSchema& schema, SearchRequest* req);
  Result<FilterExplain> ExplainFilter(const QueryRequest& req);
  Engine::FilterCacheStats FilterCacheStats() const { return filter_cache_.stats(); }
  uint64_t Now() { return clock_.Now(); }
  storage::MetaStore* meta() { return storage_.meta.get(); }  // engine_server_meta.cc

 private:
  // Open, before any writer runs: deletes the collection blobs ("c<id>/...") the catalog does not
  // reference. A crash leaves them behind between a blob's write and its catalog commit (flush,
  // index build, compaction output) or between a commit and the deletion of what it replaced
  // (compaction sources, a dropped collection or partition). The storage lock keeps other
  // processes out, so no unfinished write of another writer can be among them.
  Status SweepUnreferencedBlobs();
  Status Replay();
  Status TruncateLog();
  Result<uint64_t> ReadTs(engine::Collection& c, uint64_t requested);
  // What search and query share: the compiled filter, the read timestamp, the partitions left
  // after partition-key pruning, their segment snapshots and the filter's bitsets.
  struct ReadContext {
    uint64_t ts = 0;
    engine::ReadSet rs;
    engine::FilterBits bits;
    bool filtered = false;
  };
  Result<ReadContext> PrepareRead(engine::Collection& coll, const std::string& filter,
                                  const std::string& filter_params,
                                  const std::vector<std::string>& partitions, uint64_t snapshot_ts);
  void MaintenanceLoop();
  void IndexBuildLoop();
  Status CheckDb(const std::string& db);  // catalog_mu_ held

  EngineOptions options_;
  storage::Storage storage_;
  HybridClock clock_;
  std::unique_ptr<ThreadPool> pool_;
  engine::FilterCache filter_cache_{options_.filter_cache_bytes};  // after options_

  std::mutex ddl_mu_;  // serializes catalog changes
  std::shared_mutex catalog_mu_;
  std::map<std::string, uint64_t> dbs_;  // name -> created ts; guarded by catalog_mu_
  std::unordered_map<int64_t, std::shared_ptr<engine::Collection>> colls_;  // catalog_mu_
  std::map<std::pair<std::string, std::string>, int64_t> names_;            // catalog_mu_

  std::mutex maint_mu_;
  std::condition_variable maint_cv_;
  bool stop_ = false;  // guarded by maint_mu_
  bool wake_ = false;  // guarded by maint_mu_
  std::thread maintenance_;

  std::mutex build_mu_;
  std::condition_variable build_cv_;
  bool build_wake_ = false;  // guarded by build_mu_
  bool build_stop_ = false;  // guarded by build_mu_
  // Collections whose sealed-segment count passed compact_min_segments at a seal: the builder
  // thread compacts them (a compaction builds its outputs' indexes, which takes long, so it does
  // not hold up the maintenance thread's seals). Guarded by build_mu_.
  std::set<int64_t> compact_wanted_;
  std::thread builder_;
};

}  // namespace elanus
