// Flush (seal growing segments into blobs), compaction and delete-mark logs of a Collection.
#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "common/crc32c.h"
#include "engine/collection.h"
#include "engine/segment_format.h"

namespace elanus::engine {
namespace {

constexpr char kDeltaMagic[8] = {'E', 'L', 'N', 'D', 'E', 'L', '0', '1'};

std::string BlobPrefix(int64_t coll) { return "c" + std::to_string(coll) + "/"; }

template <typename T>
void Put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

}  // namespace

// Delete-mark blob: magic | u32 version | u64 count | count × (i64 segment, u64 row, u64 ts) | crc
Status Collection::WriteDeltaBlob(const std::vector<DeleteMark>& marks, const std::string& name) {
  std::string out(kDeltaMagic, 8);
  Put<uint32_t>(out, 1);
  Put<uint64_t>(out, marks.size());
  for (const DeleteMark& m : marks) {
    Put(out, m.segment_id);
    Put(out, m.row);
    Put(out, m.ts);
  }
  Put<uint32_t>(out, Crc32c(out.data(), out.size()));
  return storage_->blobs->Put(name, out);
}

Status Collection::ApplyDeltaBlob(const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(auto blob, storage_->blobs->Get(name));
  std::string_view d = blob->data();
  auto bad = [&](const char* why) { return Status::Corruption("delete log " + name + ": " + why); };
  if (d.size() < 24 || std::memcmp(d.data(), kDeltaMagic, 8) != 0) return bad("bad header");
  uint32_t crc;
  std::memcpy(&crc, d.data() + d.size() - 4, 4);
  if (crc != Crc32c(d.data(), d.size() - 4)) return bad("checksum mismatch");
  uint64_t n;
  std::memcpy(&n, d.data() + 12, 8);
  if (n > (d.size() - 24) / 24 || d.size() != 24 + n * 24) return bad("bad length");
  std::unordered_map<int64_t, Segment*> by_id;
  {
    std::shared_lock l(state_mu_);
    for (const auto& s : segments_) by_id[s->id()] = s.get();
  }
  const char* p = d.data() + 20;
  for (uint64_t i = 0; i < n; ++i, p += 24) {
    DeleteMark m;
    std::memcpy(&m.segment_id, p, 8);
    std::memcpy(&m.row, p + 8, 8);
    std::memcpy(&m.ts, p + 16, 8);
    auto it = by_id.find(m.segment_id);
    if (it == by_id.end()) continue;  // the segment was compacted away
    if (m.row >= it->second->NumRows()) return bad("row out of range");
    it->second->MarkDeleted(m.row, m.ts);
  }
  return Status::OK();
}

Status Collection::Flush() {
  std::lock_guard fl(flush_mu_);
  if (dropped_) return Status::OK();
  std::vector<std::shared_ptr<Segment>> frozen;
  std::vector<DeleteMark> marks;
  storage::Lsn checkpoint;
  {
    std::lock_guard w(write_mu_);
    frozen.swap(unflushed_);
    for (auto it = growing_.begin(); it != growing_.end();) {
      if (it->second->NumRows() > 0) {
        frozen.push_back(it->second);
        it = growing_.erase(it);
      } else {
        ++it;
      }
    }
    marks.swap(pending_marks_);
    checkpoint = storage_->log->NextLsn();
    if (frozen.empty() && marks.empty() && meta().checkpoint_lsn >= last_lsn_.load()) {
      return Status::OK();  // nothing changed since the last checkpoint
    }
  }
  auto restore = [&](Status st) {
    std::lock_guard w(write_mu_);
    unflushed_ = std::move(frozen);
    marks.insert(marks.end(), pending_marks_.begin(), pending_marks_.end());
    pending_marks_ = std::move(marks);
    return st;
  };
  std::vector<SegmentMeta> written;
  for (const auto& seg : frozen) {
    Segment::Snapshot snap = seg->Snap();
    std::string name = BlobPrefix(id_) + "s" + std::to_string(seg->id()) + ".seg";
    Status st = storage_->blobs->Put(name, EncodeSegment(schema_, snap));
    if (!st.ok()) return restore(st);
    written.push_back({seg->id(), seg->partition_id(), snap.rows, name});
  }
  std::string delta;
  if (!marks.empty()) {
    delta = BlobPrefix(id_) + "d" + std::to_string(clock_->Now()) + ".del";
    Status st = WriteDeltaBlob(marks, delta);
    if (!st.ok()) return restore(st);
  }
  // Load what was written before publishing it, so a bad write is caught here.
  std::vector<std::shared_ptr<SealedData>> loaded;
  for (const SegmentMeta& sm : written) {
    auto blob = storage_->blobs->Get(sm.blob);
    if (!blob.ok()) return restore(blob.status());
    auto data = DecodeSegment(schema_, std::move(blob).value());
    if (!data.ok()) return restore(data.status());
    loaded.push_back(std::move(data).value());
  }
  std::lock_guard w(write_mu_);
  CollectionMeta m = meta();
  m.segments.insert(m.segments.end(), written.begin(), written.end());
  if (!delta.empty()) m.deltas.push_back(delta);
  m.checkpoint_lsn = checkpoint;
  Status st = storage_->meta->Commit({{CollectionKey(id_), EncodeCollectionMeta(m)}});
  if (!st.ok()) {
    unflushed_ = std::move(frozen);
    marks.insert(marks.end(), pending_marks_.begin(), pending_marks_.end());
    pending_marks_ = std::move(marks);
    return st;
  }
  {
    std::unique_lock l(state_mu_);
    meta_ = std::move(m);
  }
  for (size_t i = 0; i < frozen.size(); ++i) frozen[i]->SetSealedData(loaded[i], written[i].rows);
  return Status::OK();
}

storage::Lsn Collection::TruncationBound() const {
  std::lock_guard w(write_mu_);
  storage::Lsn cp = meta().checkpoint_lsn;
  bool unflushed = !growing_.empty() || !unflushed_.empty() || !pending_marks_.empty();
  for (const auto& [pid, seg] : growing_) unflushed |= seg->NumRows() > 0;
  if (!unflushed && last_lsn_.load() < cp) return ~storage::Lsn{0};
  return cp;
}

bool RowsInKeyOrder(const Segment::Snapshot& snap, const CollectionSchema& schema) {
  size_t pk = 0;
  while (pk < schema.fields.size() && !schema.fields[pk].is_primary_key) ++pk;
  if (pk == schema.fields.size()) return false;
  const bool int_key = schema.fields[pk].type == DataType::kInt64;
  int64_t last_int = std::numeric_limits<int64_t>::min();
  std::string_view last_str;
  for (const types::ChunkView& c : snap.chunks) {
    const types::ColumnView& col = c.columns[pk];
    for (size_t i = 0; i < c.rows; ++i) {
      if (int_key) {
        const int64_t v = col.As<int64_t>()[i];
        if (v < last_int) return false;
        last_int = v;
      } else {
        if (col.var[i] < last_str) return false;
        last_str = col.var[i];
      }
    }
  }
  return true;
}

// A new growing segment with the live rows of `group`, in primary-key order (rows with equal
// keys keep their order). Rows keep their own insert timestamps. Caller holds write_mu_.
std::shared_ptr<Segment> Collection::MergeInKeyOrder(
    const std::vector<std::shared_ptr<Segment>>& group, int64_t pid) {
  std::vector<Segment::Snapshot> snaps;
  snaps.reserve(group.size());
  for (const auto& s : group) snaps.push_back(s->Snap());
  struct Src {
    const types::ChunkView* chunk;
    uint32_t i;
  };
  std::vector<Src> rows;
  for (size_t g = 0; g < group.size(); ++g) {
    for (const types::ChunkView& c : snaps[g].chunks) {
      for (size_t i = 0; i < c.rows; ++i) {
        if (group[g]->DeletedAt(c.row_begin + i) == kNeverDeleted)
          rows.push_back({&c, static_cast<uint32_t>(i)});
      }
    }
  }
  const size_t pk = pk_pos_;
  if (schema_.fields[pk].type == DataType::kInt64) {
    std::stable_sort(rows.begin(), rows.end(), [pk](const Src& a, const Src& b) {
      return a.chunk->columns[pk].As<int64_t>()[a.i] < b.chunk->columns[pk].As<int64_t>()[b.i];
    });
  } else {
    std::stable_sort(rows.begin(), rows.end(), [pk](const Src& a, const Src& b) {
      return a.chunk->columns[pk].var[a.i] < b.chunk->columns[pk].var[b.i];
    });
  }
  // A column has validity bytes in the output if any source chunk has them (a chunk whose values
  // are all valid may carry none); rows from chunks without them are valid.
  std::vector<bool> with_valid(schema_.fields.size(), false);
  for (const Segment::Snapshot& snap : snaps)
    for (const types::ChunkView& c : snap.chunks)
      for (size_t p = 0; p < schema_.fields.size(); ++p)
        if (c.columns[p].valid != nullptr) with_valid[p] = true;
  auto merged = std::make_shared<Segment>(static_cast<int64_t>(clock_->Now()), pid, &schema_);
  constexpr size_t kBatchRows = 4096;  // bounds the copy held in memory at once
  for (size_t begin = 0; begin < rows.size(); begin += kBatchRows) {
    const size_t end = std::min(rows.size(), begin + kBatchRows);
    types::NormalizedBatch b;
    b.columns.resize(schema_.fields.size());
    std::vector<uint64_t> ts;
    for (size_t r = begin; r < end; ++r) {
      const types::ChunkView& c = *rows[r].chunk;
      const size_t i = rows[r].i;
      ts.push_back(c.ts[i]);
      for (size_t p = 0; p < schema_.fields.size(); ++p) {
        const FieldSchema& f = schema_.fields[p];
        const size_t wdt = FixedWidth(f.type, f.dim);
        const types::ColumnView& cv = c.columns[p];
        if (wdt > 0)
          b.columns[p].fixed.append(reinterpret_cast<const char*>(cv.fixed + i * wdt), wdt);
        else
          b.columns[p].var.emplace_back(cv.var[i]);
        if (with_valid[p]) b.columns[p].valid.push_back(cv.valid ? cv.valid[i] : 1);
      }
      ++b.num_rows;
    }
    // One Append per run of rows with the same timestamp.
    for (size_t start = 0; start < b.num_rows;) {
      size_t stop = start;
      std::vector<uint32_t> run;
      while (stop < b.num_rows && ts[stop] == ts[start])
        run.push_back(static_cast<uint32_t>(stop++));
      merged->Append(b, run, ts[start], 0);
      start = stop;
    }
  }
  return merged;
}

Status Collection::Compact(const CompactOptions& options, std::vector<CompactionPlan>* plans) {
  ELANUS_RETURN_IF_ERROR(Flush());
  std::lock_guard fl(flush_mu_);
  if (dropped_) return Status::OK();
  std::lock_guard w(write_mu_);
  std::vector<std::shared_ptr<Segment>> sealed;
  {
    std::shared_lock l(state_mu_);
    for (const auto& s : segments_)
      if (s->sealed()) sealed.push_back(s);
  }
  // Outputs are built in memory before they are written, so both kinds of compaction cap them
  // at four times the seal size.
  const size_t max_rows = std::min<size_t>(Segment::kMaxRows / 2, options_->seal_rows * 4);
  std::vector<std::shared_ptr<Segment>> removed;
  std::vector<std::pair<std::shared_ptr<Segment>, SegmentMeta>> created;
  std::vector<int64_t> partitions;
  for (const auto& s : sealed)
    if (std::find(partitions.begin(), partitions.end(), s->partition_id()) == partitions.end())
      partitions.push_back(s->partition_id());
  for (int64_t pid : partitions) {
    // Greedy groups of segments of this partition, each group within max_rows live rows.
    std::vector<std::vector<std::shared_ptr<Segment>>> groups(1);
    size_t group_rows = 0;
    for (const auto& s : sealed) {
      if (s->partition_id() != pid) continue;
      if (group_rows + s->NumRows() > max_rows && !groups.back().empty()) {
        groups.emplace_back();
        group_rows = 0;
      }
      groups.back().push_back(s);
      group_rows += s->NumRows();
    }
    for (const auto& group : groups) {
      if (group.empty()) continue;
      bool has_deleted = false;
      for (const auto& s : group)
        for (size_t r = 0; r < s->NumRows() && !has_deleted; ++r)
          has_deleted = s->DeletedAt(r) != kNeverDeleted;
      if (group.size() < 2 && !has_deleted) {
        if (!options.force_merge) continue;
        if (RowsInKeyOrder(group[0]->Snap(), schema_)) {  // already what a rewrite would give
          if (plans != nullptr) plans->push_back({{group[0]->id()}, group[0]->id()});
          continue;
        }
      }
      std::shared_ptr<Segment> merged = MergeInKeyOrder(group, pid);
      Segment::Snapshot snap = merged->Snap();
      std::string name = BlobPrefix(id_) + "s" + std::to_string(merged->id()) + ".seg";
      CompactionPlan plan;
      for (const auto& s : group) plan.sources.push_back(s->id());
      if (snap.rows > 0) {
        ELANUS_RETURN_IF_ERROR(storage_->blobs->Put(name, EncodeSegment(schema_, snap)));
        ELANUS_ASSIGN_OR_RETURN(auto blob, storage_->blobs->Get(name));
        ELANUS_ASSIGN_OR_RETURN(auto data, DecodeSegment(schema_, std::move(blob)));
        merged->SetSealedData(data, snap.rows);
        created.push_back({merged, {merged->id(), pid, snap.rows, name}});
        plan.target = merged->id();
      }
      if (plans != nullptr) plans->push_back(std::move(plan));
      removed.insert(removed.end(), group.begin(), group.end());
    }
  }
  if (removed.empty()) return Status::OK();
  std::unordered_set<int64_t> gone;
  for (const auto& s : removed) gone.insert(s->id());
  CollectionMeta m = meta();
  std::vector<std::string> old_blobs;
  for (const SegmentMeta& sm : m.segments) {
    if (!gone.count(sm.id)) continue;
    old_blobs.push_back(sm.blob);
    for (const auto& [field, blob] : sm.index_blobs) old_blobs.push_back(blob);
  }
  std::erase_if(m.segments, [&](const SegmentMeta& sm) { return gone.count(sm.id) > 0; });
  for (const auto& [seg, sm] : created) m.segments.push_back(sm);
  // Every segment left has no deleted rows, so the old delete logs are obsolete.
  old_blobs.insert(old_blobs.end(), m.deltas.begin(), m.deltas.end());
  m.deltas.clear();
  ELANUS_RETURN_IF_ERROR(storage_->meta->Commit({{CollectionKey(id_), EncodeCollectionMeta(m)}}));
  {
    std::unique_lock l(state_mu_);
    meta_ = std::move(m);
    std::erase_if(segments_, [&](const auto& s) { return gone.count(s->id()) > 0; });
    for (const auto& [seg, sm] : created) segments_.push_back(seg);
  }
  std::erase_if(pending_marks_, [&](const DeleteMark& d) { return gone.count(d.segment_id) > 0; });
  for (const auto& [seg, sm] : created) {
    Segment::Snapshot snap = seg->Snap();
    const types::ChunkView& c = snap.chunks.front();
    const types::ColumnView& pk = c.columns[pk_pos_];
    for (size_t i = 0; i < c.rows; ++i) {
      RowRef ref{seg.get(), static_cast<uint32_t>(i)};
      if (pk.fixed)
        int_index_[pk.As<int64_t>()[i]] = ref;
      else
        str_index_[std::string(pk.var[i])] = ref;
    }
  }
  for (const std::string& b : old_blobs) (void)storage_->blobs->Delete(b);
  return Status::OK();
}

Status Collection::DropData() {
  ELANUS_ASSIGN_OR_RETURN(auto names, storage_->blobs->List(BlobPrefix(id_)));
  for (const std::string& n : names) ELANUS_RETURN_IF_ERROR(storage_->blobs->Delete(n));
  return Status::OK();
}

}  // namespace elanus::engine
