// Segment: a set of rows of one partition, with per-row MVCC state. Its data is growing
// (in-memory, append-only chunks) until sealed, then immutable (a memory-mapped blob). The same
// Segment object keeps its id, row numbering and delete marks across the seal; only the data
// backing is swapped, and readers holding the old backing keep it alive.
//
// Thread-safety: one writer at a time (the collection's write lock) calls Append/MarkDeleted/
// SetData; any number of readers call Snapshot/DeletedAt concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "elanus/schema.h"
#include "expr/scalar_index.h"
#include "index/vector_index.h"
#include "storage/blob_store.h"
#include "types/batch.h"
#include "types/column.h"

namespace elanus::engine {

inline constexpr uint64_t kNeverDeleted = ~uint64_t{0};

// Row storage behind a segment. Views() returns chunk views covering rows [0, rows).
class SegmentData {
 public:
  virtual ~SegmentData() = default;
  virtual void Views(size_t rows, std::vector<types::ChunkView>* out) const = 0;
};

// Growing storage: chunks of geometrically increasing capacity (1Ki .. 64Ki rows), never moved,
// so readers can read published rows while the writer appends.
class GrowingData : public SegmentData {
 public:
  explicit GrowingData(const CollectionSchema* schema);
  ~GrowingData() override;
  // Appends the given rows of `batch` (indices into it) with timestamp ts. Writer only.
  void Append(const types::NormalizedBatch& batch, const std::vector<uint32_t>& rows, uint64_t ts,
              size_t first_row);
  void Views(size_t rows, std::vector<types::ChunkView>* out) const override;
  size_t bytes() const { return bytes_; }

  static constexpr size_t kMaxChunks = 4096;

 private:
  struct Chunk;
  Chunk* EnsureChunk(size_t row);
  const CollectionSchema* schema_;
  std::unique_ptr<Chunk> chunks_[kMaxChunks];
  std::atomic<size_t> num_chunks_{0};
  size_t bytes_ = 0;  // writer only
};

class Segment {
 public:
  static constexpr size_t kMaxRows = 64ull << 20;  // growing segments seal long before this

  Segment(int64_t id, int64_t partition_id, const CollectionSchema* schema);

  int64_t id() const { return id_; }
  int64_t partition_id() const { return partition_id_; }
  bool sealed() const { return sealed_.load(std::memory_order_acquire); }
  size_t NumRows() const { return rows_.load(std::memory_order_acquire); }
  size_t GrowingBytes() const;
  uint64_t last_write_ms() const { return last_write_ms_; }

  // Writer: appends rows to a growing segment and publishes them. Returns the first row index.
  size_t Append(const types::NormalizedBatch& batch, const std::vector<uint32_t>& rows, uint64_t ts,
                uint64_t now_ms);
  // Writer: swaps in sealed data with the same rows (after a seal or at recovery).
  void SetSealedData(std::shared_ptr<const SegmentData> data, size_t rows);

  // Marks `row` deleted at ts if that is earlier than its current mark. Writer only.
  void MarkDeleted(size_t row, uint64_t ts);
  uint64_t DeletedAt(size_t row) const;

  // A reader's consistent view: the data backing (kept alive) and chunk views of published rows.
  // Vector indexes of a sealed segment, by field id. Attached after a background build or at load.
  using IndexMap = std::map<int64_t, std::shared_ptr<const index::VectorIndex>>;
  void AttachIndex(int64_t field_id, std::shared_ptr<const index::VectorIndex> idx);
  // Scalar indexes (sealed segments only), by field id; used by the filter evaluator.
  void AttachScalarIndex(int64_t field_id, std::shared_ptr<const expr::ScalarIndex> idx);
  void DetachIndex(int64_t field_id);  // vector or scalar
  bool HasIndex(int64_t field_id) const;

  // Whether any row was ever marked deleted, and the newest row timestamp (sealed segments), so a
  // search can skip building a visibility mask when every row is visible.
  bool has_deletes() const { return has_deletes_.load(std::memory_order_acquire); }
  uint64_t max_ts() const { return max_ts_.load(std::memory_order_acquire); }

  // A reader's consistent view: the data backing (kept alive) and chunk views of published rows.
  struct Snapshot {
    std::shared_ptr<const SegmentData> data;
    std::vector<types::ChunkView> chunks;
    size_t rows = 0;
    IndexMap indexes;
    expr::ScalarIndexMap scalar_indexes;
  };
  Snapshot Snap() const;

 private:
  static constexpr size_t kDelChunkRows = 1 << 16;
  std::atomic<uint64_t>* DelSlot(size_t row) const;

  const int64_t id_;
  const int64_t partition_id_;
  const CollectionSchema* schema_;
  std::atomic<size_t> rows_{0};
  std::atomic<bool> sealed_{false};
  uint64_t last_write_ms_ = 0;
  mutable std::mutex data_mu_;
  std::shared_ptr<const SegmentData> data_;  // guarded by data_mu_
  IndexMap indexes_;                         // guarded by data_mu_
  expr::ScalarIndexMap scalar_indexes_;      // guarded by data_mu_
  std::atomic<bool> has_deletes_{false};
  std::atomic<uint64_t> max_ts_{~uint64_t{0}};  // unknown (growing): never "all visible"
  GrowingData* growing_ = nullptr;              // non-null while growing; owned via data_
  std::unique_ptr<std::unique_ptr<std::atomic<uint64_t>[]>[]> del_;  // kMaxRows / kDelChunkRows
};

// Finds the chunk holding `row` in views sorted by row_begin; returns its index.
size_t FindChunk(const std::vector<types::ChunkView>& chunks, size_t row);

}  // namespace elanus::engine
