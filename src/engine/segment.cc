#include "engine/segment.h"

#include <algorithm>
#include <cstring>

namespace elanus::engine {

// ---- GrowingData
// ---------------------------------------------------------------------------------

struct GrowingData::Chunk {
  size_t row_begin = 0;
  size_t capacity = 0;
  std::unique_ptr<uint64_t[]> ts;
  struct Col {
    std::unique_ptr<uint8_t[]> fixed;
    std::unique_ptr<std::string_view[]> var;
    std::unique_ptr<uint8_t[]> valid;
  };
  std::vector<Col> cols;
  // Variable-length bytes; blocks never move once allocated.
  std::vector<std::unique_ptr<char[]>> blocks;
  size_t block_used = 0;
  size_t block_size = 0;

  std::string_view Store(std::string_view s) {
    if (s.empty()) return {};
    if (blocks.empty() || block_used + s.size() > block_size) {
      block_size = std::max<size_t>(s.size(), 256 << 10);
      blocks.push_back(std::make_unique<char[]>(block_size));
      block_used = 0;
    }
    char* p = blocks.back().get() + block_used;
    std::memcpy(p, s.data(), s.size());
    block_used += s.size();
    return {p, s.size()};
  }
};

GrowingData::GrowingData(const CollectionSchema* schema) : schema_(schema) {}
GrowingData::~GrowingData() = default;

GrowingData::Chunk* GrowingData::EnsureChunk(size_t row) {
  size_t n = num_chunks_.load(std::memory_order_relaxed);
  if (n > 0) {
    Chunk* last = chunks_[n - 1].get();
    if (row < last->row_begin + last->capacity) return last;
  }
  auto c = std::make_unique<Chunk>();
  c->row_begin = n == 0 ? 0 : chunks_[n - 1]->row_begin + chunks_[n - 1]->capacity;
  c->capacity = std::min<size_t>(size_t{1024} << std::min<size_t>(n, 6), 65536);
  c->ts = std::make_unique<uint64_t[]>(c->capacity);
  c->cols.resize(schema_->fields.size());
  for (size_t p = 0; p < schema_->fields.size(); ++p) {
    const FieldSchema& f = schema_->fields[p];
    size_t w = FixedWidth(f.type, f.dim);
    if (w > 0)
      c->cols[p].fixed = std::make_unique<uint8_t[]>(w * c->capacity);
    else
      c->cols[p].var = std::make_unique<std::string_view[]>(c->capacity);
    if (f.nullable) c->cols[p].valid = std::make_unique<uint8_t[]>(c->capacity);
  }
  chunks_[n] = std::move(c);
  num_chunks_.store(n + 1, std::memory_order_release);
  return chunks_[n].get();
}

void GrowingData::Append(const types::NormalizedBatch& batch, const std::vector<uint32_t>& rows,
                         uint64_t ts, size_t first_row) {
  size_t row = first_row;
  for (uint32_t src : rows) {
    Chunk* c = EnsureChunk(row);
    size_t i = row - c->row_begin;
    c->ts[i] = ts;
    bytes_ += 8;
    for (size_t p = 0; p < c->cols.size(); ++p) {
      const FieldSchema& f = schema_->fields[p];
      const types::NormColumn& in = batch.columns[p];
      Chunk::Col& col = c->cols[p];
      if (col.fixed) {
        size_t w = FixedWidth(f.type, f.dim);
        std::memcpy(col.fixed.get() + i * w, in.fixed.data() + src * w, w);
        bytes_ += w;
      } else {
        col.var[i] = c->Store(in.var[src]);
        bytes_ += in.var[src].size() + sizeof(std::string_view);
      }
      if (col.valid) col.valid[i] = in.valid.empty() ? 1 : in.valid[src];
    }
    ++row;
  }
}

void GrowingData::Views(size_t rows, std::vector<types::ChunkView>* out) const {
  size_t n = num_chunks_.load(std::memory_order_acquire);
  for (size_t k = 0; k < n; ++k) {
    const Chunk* c = chunks_[k].get();
    if (c->row_begin >= rows) break;
    types::ChunkView v;
    v.row_begin = c->row_begin;
    v.rows = std::min(c->capacity, rows - c->row_begin);
    v.ts = c->ts.get();
    v.columns.resize(c->cols.size());
    for (size_t p = 0; p < c->cols.size(); ++p) {
      v.columns[p].fixed = c->cols[p].fixed.get();
      v.columns[p].var = c->cols[p].var.get();
      v.columns[p].valid = c->cols[p].valid.get();
    }
    out->push_back(std::move(v));
  }
}

// ---- Segment
// -------------------------------------------------------------------------------------

Segment::Segment(int64_t id, int64_t partition_id, const CollectionSchema* schema)
    : id_(id),
      partition_id_(partition_id),
      schema_(schema),
      del_(std::make_unique<std::unique_ptr<std::atomic<uint64_t>[]>[]>(kMaxRows / kDelChunkRows)) {
  auto growing = std::make_shared<GrowingData>(schema);
  growing_ = growing.get();
  data_ = std::move(growing);
}

size_t Segment::GrowingBytes() const { return growing_ != nullptr ? growing_->bytes() : 0; }

std::atomic<uint64_t>* Segment::DelSlot(size_t row) const {
  std::atomic<uint64_t>* chunk = del_[row / kDelChunkRows].get();
  return chunk + row % kDelChunkRows;
}

size_t Segment::Append(const types::NormalizedBatch& batch, const std::vector<uint32_t>& rows,
                       uint64_t ts, uint64_t now_ms) {
  size_t first = rows_.load(std::memory_order_relaxed);
  // Delete marks for the new rows exist before the rows are published.
  for (size_t r = first; r < first + rows.size(); r += kDelChunkRows - r % kDelChunkRows) {
    auto& chunk = del_[r / kDelChunkRows];
    if (!chunk) {
      chunk = std::make_unique<std::atomic<uint64_t>[]>(kDelChunkRows);
      for (size_t i = 0; i < kDelChunkRows; ++i)
        chunk[i].store(kNeverDeleted, std::memory_order_relaxed);
    }
  }
  growing_->Append(batch, rows, ts, first);
  last_write_ms_ = now_ms;
  rows_.store(first + rows.size(), std::memory_order_release);
  return first;
}

void Segment::SetSealedData(std::shared_ptr<const SegmentData> data, size_t rows) {
  for (size_t r = 0; r < rows; r += kDelChunkRows) {
    auto& chunk = del_[r / kDelChunkRows];
    if (!chunk) {
      chunk = std::make_unique<std::atomic<uint64_t>[]>(kDelChunkRows);
      for (size_t i = 0; i < kDelChunkRows; ++i)
        chunk[i].store(kNeverDeleted, std::memory_order_relaxed);
    }
  }
  uint64_t max_ts = 0;
  {
    std::vector<types::ChunkView> views;
    data->Views(rows, &views);
    for (const types::ChunkView& c : views)
      for (size_t i = 0; i < c.rows; ++i) max_ts = std::max(max_ts, c.ts[i]);
  }
  {
    std::lock_guard<std::mutex> l(data_mu_);
    data_ = std::move(data);
    growing_ = nullptr;
  }
  max_ts_.store(max_ts, std::memory_order_release);
  rows_.store(rows, std::memory_order_release);
  sealed_.store(true, std::memory_order_release);
}

void Segment::MarkDeleted(size_t row, uint64_t ts) {
  has_deletes_.store(true, std::memory_order_release);
  std::atomic<uint64_t>* slot = DelSlot(row);
  uint64_t cur = slot->load(std::memory_order_relaxed);
  while (ts < cur && !slot->compare_exchange_weak(cur, ts, std::memory_order_relaxed)) {
  }
}

uint64_t Segment::DeletedAt(size_t row) const {
  return DelSlot(row)->load(std::memory_order_relaxed);
}

void Segment::AttachIndex(int64_t field_id, std::shared_ptr<const index::VectorIndex> idx) {
  std::lock_guard<std::mutex> l(data_mu_);
  indexes_[field_id] = std::move(idx);
}

void Segment::AttachScalarIndex(int64_t field_id, std::shared_ptr<const expr::ScalarIndex> idx) {
  std::lock_guard<std::mutex> l(data_mu_);
  scalar_indexes_[field_id] = std::move(idx);
}

void Segment::DetachIndex(int64_t field_id) {
  std::lock_guard<std::mutex> l(data_mu_);
  indexes_.erase(field_id);
  scalar_indexes_.erase(field_id);
}

bool Segment::HasIndex(int64_t field_id) const {
  std::lock_guard<std::mutex> l(data_mu_);
  return indexes_.count(field_id) > 0 || scalar_indexes_.count(field_id) > 0;
}

Segment::Snapshot Segment::Snap() const {
  Snapshot s;
  {
    std::lock_guard<std::mutex> l(data_mu_);
    s.data = data_;
    s.indexes = indexes_;
    s.scalar_indexes = scalar_indexes_;
  }
  s.rows = rows_.load(std::memory_order_acquire);
  s.data->Views(s.rows, &s.chunks);
  return s;
}

size_t FindChunk(const std::vector<types::ChunkView>& chunks, size_t row) {
  auto it = std::upper_bound(chunks.begin(), chunks.end(), row,
                             [](size_t r, const types::ChunkView& c) { return r < c.row_begin; });
  return static_cast<size_t>(it - chunks.begin()) - 1;
}

}  // namespace elanus::engine
