#include "engine/collection.h"

#include <chrono>
#include <cstring>
#include <unordered_set>

#include "engine/segment_format.h"

namespace elanus::engine {
namespace {

size_t PkPosition(const CollectionSchema& s) {
  for (size_t p = 0; p < s.fields.size(); ++p)
    if (s.fields[p].is_primary_key) return p;
  return 0;
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

uint64_t Mix64(uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t HashString(std::string_view s) {  // FNV-1a 64
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return Mix64(h);
}

}  // namespace

Collection::Collection(CollectionMeta meta, storage::Storage* storage, HybridClock* clock,
                       const EngineOptions* options)
    : id_(meta.id),
      schema_(meta.schema),
      pk_pos_(PkPosition(meta.schema)),
      storage_(storage),
      clock_(clock),
      options_(options),
      meta_(std::move(meta)) {}

CollectionMeta Collection::meta() const {
  std::shared_lock l(state_mu_);
  return meta_;
}

void Collection::SetName(const std::string& db, const std::string& name) {
  std::unique_lock l(state_mu_);
  meta_.db = db;
  meta_.schema.name = name;
}

Status Collection::Load() {
  std::vector<SegmentMeta> segs;
  std::vector<std::string> deltas;
  {
    std::shared_lock l(state_mu_);
    segs = meta_.segments;
    deltas = meta_.deltas;
  }
  for (const SegmentMeta& sm : segs) {
    ELANUS_ASSIGN_OR_RETURN(auto blob, storage_->blobs->Get(sm.blob));
    auto data = DecodeSegment(schema_, std::move(blob));
    if (!data.ok()) return data.status().WithContext("loading " + sm.blob);
    if ((*data)->rows() != sm.rows) {
      return Status::Corruption("loading " + sm.blob + ": row count differs from the catalog");
    }
    auto seg = std::make_shared<Segment>(sm.id, sm.partition_id, &schema_);
    seg->SetSealedData(*data, sm.rows);
    ELANUS_RETURN_IF_ERROR(LoadIndexes(sm, seg.get()));
    std::unique_lock l(state_mu_);
    segments_.push_back(std::move(seg));
  }
  for (const std::string& d : deltas) ELANUS_RETURN_IF_ERROR(ApplyDeltaBlob(d));
  RebuildKeyIndex();
  return Status::OK();
}

void Collection::RebuildKeyIndex() {
  int_index_.clear();
  str_index_.clear();
  uint64_t max_ts = 0;
  std::shared_lock l(state_mu_);
  for (const auto& seg : segments_) {
    Segment::Snapshot snap = seg->Snap();
    for (const types::ChunkView& c : snap.chunks) {
      for (size_t i = 0; i < c.rows; ++i) {
        size_t row = c.row_begin + i;
        uint64_t del = seg->DeletedAt(row);
        max_ts = std::max(max_ts, c.ts[i]);
        if (del != kNeverDeleted) {
          max_ts = std::max(max_ts, del);
          continue;
        }
        RowRef ref{seg.get(), static_cast<uint32_t>(row)};
        const types::ColumnView& pk = c.columns[pk_pos_];
        if (pk.fixed)
          int_index_[pk.As<int64_t>()[i]] = ref;
        else
          str_index_[std::string(pk.var[i])] = ref;
      }
    }
  }
  applied_ts_.store(max_ts, std::memory_order_release);
}

Result<int64_t> Collection::PartitionId(const std::string& name) const {
  std::shared_lock l(state_mu_);
  const std::string& want = name.empty() ? std::string(kDefaultPartition) : name;
  for (const PartitionInfo& p : meta_.partitions)
    if (p.name == want) return p.id;
  return Status::NotFound("partition '" + want + "' does not exist in collection '" + schema_.name +
                          "'");
}

Result<std::vector<int64_t>> Collection::RoutePartitions(const types::NormalizedBatch& batch,
                                                         const std::string& partition) const {
  const FieldSchema* pkey = schema_.PartitionKey();
  if (pkey == nullptr) {
    ELANUS_ASSIGN_OR_RETURN(int64_t pid, PartitionId(partition));
    return std::vector<int64_t>(batch.num_rows, pid);
  }
  if (!partition.empty()) {
    return Status::InvalidArgument("collection '" + schema_.name +
                                   "' has a partition key; do not name a partition on writes");
  }
  size_t pos = 0;
  while (schema_.fields[pos].field_id != pkey->field_id) ++pos;
  std::vector<int64_t> out(batch.num_rows);
  std::shared_lock l(state_mu_);
  size_t n = meta_.partitions.size();
  for (size_t r = 0; r < batch.num_rows; ++r) {
    uint64_t h = pkey->type == DataType::kInt64
                     ? Mix64(static_cast<uint64_t>(batch.Int64At(pos, r)))
                     : HashString(batch.VarAt(pos, r));
    out[r] = meta_.partitions[h % n].id;
  }
  return out;
}

std::shared_ptr<Segment> Collection::GrowingFor(int64_t partition_id) {
  auto it = growing_.find(partition_id);
  if (it != growing_.end() && it->second->NumRows() < Segment::kMaxRows - 65536) return it->second;
  auto seg = std::make_shared<Segment>(static_cast<int64_t>(clock_->Now()), partition_id, &schema_);
  {
    std::unique_lock l(state_mu_);
    segments_.push_back(seg);
  }
  growing_[partition_id] = seg;
  return seg;
}

void Collection::Mark(Segment* seg, size_t row, uint64_t ts) {
  seg->MarkDeleted(row, ts);
  pending_marks_.push_back({seg->id(), row, ts});
}

void Collection::KillOlder(const types::NormalizedBatch& batch, size_t src, uint64_t ts) {
  if (schema_.fields[pk_pos_].type == DataType::kInt64) {
    auto it = int_index_.find(batch.Int64At(pk_pos_, src));
    if (it != int_index_.end()) Mark(it->second.seg, it->second.row, ts);
  } else {
    auto it = str_index_.find(std::string(batch.VarAt(pk_pos_, src)));
    if (it != str_index_.end()) Mark(it->second.seg, it->second.row, ts);
  }
}

void Collection::IndexRow(Segment* seg, size_t row, const types::NormalizedBatch& batch,
                          size_t src) {
  RowRef ref{seg, static_cast<uint32_t>(row)};
  if (schema_.fields[pk_pos_].type == DataType::kInt64) {
    int_index_[batch.Int64At(pk_pos_, src)] = ref;
  } else {
    str_index_[std::string(batch.VarAt(pk_pos_, src))] = ref;
  }
}

void Collection::ApplyInsert(uint64_t ts, const std::vector<int64_t>& row_partitions,
                             const types::NormalizedBatch& batch, storage::Lsn lsn) {
  std::vector<std::pair<int64_t, std::vector<uint32_t>>> groups;
  for (uint32_t r = 0; r < batch.num_rows; ++r) {
    int64_t pid = row_partitions[r];
    auto it = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == pid; });
    if (it == groups.end()) {
      groups.push_back({pid, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(r);
  }
  uint64_t now = NowMs();
  for (auto& [pid, rows] : groups) {
    if (!PartitionExists(pid)) continue;  // dropped after the write was logged (replay)
    std::shared_ptr<Segment> seg = GrowingFor(pid);
    size_t first = seg->Append(batch, rows, ts, now);
    for (size_t k = 0; k < rows.size(); ++k) {
      KillOlder(batch, rows[k], ts);
      IndexRow(seg.get(), first + k, batch, rows[k]);
    }
  }
  last_lsn_.store(std::max(last_lsn_.load(), lsn));
  applied_ts_.store(std::max(applied_ts_.load(), ts), std::memory_order_release);
}

size_t Collection::ApplyDelete(uint64_t ts, int64_t partition_id, const PrimaryKeys& keys,
                               storage::Lsn lsn) {
  size_t n = 0;
  auto kill = [&](auto& index, const auto& key) {
    auto it = index.find(key);
    if (it == index.end()) return;
    if (partition_id >= 0 && it->second.seg->partition_id() != partition_id) return;
    Mark(it->second.seg, it->second.row, ts);
    index.erase(it);
    ++n;
  };
  for (int64_t k : keys.ints) kill(int_index_, k);
  for (const std::string& k : keys.strings) kill(str_index_, k);
  last_lsn_.store(std::max(last_lsn_.load(), lsn));
  applied_ts_.store(std::max(applied_ts_.load(), ts), std::memory_order_release);
  return n;
}

PrimaryKeys Collection::KeysOf(const types::NormalizedBatch& batch) const {
  PrimaryKeys keys;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    if (schema_.fields[pk_pos_].type == DataType::kInt64)
      keys.ints.push_back(batch.Int64At(pk_pos_, r));
    else
      keys.strings.emplace_back(batch.VarAt(pk_pos_, r));
  }
  return keys;
}

Result<CollectionMeta> Collection::WithPartition(const std::string& name, int64_t id,
                                                 uint64_t ts) const {
  CollectionMeta m = meta();
  for (const PartitionInfo& p : m.partitions) {
    if (p.name == name) {
      return Status::AlreadyExists("partition '" + name + "' already exists in collection '" +
                                   schema_.name + "'");
    }
  }
  if (m.partitions.size() >= kMaxPartitions) {
    return Status::ResourceExhausted("collection '" + schema_.name +
                                     "' already has the maximum of 1024 partitions");
  }
  m.partitions.push_back({name, id, ts});
  return m;
}

Result<CollectionMeta> Collection::WithoutPartition(const std::string& name) const {
  CollectionMeta m = meta();
  auto it = std::find_if(m.partitions.begin(), m.partitions.end(),
                         [&](const PartitionInfo& p) { return p.name == name; });
  if (it == m.partitions.end()) {
    return Status::NotFound("partition '" + name + "' does not exist in collection '" +
                            schema_.name + "'");
  }
  int64_t pid = it->id;
  m.partitions.erase(it);
  std::erase_if(m.segments, [&](const SegmentMeta& s) { return s.partition_id == pid; });
  return m;
}

void Collection::SetPartitions(const std::vector<PartitionInfo>& partitions) {
  std::unordered_set<int64_t> keep;
  for (const PartitionInfo& p : partitions) keep.insert(p.id);
  // References into removed segments go first, while the segments are still alive (caller holds
  // write_mu_).
  auto gone = [&](const RowRef& r) { return !keep.count(r.seg->partition_id()); };
  std::erase_if(int_index_, [&](const auto& kv) { return gone(kv.second); });
  std::erase_if(str_index_, [&](const auto& kv) { return gone(kv.second); });
  std::erase_if(unflushed_, [&](const auto& s) { return !keep.count(s->partition_id()); });
  for (auto it = growing_.begin(); it != growing_.end();) {
    it = keep.count(it->first) ? std::next(it) : growing_.erase(it);
  }
  std::unique_lock l(state_mu_);
  meta_.partitions = partitions;
  std::erase_if(meta_.segments, [&](const SegmentMeta& s) { return !keep.count(s.partition_id); });
  std::erase_if(segments_, [&](const auto& s) { return !keep.count(s->partition_id()); });
}

std::vector<std::string> Collection::PartitionsForKeys(
    const std::vector<ScalarValue>& values) const {
  std::shared_lock l(state_mu_);
  size_t n = meta_.partitions.size();
  std::vector<bool> hit(n, false);
  for (const ScalarValue& v : values) {
    if (std::holds_alternative<int64_t>(v)) {
      hit[Mix64(static_cast<uint64_t>(std::get<int64_t>(v))) % n] = true;
    } else if (std::holds_alternative<std::string>(v)) {
      hit[HashString(std::get<std::string>(v)) % n] = true;
    }
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i)
    if (hit[i]) names.push_back(meta_.partitions[i].name);
  return names;
}

bool Collection::PartitionExists(int64_t pid) const {
  std::shared_lock l(state_mu_);
  for (const PartitionInfo& p : meta_.partitions)
    if (p.id == pid) return true;
  return false;
}

Result<ReadSet> Collection::Read(const std::vector<std::string>& partitions) const {
  std::unordered_set<int64_t> want;
  std::shared_lock l(state_mu_);
  for (const std::string& name : partitions) {
    auto it = std::find_if(meta_.partitions.begin(), meta_.partitions.end(),
                           [&](const PartitionInfo& p) { return p.name == name; });
    if (it == meta_.partitions.end()) {
      return Status::NotFound("partition '" + name + "' does not exist in collection '" +
                              schema_.name + "'");
    }
    want.insert(it->id);
  }
  ReadSet rs;
  for (const auto& seg : segments_) {
    if (!want.empty() && !want.count(seg->partition_id())) continue;
    rs.segments.push_back({seg, seg->Snap()});
  }
  return rs;
}

size_t Collection::CountVisible(uint64_t ts) const {
  auto rs = Read({});
  if (!rs.ok()) return 0;
  size_t n = 0;
  for (const SegmentRead& sr : rs->segments) {
    for (const types::ChunkView& c : sr.snap.chunks) {
      for (size_t i = 0; i < c.rows; ++i) {
        n += c.ts[i] <= ts && sr.segment->DeletedAt(c.row_begin + i) > ts;
      }
    }
  }
  return n;
}

bool Collection::NeedsSeal(uint64_t now_ms) const {
  for (const auto& [pid, seg] : growing_) {
    if (seg->NumRows() == 0) continue;
    if (seg->NumRows() >= options_->seal_rows || seg->GrowingBytes() >= options_->seal_bytes) {
      return true;
    }
    if (now_ms - seg->last_write_ms() >= options_->seal_idle_ms) return true;
  }
  return false;
}

size_t Collection::sealed_segments() const {
  std::shared_lock l(state_mu_);
  return std::count_if(segments_.begin(), segments_.end(), [](auto& s) { return s->sealed(); });
}

size_t Collection::growing_segments() const {
  std::shared_lock l(state_mu_);
  return std::count_if(segments_.begin(), segments_.end(), [](auto& s) { return !s->sealed(); });
}

}  // namespace elanus::engine
