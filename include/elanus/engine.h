// The Elanus engine: databases > collections > partitions > segments, durable writes with MVCC,
// exact (FLAT) vector search and scalar query. One Engine owns one storage location (a data
// directory, or a single file for Lite); a second process opening the same location gets
// FailedPrecondition. All methods are thread-safe and return errors as values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/column.h"
#include "elanus/schema.h"
#include "elanus/status.h"

namespace elanus {

struct EngineOptions {
  enum class Backend { kDataDir, kSingleFile };
  Backend backend = Backend::kDataDir;
  std::string path;    // data directory, or the single .db file
  bool sync = true;    // fsync the log before acknowledging writes
  size_t threads = 0;  // threads working on one search, the caller included; 0 = one per core
  size_t seal_rows = 1 << 20;        // seal a growing segment past this many rows ...
  size_t seal_bytes = 128ull << 20;  // ... or this many bytes of column data
  uint64_t seal_idle_ms = 600'000;  // ... or when it saw no write for this long (checked on writes)
  size_t compact_min_segments = 8;  // automatic compaction after a seal, when a partition has more
                                    // sealed segments than this (0 disables)
  size_t filter_cache_bytes = 64ull << 20;  // filter results kept per sealed segment, reused by
                                            // later requests with the same filter (0 disables)
};

// Primary keys: `ints` for INT64 keys, `strings` for VARCHAR keys.
struct PrimaryKeys {
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  size_t size() const { return ints.size() + strings.size(); }
};

struct MutationResult {
  PrimaryKeys ids;         // the rows' keys (generated ones for auto_id), in input order
  uint64_t timestamp = 0;  // hybrid timestamp of the write; read at >= it to see it
  size_t count = 0;        // rows inserted/upserted or keys deleted
};

struct PartitionInfo {
  std::string name;
  int64_t id = 0;
  uint64_t created_ts = 0;
};

struct CollectionInfo {
  int64_t id = 0;
  std::string db;
  CollectionSchema schema;  // normalized: field ids assigned, `$meta` present if dynamic
  std::vector<PartitionInfo> partitions;
  uint64_t created_ts = 0;
};

// A vector index on one field. Types: FLAT, HNSW, HNSW_SQ, IVF_FLAT, IVF_SQ8, BIN_FLAT,
// BIN_IVF_FLAT, and AUTOINDEX (HNSW M=18 efConstruction=240 for dense vectors, BIN_IVF_FLAT for
// binary). Build parameters use Milvus's names ("M", "efConstruction", "nlist", ...).
struct IndexParams {
  std::string field_name;
  std::string index_name;  // empty: the field name
  std::string index_type = "AUTOINDEX";
  MetricType metric = MetricType::kNone;      // kNone: COSINE dense, HAMMING binary
  std::map<std::string, std::string> params;  // build parameters
};

struct IndexInfo {
  IndexParams
      params;  // as created (index_type as resolved, e.g. AUTOINDEX -> HNSW, in `resolved_type`)
  std::string resolved_type;
  int64_t field_id = 0;
  uint64_t total_rows = 0;    // rows in sealed segments
  uint64_t indexed_rows = 0;  // rows in sealed segments whose index is built
  bool finished = false;      // every sealed segment has the index
  std::string fail_reason;    // the last build error, if any
};

struct CollectionStats {
  uint64_t row_count = 0;  // visible rows at the latest timestamp
  size_t sealed_segments = 0;
  size_t growing_segments = 0;
};

struct SegmentInfo {
  int64_t id = 0;
  int64_t partition_id = 0;
  uint64_t rows = 0;    // rows stored (deleted rows included until compaction)
  bool sealed = false;  // sealed and persisted; false: growing (rows in the log)
  bool sorted = false;  // sealed, and its rows are in primary-key order (non-decreasing)
};

struct CompactOptions {
  // Force merge (Milvus's compaction with a target size): every sealed segment of a partition is
  // merged (into outputs of up to 4 × EngineOptions::seal_rows rows, the cap of every
  // compaction), even a lone segment, whose rows are then rewritten in key order. Default: only
  // groups of several segments, or segments with deleted rows, are rewritten.
  bool force_merge = false;
};

// One output of a compaction: the segments it replaced and the segment it wrote (0 when every
// source row was deleted). A lone segment that needed no rewrite (sorted, nothing deleted) is
// reported as its own target.
struct CompactionPlan {
  std::vector<int64_t> sources;
  int64_t target = 0;
};

struct SearchRequest {
  std::string db = kDefaultDatabase;
  std::string collection;
  std::vector<std::string> partitions;  // empty: all
  std::string anns_field;               // empty: the collection's only vector field
  FieldColumn queries;                  // nq query vectors of the field's type (name ignored)
  // Search by primary keys: when set, the query vectors are the stored vectors of these rows
  // (in this order) and `queries` must be empty. A key with no visible row is an error.
  std::optional<PrimaryKeys> query_ids;
  MetricType metric = MetricType::kNone;  // kNone: COSINE for dense, HAMMING binary, IP sparse
  int64_t limit = 10;                     // top-k per query, 1..16384
  int64_t offset = 0;                     // offset + limit <= 16384
  // Range search: keep hits strictly better than `radius` and at least as good as
  // `range_filter` (for L2: range_filter <= d < radius; for IP/COSINE: radius < s <= range_filter).
  std::optional<double> radius;
  std::optional<double> range_filter;
  std::vector<std::string> output_fields;  // field names, "*" for all, or dynamic keys
  std::string filter;                      // boolean expression (see docs); empty = all rows
  std::string filter_params;               // JSON object binding the filter's {templates}
  std::map<std::string, std::string> search_params;  // index search parameters: "ef", "nprobe"
  uint64_t snapshot_ts = 0;                          // read at this timestamp; 0 = latest
  int32_t round_decimal = -1;                        // -1: no rounding
  // Grouping search: `limit` groups (after skipping `offset` groups), each of up to `group_size`
  // hits sharing one value of `group_by_field` (BOOL, INT8..INT64 or VARCHAR; NULL is a group
  // of its own). Groups are ordered by their best hit, hits within a group best first.
  std::string group_by_field;
  int64_t group_size = 1;          // 1..kMaxGroupSize
  bool strict_group_size = false;  // true: drop groups with fewer than group_size hits
};

// Flattened like the Milvus protocol: query q's hits are the next topks[q] entries.
struct SearchResult {
  size_t nq = 0;
  std::vector<int64_t> topks;
  PrimaryKeys ids;
  std::vector<float> scores;
  std::vector<FieldColumn> fields;          // one column per output field, one row per hit
  std::optional<FieldColumn> group_values;  // grouping search: each hit's group value
  uint64_t snapshot_ts = 0;
};

struct QueryRequest {
  std::string db = kDefaultDatabase;
  std::string collection;
  std::vector<std::string> partitions;
  std::string filter;                      // empty = all rows (then ids or limit is expected)
  std::string filter_params;               // JSON object binding the filter's {templates}
  std::optional<PrimaryKeys> ids;          // get-by-key; combined with filter by AND
  std::vector<std::string> output_fields;  // "*", names, dynamic keys, or "count(*)"
  int64_t limit = -1;                      // -1: no limit
  int64_t offset = 0;
  uint64_t snapshot_ts = 0;
};

// Rows ordered by primary key. For "count(*)", one INT64 column named "count(*)" with one row.
// How a filter would be evaluated (Engine::ExplainFilter): the normalized plan and an estimated
// selectivity, exact where scalar indexes answer every leaf of a sealed segment, else from a
// sample of each segment's first rows.
struct FilterExplain {
  std::string plan;                  // normalized filter, e.g. `(age > 3 and name like_prefix "a")`
  double estimated_selectivity = 1;  // estimated fraction of rows that pass, in [0, 1]
  uint64_t rows = 0;                 // rows in the segments read
  uint64_t exact_rows = 0;           // rows whose count came from indexes alone
  uint64_t sampled_rows = 0;         // rows evaluated as a sample for the others
  size_t segments = 0;
  size_t indexed_segments = 0;  // sealed segments where at least one leaf used an index
  size_t leaves = 0;            // filter leaves, summed over segments
  size_t indexed_leaves = 0;    // of which answered by a scalar index
};

struct QueryResult {
  std::vector<FieldColumn> fields;
  size_t num_rows = 0;
  uint64_t snapshot_ts = 0;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Databases. "default" always exists and cannot be dropped; dropping needs an empty database.
  Status CreateDatabase(const std::string& name);
  Status DropDatabase(const std::string& name);
  Result<std::vector<std::string>> ListDatabases();

  // Collections.
  Status CreateCollection(const std::string& db, CollectionSchema schema);
  Status DropCollection(const std::string& db, const std::string& name);
  Result<bool> HasCollection(const std::string& db, const std::string& name);
  Result<std::vector<std::string>> ListCollections(const std::string& db);
  Result<CollectionInfo> DescribeCollection(const std::string& db, const std::string& name);
  Status RenameCollection(const std::string& db, const std::string& old_name,
                          const std::string& new_db, const std::string& new_name);
  Result<CollectionStats> GetCollectionStats(const std::string& db, const std::string& name);
  // The collection's segments now, ordered by id.
  Result<std::vector<SegmentInfo>> ListSegments(const std::string& db, const std::string& name);

  // Partitions. "_default" always exists and cannot be dropped. Partition-key collections manage
  // their partitions themselves and refuse these calls.
  Status CreatePartition(const std::string& db, const std::string& coll, const std::string& name);
  Status DropPartition(const std::string& db, const std::string& coll, const std::string& name);
  Result<bool> HasPartition(const std::string& db, const std::string& coll,
                            const std::string& name);
  Result<std::vector<PartitionInfo>> ListPartitions(const std::string& db, const std::string& coll);

  // Writes. Acknowledged (returned) only after the log made them durable. `partition` empty means
  // "_default" (or routing by the partition key).
  Result<MutationResult> Insert(const std::string& db, const std::string& coll,
                                const std::string& partition, const std::vector<FieldColumn>& data);
  Result<MutationResult> InsertRows(const std::string& db, const std::string& coll,
                                    const std::string& partition, std::string_view json_rows);
  Result<MutationResult> Upsert(const std::string& db, const std::string& coll,
                                const std::string& partition, const std::vector<FieldColumn>& data);
  Result<MutationResult> UpsertRows(const std::string& db, const std::string& coll,
                                    const std::string& partition, std::string_view json_rows);
  // Partial upsert (Milvus `partial_update=true`): every row names its primary key; fields the
  // batch does not carry keep the stored row's values (dynamic keys are merged key by key). A
  // key with no stored row is inserted, so its missing fields must be nullable or have defaults.
  // The stored rows are read at the latest snapshot just before the write: concurrent partial
  // upserts of the same key are not merged with each other (the later write wins).
  Result<MutationResult> PartialUpsert(const std::string& db, const std::string& coll,
                                       const std::string& partition,
                                       const std::vector<FieldColumn>& data);
  Result<MutationResult> Delete(const std::string& db, const std::string& coll,
                                const std::string& partition, const PrimaryKeys& ids);
  // Deletes the rows visible now that match `filter`; `count` is the number of rows deleted.
  Result<MutationResult> DeleteByFilter(const std::string& db, const std::string& coll,
                                        const std::string& partition, const std::string& filter,
                                        const std::string& filter_params = "");

  // Vector indexes: built in the background for every sealed segment (growing segments are
  // searched exactly, so new rows are visible at once); searches use them when built.
  Status CreateIndex(const std::string& db, const std::string& coll, const IndexParams& params);
  Result<std::vector<IndexInfo>> DescribeIndexes(const std::string& db, const std::string& coll);
  Status DropIndex(const std::string& db, const std::string& coll, const std::string& index_name);
  // Waits until every sealed segment's indexes are built (or a build failed); for tests/tools.
  Status WaitForIndexes(const std::string& db, const std::string& coll);

  // Seals the growing segments and persists them; afterwards the log can be truncated.
  Status Flush(const std::string& db, const std::string& coll);
  // Merges sealed segments and drops deleted rows; the segments it writes hold their rows in
  // primary-key order. Returns what was merged into what.
  Result<std::vector<CompactionPlan>> Compact(const std::string& db, const std::string& coll,
                                              const CompactOptions& options);
  Status Compact(const std::string& db, const std::string& coll);

  Result<SearchResult> Search(const SearchRequest& request);
  Result<QueryResult> Query(const QueryRequest& request);
  // Compiles the request's filter and estimates its selectivity without running the query (for
  // debugging and tests); uses the same scalar indexes the query would.
  Result<FilterExplain> ExplainFilter(const QueryRequest& request);

  // The filter cache (EngineOptions::filter_cache_bytes): lookups over sealed segments since the
  // engine opened, and what it holds now.
  struct FilterCacheStats {
    uint64_t hits = 0, misses = 0;
    size_t entries = 0, bytes = 0;
  };
  FilterCacheStats GetFilterCacheStats() const;

  // A fresh hybrid timestamp (Strong reads use one as their snapshot).
  uint64_t AllocTimestamp();
  // The newest timestamp applied to a collection: a read at it (or at 0) sees every acknowledged
  // write to it. Lets callers read "at least at G" without waiting when G is already covered.
  Result<uint64_t> AppliedTimestamp(const std::string& db, const std::string& coll);

  // Server-level key/values (users, ...) kept durably in the engine's metadata store, apart
  // from the catalog. Keys are opaque to the engine; a null value deletes the key. Commit is
  // atomic over all pairs.
  Result<std::optional<std::string>> GetServerMeta(const std::string& key);
  Result<std::vector<std::pair<std::string, std::string>>> ScanServerMeta(
      const std::string& prefix);
  Status PutServerMeta(const std::vector<std::pair<std::string, std::optional<std::string>>>& kvs);

  class Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace elanus
