// Flush (seal growing segments into blobs), compaction and delete-mark logs of a Collection.
#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <ranges>
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
    std::string name = SegmentBlobName(seg->id());
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

// One merged output of a compaction, from its merge to its swap.
struct Collection::CompactionOutput {
  std::vector<std::shared_ptr<Segment>> sources;
  std::shared_ptr<Segment> merged;
  int64_t partition_id = 0;
  size_t rows = 0;
  std::string blob;  // "" when every source row was deleted
  struct Index {
    IndexDef def;  // the definition it was built for
    std::string blob;
    BuiltIndex built;
  };
  std::map<int64_t, Index> indexes;  // by field id
};

namespace {
std::mutex hook_mu;
std::function<void()>& HandoffHook() {
  static std::function<void()> hook;
  return hook;
}
}  // namespace

void SetCompactionHandoffHookForTesting(std::function<void()> hook) {
  std::lock_guard l(hook_mu);
  HandoffHook() = std::move(hook);
}

Status Collection::Compact(const CompactOptions& options, std::vector<CompactionPlan>* plans,
                           ThreadPool* pool) {
  std::lock_guard cl(compact_mu_);
  ELANUS_RETURN_IF_ERROR(Flush());
  std::vector<CompactionOutput> outputs;
  std::vector<std::string> old_deltas;
  {
    // Step 1: merge under the write lock, so every delete so far is folded in.
    std::lock_guard fl(flush_mu_);
    if (dropped_) return Status::OK();
    std::lock_guard w(write_mu_);
    std::vector<std::shared_ptr<Segment>> sealed;
    {
      std::shared_lock l(state_mu_);
      for (const auto& s : segments_)
        if (s->sealed()) sealed.push_back(s);
      old_deltas = meta_.deltas;
    }
    // Outputs are built in memory before they are written, so both kinds of compaction cap them
    // at four times the seal size.
    const size_t max_rows = std::min<size_t>(Segment::kMaxRows / 2, options_->seal_rows * 4);
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
        CompactionOutput out;
        out.sources = group;
        out.partition_id = pid;
        out.merged = MergeInKeyOrder(group, pid);
        outputs.push_back(std::move(out));
      }
    }
  }
  if (outputs.empty()) return Status::OK();
  // Step 2, writers running: write each output, load it back, build its indexes.
  auto discard = [&](const Status& st) {
    for (const CompactionOutput& out : outputs) {
      if (!out.blob.empty()) (void)storage_->blobs->Delete(out.blob);
      for (const auto& [field, idx] : out.indexes) (void)storage_->blobs->Delete(idx.blob);
    }
    return st;
  };
  const std::vector<IndexDef> defs = index_defs();
  for (CompactionOutput& out : outputs) {
    Segment::Snapshot snap = out.merged->Snap();
    out.rows = snap.rows;
    if (snap.rows == 0) continue;
    const std::string name = SegmentBlobName(out.merged->id());
    Status put = storage_->blobs->Put(name, EncodeSegment(schema_, snap));
    if (!put.ok()) return discard(put);
    out.blob = name;
    auto blob = storage_->blobs->Get(name);
    if (!blob.ok()) return discard(blob.status());
    auto data = DecodeSegment(schema_, std::move(blob).value());
    if (!data.ok()) return discard(data.status());
    out.merged->SetSealedData(std::move(data).value(), snap.rows);
    snap = out.merged->Snap();
    for (const IndexDef& def : defs) {
      if (def.resolved_type.empty()) continue;
      // A failed build is left to the background builder, which records the failure.
      auto built = BuildIndexImage(snap, def, pool);
      if (!built.ok()) continue;
      const std::string idx_name = IndexBlobName(out.merged->id(), def.field_id);
      put = storage_->blobs->Put(idx_name, built->image);
      if (!put.ok()) return discard(put);
      built->image.clear();
      out.indexes[def.field_id] = {def, idx_name, std::move(built).value()};
    }
  }
  {
    std::function<void()> hook;
    {
      std::lock_guard l(hook_mu);
      hook = HandoffHook();
    }
    if (hook) hook();
  }
  // Step 3: swap the outputs in.
  std::lock_guard fl(flush_mu_);
  std::lock_guard w(write_mu_);
  if (dropped_) return discard(Status::OK());
  Status st = SwapInCompacted(outputs, old_deltas, plans);
  if (!st.ok()) return discard(st);
  return Status::OK();
}

std::vector<DeleteMark> Collection::CarryOverDeletes(
    const std::vector<std::shared_ptr<Segment>>& sources, Segment* merged) const {
  std::vector<DeleteMark> marks;
  Segment::Snapshot out = merged->Snap();
  if (out.rows == 0) return marks;
  const types::ChunkView& oc = out.chunks.front();
  const types::ColumnView& opk = oc.columns[pk_pos_];
  const bool int_key = schema_.fields[pk_pos_].type == DataType::kInt64;
  const auto positions = std::views::iota(size_t{0}, oc.rows);  // output rows, in key order
  for (const auto& src : sources) {
    Segment::Snapshot snap = src->Snap();
    for (const types::ChunkView& c : snap.chunks) {
      const types::ColumnView& pk = c.columns[pk_pos_];
      for (size_t i = 0; i < c.rows; ++i) {
        const uint64_t del = src->DeletedAt(c.row_begin + i);
        if (del == kNeverDeleted) continue;
        // The output is in key order with one live version per key; the version is the same
        // row iff its insert timestamp is too (a deleted older version has an earlier one).
        const auto key_before = [&](size_t row) {
          return int_key ? opk.As<int64_t>()[row] < pk.As<int64_t>()[i] : opk.var[row] < pk.var[i];
        };
        const auto lo = static_cast<size_t>(std::ranges::partition_point(positions, key_before) -
                                            positions.begin());
        if (lo == oc.rows) continue;
        const bool same_key =
            int_key ? opk.As<int64_t>()[lo] == pk.As<int64_t>()[i] : opk.var[lo] == pk.var[i];
        if (!same_key || oc.ts[lo] != c.ts[i] || merged->DeletedAt(lo) != kNeverDeleted) continue;
        merged->MarkDeleted(lo, del);
        marks.push_back({merged->id(), lo, del});
      }
    }
  }
  return marks;
}

Status Collection::SwapInCompacted(std::vector<CompactionOutput>& outputs,
                                   const std::vector<std::string>& old_deltas,
                                   std::vector<CompactionPlan>* plans) {
  CollectionMeta m = meta();
  std::unordered_set<int64_t> present;
  for (const SegmentMeta& sm : m.segments) present.insert(sm.id);
  std::vector<DeleteMark> carried;
  std::vector<std::string> dropped_blobs;  // outputs and indexes not swapped in
  std::unordered_set<int64_t> gone;
  std::vector<std::pair<CompactionOutput*, SegmentMeta>> created;  // swapped in, with rows
  std::unordered_set<const Segment*> gone_ptrs;
  for (CompactionOutput& out : outputs) {
    // A partition dropped meanwhile took the sources with it.
    bool sources_left = std::all_of(out.sources.begin(), out.sources.end(),
                                    [&](const auto& s) { return present.count(s->id()) > 0; });
    if (!sources_left) {
      if (!out.blob.empty()) dropped_blobs.push_back(out.blob);
      for (const auto& [field, idx] : out.indexes) dropped_blobs.push_back(idx.blob);
      continue;
    }
    CompactionPlan plan;
    for (const auto& s : out.sources) {
      plan.sources.push_back(s->id());
      gone.insert(s->id());
      gone_ptrs.insert(s.get());
    }
    if (out.rows > 0) {
      std::vector<DeleteMark> marks = CarryOverDeletes(out.sources, out.merged.get());
      carried.insert(carried.end(), marks.begin(), marks.end());
      SegmentMeta sm{out.merged->id(), out.partition_id, out.rows, out.blob};
      // Indexes of definitions dropped or replaced meanwhile are not kept; missing ones are
      // built later by the background builder.
      for (const auto& [field, idx] : out.indexes) {
        if (std::find(m.indexes.begin(), m.indexes.end(), idx.def) != m.indexes.end())
          sm.index_blobs[field] = idx.blob;
        else
          dropped_blobs.push_back(idx.blob);
      }
      created.push_back({&out, sm});
      plan.target = out.merged->id();
    }
    if (plans != nullptr) plans->push_back(std::move(plan));
  }
  std::string carried_delta;
  if (!carried.empty()) {
    carried_delta = BlobPrefix(id_) + "d" + std::to_string(clock_->Now()) + ".del";
    ELANUS_RETURN_IF_ERROR(WriteDeltaBlob(carried, carried_delta));
  }
  std::vector<std::string> old_blobs;
  for (const SegmentMeta& sm : m.segments) {
    if (!gone.count(sm.id)) continue;
    const std::vector<std::string> blobs = sm.Blobs();
    old_blobs.insert(old_blobs.end(), blobs.begin(), blobs.end());
  }
  std::erase_if(m.segments, [&](const SegmentMeta& sm) { return gone.count(sm.id) > 0; });
  for (const auto& [out, sm] : created) m.segments.push_back(sm);
  // Every sealed segment with a deleted row when the merge started was a source, so the delete
  // logs of that moment are obsolete; logs written since may hold marks of segments sealed since.
  std::unordered_set<std::string> obsolete(old_deltas.begin(), old_deltas.end());
  std::erase_if(m.deltas, [&](const std::string& d) { return obsolete.count(d) > 0; });
  old_blobs.insert(old_blobs.end(), old_deltas.begin(), old_deltas.end());
  if (!carried_delta.empty()) m.deltas.push_back(carried_delta);
  Status st = storage_->meta->Commit({{CollectionKey(id_), EncodeCollectionMeta(m)}});
  if (!st.ok()) {
    if (!carried_delta.empty()) (void)storage_->blobs->Delete(carried_delta);
    return st;
  }
  for (auto& [out, sm] : created)
    for (const auto& [field, blob] : sm.index_blobs)
      out->indexes[field].built.attach(out->merged.get());
  {
    std::unique_lock l(state_mu_);
    meta_ = std::move(m);
    std::erase_if(segments_, [&](const auto& s) { return gone.count(s->id()) > 0; });
    for (const auto& [out, sm] : created) segments_.push_back(out->merged);
  }
  std::erase_if(pending_marks_, [&](const DeleteMark& d) { return gone.count(d.segment_id) > 0; });
  // Keys whose latest version lives in a source now live in its output (a key written or
  // deleted meanwhile points elsewhere or nowhere, and is left alone).
  for (const auto& [out, sm] : created) {
    Segment::Snapshot snap = out->merged->Snap();
    const types::ChunkView& c = snap.chunks.front();
    const types::ColumnView& pk = c.columns[pk_pos_];
    for (size_t i = 0; i < c.rows; ++i) {
      RowRef ref{out->merged.get(), static_cast<uint32_t>(i)};
      auto remap = [&](auto& index, const auto& key) {
        auto it = index.find(key);
        if (it != index.end() && gone_ptrs.count(it->second.seg) > 0) it->second = ref;
      };
      if (pk.fixed)
        remap(int_index_, pk.As<int64_t>()[i]);
      else
        remap(str_index_, std::string(pk.var[i]));
    }
  }
  for (const std::string& b : old_blobs) (void)storage_->blobs->Delete(b);
  for (const std::string& b : dropped_blobs) (void)storage_->blobs->Delete(b);
  return Status::OK();
}

Status Collection::DropData() {
  ELANUS_ASSIGN_OR_RETURN(auto names, storage_->blobs->List(BlobPrefix(id_)));
  for (const std::string& n : names) ELANUS_RETURN_IF_ERROR(storage_->blobs->Delete(n));
  return Status::OK();
}

}  // namespace elanus::engine
