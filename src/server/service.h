// The protocol-neutral service layer behind the gRPC adapter (and later the REST adapter).
//
// It wraps the Engine with the Milvus behaviour the engine does not model: load state, index
// metadata, collection options (consistency level, shards, properties), session identifiers,
// database resolution rules and the `pk in [..]` filter shortcut. Adapters translate protocol
// messages into these calls and back, and map errors with ToMilvusError (error_map.h).
//
// State kept here is in memory only: after a restart every collection reports Loaded (Milvus
// restores load state; we do not persist it yet), index descriptions are forgotten, and
// collection options fall back to their defaults.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "elanus/engine.h"

namespace elanus::server {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Numbering follows the Milvus LoadState enum.
enum class LoadState : int32_t { kNotExist = 0, kNotLoad = 1, kLoading = 2, kLoaded = 3 };

// Consistency levels (Milvus numbering). Every read is Strong on a single node; the level is
// stored and echoed for clients.
inline constexpr int32_t kConsistencyBounded = 2;

struct CollectionOptions {
  int32_t consistency_level = kConsistencyBounded;
  int32_t shards_num = 1;
  KeyValues properties;
};

struct CollectionDescription {
  CollectionInfo info;
  CollectionOptions options;
};

// Index metadata. Indexes are accepted and remembered, but the engine searches exactly (FLAT)
// until vector indexes land; `metric` is what a search without an explicit metric uses.
struct IndexDescription {
  std::string index_name;
  std::string field_name;
  int64_t index_id = 0;
  KeyValues params;  // as given by the client: index_type, metric_type, params JSON, ...
  MetricType metric = MetricType::kNone;
  int64_t total_rows = 0;  // filled by DescribeIndex
};

class ServiceLayer {
 public:
  explicit ServiceLayer(Engine* engine);  // `engine` must outlive the service

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
  // `pk in [..]` filters become key deletes; anything else goes to the engine's filter path.
  Result<MutationResult> Delete(const std::string& db, const std::string& coll,
                                const std::string& partition, const std::string& filter);
  // Checks the collection is loaded; a missing metric comes from the field's index.
  Result<SearchResult> Search(SearchRequest request);
  // Checks the collection is loaded; maps `pk in [..]` filters to `ids`.
  Result<QueryResult> Query(QueryRequest request);
  // Returns the flush timestamp.
  Result<uint64_t> Flush(const std::string& db, const std::string& coll);
  Status FlushAll();  // every collection of every database (shutdown)
  Status Compact(const std::string& db, const std::string& coll) {
    return engine_->Compact(db, coll);
  }
  uint64_t AllocTimestamp() { return engine_->AllocTimestamp(); }

 private:
  struct CollectionState {
    bool loaded = true;  // collections unknown to this process (restart) count as loaded
    CollectionOptions options;
    std::vector<IndexDescription> indexes;
  };

  Result<CollectionInfo> Info(const std::string& db, const std::string& coll);
  CollectionState& StateLocked(int64_t id) { return states_[id]; }

  Engine* engine_;
  std::atomic<int64_t> next_session_;
  std::atomic<int64_t> next_index_id_{1};
  std::mutex mu_;                              // guards states_
  std::map<int64_t, CollectionState> states_;  // by collection id (stable across renames)
};

}  // namespace elanus::server
