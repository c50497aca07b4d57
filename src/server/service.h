// The protocol-neutral service layer behind the gRPC adapter (and later the REST adapter).
//
// It wraps the Engine with the Milvus behaviour the engine does not model: load state, index
// metadata, collection options (consistency level, shards, properties), aliases, consistency
// levels (guarantee timestamps), hybrid search, search iterators, session identifiers, database
// resolution rules and the `pk in [..]` filter shortcut. Adapters translate protocol messages
// into these calls and back, and map errors with ToMilvusError (error_map.h).
//
// Server metadata (server_meta.h) is persisted in `ServiceOptions::meta_path` after every change,
// so load state, indexes, options and aliases survive a restart.
//
// Aliases: every method taking a collection name also accepts an alias of a collection in the
// same database (DropCollection excepted, like Milvus).
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "elanus/engine.h"
#include "server/hybrid_rank.h"
#include "server/server_meta.h"

namespace elanus::server {

// Numbering follows the Milvus LoadState enum.
enum class LoadState : int32_t { kNotExist = 0, kNotLoad = 1, kLoading = 2, kLoaded = 3 };

struct ServiceOptions {
  std::string meta_path;             // server metadata file; empty keeps it in memory
  uint64_t graceful_time_ms = 5000;  // Bounded consistency: how stale a read may be
  // Keep the server metadata in the engine's metadata store (Engine::PutServerMeta, key
  // "catalog") instead of meta_path; an existing meta_path file is imported once and renamed
  // to <meta_path>.migrated.
  bool meta_in_engine = false;
};

struct CollectionDescription {
  CollectionInfo info;
  CollectionOptions options;
  std::vector<std::string> aliases;
};

// How a read picks its snapshot, from the request's consistency fields (Milvus semantics):
//   Strong      a fresh timestamp: the read waits for writes in flight and sees every
//               acknowledged write;
//   Session,    at least `guarantee_ts` (the client's last write; <= 1 means none);
//   Customized
//   Bounded     at least now - graceful time;
//   Eventually  the newest applied state, without waiting.
// "At least G" reads the newest applied state when it is at G or later, else reads at G (the
// engine waits for writes below G). `use_default` takes the collection's level. Iterators pin
// their snapshot: with `iterator` and a guarantee_ts > 1 the read is exactly at guarantee_ts.
struct ReadConsistency {
  int32_t level = kConsistencyStrong;
  bool use_default = true;
  uint64_t guarantee_ts = 0;
  bool iterator = false;
};

struct HybridSearchRequest {
  std::vector<SearchRequest> requests;  // db/collection taken from the fields below
  std::string db = kDefaultDatabase;
  std::string collection;
  std::vector<std::string> partitions;  // for sub-requests that name none
  RankerParams ranker;
  int64_t limit = 10;  // after fusion, per query
  int64_t offset = 0;
  int32_t round_decimal = -1;
  std::vector<std::string> output_fields;
};

// One page of a search iterator (pymilvus search_iterator v2).
struct SearchIteratorPage {
  std::string token;  // empty on the first page: a new iterator
  std::optional<float> last_bound;
  int64_t batch_size = 1000;
};
struct SearchIteratorResult {
  SearchResult result;
  std::string token;
  float last_bound = 0;
};

class ServiceLayer {
 public:
  // `engine` must outlive the service. Call LoadMeta before serving.
  ServiceLayer(Engine* engine, ServiceOptions options = {});

  Status LoadMeta();  // reads options.meta_path (a missing file is an empty catalog)

  static const char* ServerVersion();  // "v2.6.x"-style version reported to SDKs
  int64_t NewSessionId();              // non-zero, unique per process

  // The database a request addresses: the body field, then the `dbname` header, then "default".
  static std::string ResolveDatabase(const std::string& body_db, const std::string& header_db);

  // Databases.
  Status CreateDatabase(const std::string& db);
  Status DropDatabase(const std::string& db);
  Result<std::vector<std::string>> ListDatabases();
  Status CheckDatabase(const std::string& db);  // NotFound "database '<db>' does not exist"

  // Collections.
  Status CreateCollection(const std::string& db, CollectionSchema schema,
                          const CollectionOptions& options);
  Result<CollectionDescription> DescribeCollection(const std::string& db, const std::string& name);
  Result<bool> HasCollection(const std::string& db, const std::string& name);
  Result<std::vector<CollectionInfo>> ListCollections(const std::string& db);
  Status DropCollection(const std::string& db, const std::string& name);
  Status RenameCollection(const std::string& db, const std::string& old_name,
                          const std::string& new_db, const std::string& new_name);
  Result<CollectionStats> GetCollectionStats(const std::string& db, const std::string& name);
  Result<std::vector<SegmentInfo>> ListSegments(const std::string& db, const std::string& name);
  // Sets `set` (replacing values of existing keys), then removes `delete_keys`; persisted.
  Status AlterCollectionProperties(const std::string& db, const std::string& name,
                                   const KeyValues& set,
                                   const std::vector<std::string>& delete_keys);
  // Totals over every database (metrics): collections, visible rows, sealed/growing segments.
  struct Totals {
    size_t collections = 0;
    uint64_t rows = 0;
    size_t sealed_segments = 0;
    size_t growing_segments = 0;
    Engine::FilterCacheStats filter_cache;
  };
  Totals CountAll();

  // Aliases.
  Status CreateAlias(const std::string& db, const std::string& alias,
                     const std::string& collection);
  Status DropAlias(const std::string& db, const std::string& alias);
  Status AlterAlias(const std::string& db, const std::string& alias, const std::string& collection);
  Result<std::string> DescribeAlias(const std::string& db, const std::string& alias);
  // The aliases of `collection` (of the whole database when empty), sorted.
  Result<std::vector<std::string>> ListAliases(const std::string& db,
                                               const std::string& collection);

  // Partitions (pass-through).
  Status CreatePartition(const std::string& db, const std::string& coll, const std::string& name);
  Status DropPartition(const std::string& db, const std::string& coll, const std::string& name);
  Result<bool> HasPartition(const std::string& db, const std::string& coll,
                            const std::string& name);
  Result<std::vector<PartitionInfo>> ListPartitions(const std::string& db, const std::string& coll);

  // Load state.
  Status LoadCollection(const std::string& db, const std::string& coll);
  Status ReleaseCollection(const std::string& db, const std::string& coll);
  Result<LoadState> GetLoadState(const std::string& db, const std::string& coll);

  // Indexes. An empty index name defaults to the field name.
  Status CreateIndex(const std::string& db, const std::string& coll, const std::string& field,
                     std::string index_name, const KeyValues& params);
  // Empty field/index name match all. NotFound "index not found[...]" when nothing matches.
  Result<std::vector<IndexDescription>> DescribeIndex(const std::string& db,
                                                      const std::string& coll,
                                                      const std::string& field,
                                                      const std::string& index_name);
  Status DropIndex(const std::string& db, const std::string& coll, const std::string& field,
                   const std::string& index_name);

  // Data.
  Result<MutationResult> Insert(const std::string& db, const std::string& coll,
                                const std::string& partition, const std::vector<FieldColumn>& data);
  Result<MutationResult> Upsert(const std::string& db, const std::string& coll,
                                const std::string& partition, const std::vector<FieldColumn>& data);
  Result<MutationResult> PartialUpsert(const std::string& db, const std::string& coll,
                                       const std::string& partition,
                                       const std::vector<FieldColumn>& data);
  // Row-wise writes: `json_rows` is a JSON array of row objects (the REST API's `data`); keys
  // outside the schema go to the dynamic field when it is enabled.
  Result<MutationResult> InsertRows(const std::string& db, const std::string& coll,
                                    const std::string& partition, std::string_view json_rows);
  Result<MutationResult> UpsertRows(const std::string& db, const std::string& coll,
                                    const std::string& partition, std::string_view json_rows);
  // `pk in [..]` filters become key deletes; anything else goes to the engine's filter path.
  Result<MutationResult> Delete(const std::string& db, const std::string& coll,
                                const std::string& partition, const std::string& filter,
                                const std::string& filter_params = "");
  // Checks the collection is loaded; a missing metric comes from the field's index (else the
  // field type's default); the snapshot comes from `rc`.
  Result<SearchResult> Search(SearchRequest request, const ReadConsistency& rc = {});
  // Checks the collection is loaded; maps `pk in [..]` filters to `ids`.
  Result<QueryResult> Query(QueryRequest request, const ReadConsistency& rc = {});
  // Runs every sub-request at one snapshot, fuses them (hybrid_rank.h) and returns the fused
  // hits with the requested output fields.
  Result<SearchResult> HybridSearch(HybridSearchRequest request, const ReadConsistency& rc = {});
  // One page of a search iterator: hits strictly past `last_bound`, plus those at the bound
  // that earlier pages did not return. `request.limit` is ignored (batch_size is used).
  Result<SearchIteratorResult> SearchIterator(SearchRequest request, const SearchIteratorPage& page,
                                              const ReadConsistency& rc = {});
  // Returns the flush timestamp.
  Result<uint64_t> Flush(const std::string& db, const std::string& coll);
  Status FlushAll();  // every collection of every database (shutdown)
  // Compaction runs in the background, one at a time in request order, as in Milvus: Compact
  // checks the collection and returns the compaction's id at once (an engine compaction also
  // builds its outputs' indexes, minutes for millions of rows). GetCompaction reports it running
  // until its outputs are swapped in, then its plans (what was merged into what) or its error.
  // Ids are known until the server restarts or 1,024 later compactions were requested.
  struct CompactionStatus {
    bool done = false;
    Status status;                      // the outcome, once done
    std::vector<CompactionPlan> plans;  // once done
  };
  Result<int64_t> Compact(const std::string& db, const std::string& coll,
                          const CompactOptions& options = {});
  Result<CompactionStatus> GetCompaction(int64_t id);
  // Waits for the running compaction and drops queued ones. Call before the engine closes (the
  // destructor calls it too).
  void StopCompactions();
  ~ServiceLayer();
  uint64_t AllocTimestamp() { return engine_->AllocTimestamp(); }

  uint64_t rows_inserted() const { return rows_inserted_.load(); }  // since start (metrics)

 private:
  Result<CollectionInfo> Info(const std::string& db, const std::string& coll);
  std::string Resolve(const std::string& db, const std::string& name);  // alias -> collection
  Status SaveLocked();                                                  // mu_ held
  // Resolves the collection, checks it is loaded and fills the metric and anns_field.
  Status PrepareSearch(SearchRequest* request, CollectionInfo* info);
  Result<uint64_t> Snapshot(const std::string& db, const std::string& coll, int64_t coll_id,
                            const ReadConsistency& rc);
  std::vector<std::string> AliasesOfLocked(const std::string& db, const std::string& coll);

  Engine* engine_;
  ServiceOptions options_;
  std::atomic<int64_t> next_session_;
  std::atomic<uint64_t> rows_inserted_{0};
  std::mutex mu_;    // guards meta_ and iterators_
  ServerMeta meta_;  // persisted to options_.meta_path

  // Search iterator state: the keys returned at each iterator's last bound (so ties at the bound
  // are neither lost nor repeated). Bounded: the oldest iterators are forgotten first.
  struct IteratorState {
    float last_bound = 0;
    std::set<int64_t> int_keys;
    std::set<std::string> str_keys;
  };
  std::map<std::string, IteratorState> iterators_;
  std::deque<std::string> iterator_order_;
  std::atomic<uint64_t> next_iterator_{1};

  void CompactionLoop();
  struct CompactionJob {
    int64_t id = 0;
    std::string db, coll;
    CompactOptions options;
  };
  std::mutex compactions_mu_;  // guards the members below
  std::condition_variable compactions_cv_;
  std::deque<CompactionJob> compaction_queue_;
  std::map<int64_t, CompactionStatus> compactions_;  // by id; the newest 1,024
  bool compactions_stopping_ = false;
  std::thread compactor_;  // started by the first Compact
};

}  // namespace elanus::server
