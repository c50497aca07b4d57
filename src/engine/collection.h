// Collection: the runtime state of one collection: its catalog record, segments, primary-key
// index and unflushed delete marks. Writes are serialized by write_mu_ and applied in timestamp
// order; readers take a ReadSet (segment snapshots) without blocking writers.
//
// MVCC: a row is visible at timestamp T iff ts(row) <= T and deleted_at(row) > T. A later write
// of the same primary key (insert or upsert) marks the older version deleted at its timestamp,
// so at most one version of a key is visible at any T.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/hybrid_clock.h"
#include "common/thread_pool.h"
#include "elanus/engine.h"
#include "engine/catalog_codec.h"
#include "engine/segment.h"
#include "storage/storage.h"
#include "types/batch.h"

namespace elanus::engine {

struct SegmentRead {
  std::shared_ptr<Segment> segment;
  Segment::Snapshot snap;
};

struct ReadSet {
  std::vector<SegmentRead> segments;
};

// Whether the snapshot's rows are in non-decreasing primary-key order.
bool RowsInKeyOrder(const Segment::Snapshot& snap, const CollectionSchema& schema);

// Test seam: every compaction calls it after writing its outputs and building their indexes and
// before swapping them in, holding no lock of the collection (tests write, delete and flush
// there). Set it only while no compaction runs; an empty function removes it.
void SetCompactionHandoffHookForTesting(std::function<void()> hook);

// A row of a segment whose delete mark changed; persisted at the next flush.
struct DeleteMark {
  int64_t segment_id;
  uint64_t row;
  uint64_t ts;
};

class Collection {
 public:
  Collection(CollectionMeta meta, storage::Storage* storage, HybridClock* clock,
             const EngineOptions* options);

  // Loads sealed segments and delete marks from the blob store and rebuilds the key index.
  Status Load();

  int64_t id() const { return id_; }
  // Copies (the schema never changes after creation, so schema() may be used without a copy).
  CollectionMeta meta() const;
  const CollectionSchema& schema() const { return schema_; }
  void SetName(const std::string& db, const std::string& name);  // caller persists

  // ---- writes (the caller holds write_mu() and has logged the record) ----
  std::mutex& write_mu() { return write_mu_; }
  // Row partitions for a batch (routing by partition key or the named partition).
  Result<std::vector<int64_t>> RoutePartitions(const types::NormalizedBatch& batch,
                                               const std::string& partition) const;
  Result<int64_t> PartitionId(const std::string& name) const;
  void ApplyInsert(uint64_t ts, const std::vector<int64_t>& row_partitions,
                   const types::NormalizedBatch& batch, storage::Lsn lsn);
  // Deletes the visible versions of keys (in one partition, or all when partition_id < 0).
  size_t ApplyDelete(uint64_t ts, int64_t partition_id, const PrimaryKeys& keys, storage::Lsn lsn);
  PrimaryKeys KeysOf(const types::NormalizedBatch& batch) const;

  // ---- partitions (caller persists meta via the returned record) ----
  Result<CollectionMeta> WithPartition(const std::string& name, int64_t id, uint64_t ts) const;
  Result<CollectionMeta> WithoutPartition(const std::string& name) const;
  void SetPartitions(const std::vector<PartitionInfo>& partitions);  // caller holds write_mu()
  bool PartitionExists(int64_t partition_id) const;
  // Names of the partitions that rows with these partition-key values are routed to.
  std::vector<std::string> PartitionsForKeys(const std::vector<ScalarValue>& values) const;

  // ---- reads ----
  // Snapshots of the segments of the named partitions (all when empty).
  Result<ReadSet> Read(const std::vector<std::string>& partitions) const;
  size_t CountVisible(uint64_t ts) const;
  // The newest timestamp applied to this collection: a read at it sees every acknowledged write.
  uint64_t applied_ts() const { return applied_ts_.load(std::memory_order_acquire); }

  // ---- maintenance ----
  // Held by flushes, compactions and catalog changes of this collection (partitions, rename).
  std::mutex& flush_mu() { return flush_mu_; }
  bool NeedsSeal(uint64_t now_ms) const;  // caller holds write_mu()
  Status Flush();                         // caller must not hold flush_mu() or write_mu()
  // Flushes first, then merges in three steps. (1) Under the write lock, the live rows of each
  // group of sealed segments are merged in memory. (2) With writers running, each output is
  // written and its indexes (every definition at that moment) are built with `pool` (may be
  // null). (3) Under the write lock again, the outputs replace their sources: deletes that reached
  // the sources meanwhile are carried over (and persisted in one delete log), key references
  // move to the outputs. Searches therefore never see an output without its indexes. One
  // compaction at a time per collection. `plans` (optional) gets what was merged into what.
  Status Compact(const CompactOptions& options = {}, std::vector<CompactionPlan>* plans = nullptr,
                 ThreadPool* pool = nullptr);
  // Records with lsn < this bound are no longer needed by this collection.
  storage::Lsn TruncationBound() const;
  Status DropData();  // removes this collection's blobs (after the catalog dropped it)
  // After this, Flush and Compact do nothing (a background flush must not write a dropped
  // collection back into the catalog). Caller holds flush_mu().
  void MarkDropped() { dropped_ = true; }

  // ---- vector and scalar indexes (collection_index.cc) ----
  std::vector<IndexDef> index_defs() const { return meta().indexes; }
  // Validates and records an index definition (one per field, unique names).
  Status AddIndex(const IndexParams& params);
  Status RemoveIndex(const std::string& name);
  // Sealed segments missing a built index of some definition (failed builds excluded).
  std::vector<std::pair<std::shared_ptr<Segment>, IndexDef>> PendingIndexBuilds() const;
  // Builds, persists and attaches one segment's index. Safe against concurrent drop/compaction.
  Status BuildIndex(const std::shared_ptr<Segment>& seg, const IndexDef& def, ThreadPool* pool);
  std::vector<IndexInfo> DescribeIndexes() const;
  bool IndexBuildFailed() const;

  size_t sealed_segments() const;
  size_t growing_segments() const;

 private:
  std::shared_ptr<Segment> GrowingFor(int64_t partition_id);  // write_mu_ held
  void KillOlder(const types::NormalizedBatch& batch, size_t row, uint64_t ts);
  void IndexRow(Segment* seg, size_t row, const types::NormalizedBatch& batch, size_t src);
  void Mark(Segment* seg, size_t row, uint64_t ts);
  Status WriteDeltaBlob(const std::vector<DeleteMark>& marks, const std::string& name);
  Status ApplyDeltaBlob(const std::string& name);
  Status LoadIndexes(const SegmentMeta& sm, Segment* seg);
  // A built index of one field of a sealed snapshot: its persistent image and how to attach it.
  struct BuiltIndex {
    std::string image;
    std::function<void(Segment*)> attach;
  };
  Result<BuiltIndex> BuildIndexImage(const Segment::Snapshot& snap, const IndexDef& def,
                                     ThreadPool* pool) const;
  std::string IndexBlobName(int64_t segment_id, int64_t field_id) const;
  std::string SegmentBlobName(int64_t segment_id) const;
  struct CompactionOutput;
  // Step 3 of Compact: swaps the outputs in for their sources. Caller holds flush_mu_, write_mu_.
  Status SwapInCompacted(std::vector<CompactionOutput>& outputs,
                         const std::vector<std::string>& old_deltas,
                         std::vector<CompactionPlan>* plans);
  // Carries delete marks that reached `sources` after they were merged over to `merged`, whose
  // rows are the sources' live rows in key order; returns the marks made. Caller holds write_mu_.
  std::vector<DeleteMark> CarryOverDeletes(const std::vector<std::shared_ptr<Segment>>& sources,
                                           Segment* merged) const;
  Status RecordIndex(const IndexParams& params, IndexDef def);  // persists a validated definition
  void RebuildKeyIndex();
  std::shared_ptr<Segment> MergeInKeyOrder(const std::vector<std::shared_ptr<Segment>>& group,
                                           int64_t pid);

  struct RowRef {
    Segment* seg;
    uint32_t row;
  };

  const int64_t id_;
  const CollectionSchema schema_;
  const size_t pk_pos_;
  storage::Storage* storage_;
  HybridClock* clock_;
  const EngineOptions* options_;

  std::mutex compact_mu_;               // one compaction at a time (held across its builds)
  std::mutex flush_mu_;                 // one flush, catalog change or compaction step at a time
  bool dropped_ = false;                // guarded by flush_mu_
  mutable std::mutex write_mu_;         // serializes writers; guards the members below marked (W)
  mutable std::shared_mutex state_mu_;  // guards meta_, segments_ (readers shared)
  CollectionMeta meta_;
  std::vector<std::shared_ptr<Segment>> segments_;                 // in creation order
  std::unordered_map<int64_t, std::shared_ptr<Segment>> growing_;  // (W) partition -> growing
  std::unordered_map<int64_t, RowRef> int_index_;                  // (W) latest version per key
  std::unordered_map<std::string, RowRef> str_index_;              // (W)
  std::vector<DeleteMark> pending_marks_;                          // (W) since checkpoint
  std::vector<std::shared_ptr<Segment>> unflushed_;  // (W) frozen segments a failed flush left
  std::atomic<storage::Lsn> last_lsn_{0};            // highest applied record of this collection
  std::atomic<uint64_t> applied_ts_{0};
  mutable std::mutex index_mu_;
  std::map<std::pair<int64_t, int64_t>, std::string> build_failures_;  // (segment, field) -> error
};

}  // namespace elanus::engine
