// Vector and scalar indexes of a Collection: definitions in the catalog record, one built index
// per sealed segment and indexed field, persisted as a blob and recorded in the segment's catalog
// entry. Scalar indexes (INVERTED, BITMAP, STL_SORT, Trie) are expr::ScalarIndex images.
#include <algorithm>
#include <functional>

#include "engine/collection.h"
#include "expr/scalar_index.h"
#include "index/index_registry.h"

namespace elanus::engine {
namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

MetricType DefaultIndexMetric(DataType t) {
  if (t == DataType::kBinaryVector) return MetricType::kHamming;
  if (t == DataType::kSparseFloatVector) return MetricType::kIP;
  return MetricType::kCosine;
}

}  // namespace

// A scalar index definition: AUTOINDEX resolves to INVERTED (Milvus's default for scalars).
static Result<IndexDef> ScalarIndexDef(const IndexParams& p, const FieldSchema& field,
                                       const CollectionSchema& schema) {
  IndexDef def;
  def.field_id = field.field_id;
  def.name = p.index_name.empty() ? p.field_name : p.index_name;
  def.type = Upper(p.index_type.empty() ? "AUTOINDEX" : p.index_type);
  def.metric = MetricType::kNone;
  def.params = p.params;
  def.resolved_type = def.type == "AUTOINDEX" ? "INVERTED" : def.type;
  if (!expr::IsScalarIndexType(def.resolved_type)) {
    return Status::InvalidArgument("index type " + def.type + " is not supported on " +
                                   DataTypeName(field.type) + " field '" + field.name +
                                   "'; scalar fields take INVERTED, BITMAP, STL_SORT, Trie or "
                                   "AUTOINDEX");
  }
  auto spec = expr::ResolveScalarIndexSpec(def.resolved_type, field, schema, def.params);
  if (!spec.ok()) return spec.status();
  return def;
}

Status Collection::AddIndex(const IndexParams& p) {
  const FieldSchema* field = schema_.FindField(p.field_name);
  if (field == nullptr) {
    return Status::InvalidArgument("field '" + p.field_name + "' does not exist in collection '" +
                                   schema_.name + "'");
  }
  if (!IsVectorType(field->type)) {
    ELANUS_ASSIGN_OR_RETURN(IndexDef sdef, ScalarIndexDef(p, *field, schema_));
    return RecordIndex(p, std::move(sdef));
  }
  IndexDef def;
  def.field_id = field->field_id;
  def.name = p.index_name.empty() ? p.field_name : p.index_name;
  def.type = Upper(p.index_type.empty() ? "AUTOINDEX" : p.index_type);
  def.metric = p.metric == MetricType::kNone ? DefaultIndexMetric(field->type) : p.metric;
  def.params = p.params;
  def.resolved_type = def.type;
  if (field->type == DataType::kSparseFloatVector) {
    if (def.type != "AUTOINDEX" && def.type != "SPARSE_INVERTED_INDEX" &&
        def.type != "SPARSE_WAND") {
      return Status::InvalidArgument("index type " + def.type +
                                     " does not support SPARSE_FLOAT_VECTOR");
    }
    if (def.metric != MetricType::kIP) {
      return Status::InvalidArgument(std::string("metric ") + MetricTypeName(def.metric) +
                                     " is not supported for sparse vectors (use IP)");
    }
    if (def.type == "AUTOINDEX") def.resolved_type = "SPARSE_INVERTED_INDEX";
  } else if (def.type == "AUTOINDEX") {
    if (field->type == DataType::kBinaryVector) {
      def.resolved_type = "BIN_IVF_FLAT";
    } else {
      def.resolved_type = "HNSW";
      def.params.try_emplace("M", "18");
      def.params.try_emplace("efConstruction", "240");
    }
  }
  if (!def.resolved_type.empty()) {
    index::IndexSpec spec{field->type, field->dim, def.metric};
    auto probe = index::IndexRegistry::Global().Create(def.resolved_type, spec, def.params);
    if (!probe.ok()) return probe.status();
  }
  return RecordIndex(p, std::move(def));
}

Status Collection::RecordIndex(const IndexParams& p, IndexDef def) {
  std::lock_guard fl(flush_mu_);
  if (dropped_) return Status::NotFound("collection '" + schema_.name + "' was dropped");
  CollectionMeta m = meta();
  for (const IndexDef& d : m.indexes) {
    if (d.field_id == def.field_id) {
      if (d == def) return Status::OK();  // the same index again is a no-op, as in Milvus
      return Status::AlreadyExists("field '" + p.field_name + "' already has index '" + d.name +
                                   "'; drop it first");
    }
    if (d.name == def.name) return Status::AlreadyExists("index '" + def.name + "' already exists");
  }
  m.indexes.push_back(def);
  ELANUS_RETURN_IF_ERROR(storage_->meta->Commit({{CollectionKey(id_), EncodeCollectionMeta(m)}}));
  std::unique_lock l(state_mu_);
  meta_ = std::move(m);
  return Status::OK();
}

Status Collection::RemoveIndex(const std::string& name) {
  std::lock_guard fl(flush_mu_);
  CollectionMeta m = meta();
  auto it = std::find_if(m.indexes.begin(), m.indexes.end(),
                         [&](const IndexDef& d) { return d.name == name; });
  if (it == m.indexes.end()) {
    return Status::NotFound("index '" + name + "' does not exist on collection '" + schema_.name +
                            "'");
  }
  int64_t field = it->field_id;
  m.indexes.erase(it);
  std::vector<std::string> blobs;
  for (SegmentMeta& sm : m.segments) {
    auto b = sm.index_blobs.find(field);
    if (b != sm.index_blobs.end()) {
      blobs.push_back(b->second);
      sm.index_blobs.erase(b);
    }
  }
  ELANUS_RETURN_IF_ERROR(storage_->meta->Commit({{CollectionKey(id_), EncodeCollectionMeta(m)}}));
  {
    std::unique_lock l(state_mu_);
    meta_ = std::move(m);
    for (const auto& s : segments_) s->DetachIndex(field);
  }
  {
    std::lock_guard il(index_mu_);
    std::erase_if(build_failures_, [&](const auto& kv) { return kv.first.second == field; });
  }
  for (const std::string& b : blobs) (void)storage_->blobs->Delete(b);
  return Status::OK();
}

std::vector<std::pair<std::shared_ptr<Segment>, IndexDef>> Collection::PendingIndexBuilds() const {
  std::vector<std::pair<std::shared_ptr<Segment>, IndexDef>> out;
  std::shared_lock l(state_mu_);
  std::lock_guard il(index_mu_);
  for (const IndexDef& d : meta_.indexes) {
    if (d.resolved_type.empty()) continue;
    for (const auto& s : segments_) {
      if (!s->sealed() || s->NumRows() == 0 || s->HasIndex(d.field_id)) continue;
      if (build_failures_.count({s->id(), d.field_id})) continue;
      out.push_back({s, d});
    }
  }
  return out;
}

bool Collection::IndexBuildFailed() const {
  std::lock_guard il(index_mu_);
  return !build_failures_.empty();
}

std::string Collection::IndexBlobName(int64_t segment_id, int64_t field_id) const {
  return "c" + std::to_string(id_) + "/s" + std::to_string(segment_id) + "_f" +
         std::to_string(field_id) + ".idx";
}

std::string Collection::SegmentBlobName(int64_t segment_id) const {
  return "c" + std::to_string(id_) + "/s" + std::to_string(segment_id) + ".seg";
}

Result<Collection::BuiltIndex> Collection::BuildIndexImage(const Segment::Snapshot& snap,
                                                           const IndexDef& def,
                                                           ThreadPool* pool) const {
  const FieldSchema* field = schema_.FindFieldById(def.field_id);
  if (field == nullptr) return Status::NotFound("index '" + def.name + "' names an unknown field");
  size_t pos = static_cast<size_t>(field - schema_.fields.data());
  BuiltIndex out;
  const int64_t field_id = def.field_id;
  if (!IsVectorType(field->type)) {
    auto spec = expr::ResolveScalarIndexSpec(def.resolved_type, *field, schema_, def.params);
    if (!spec.ok()) return spec.status();
    auto built = expr::ScalarIndex::Build(*spec, snap.chunks[0].columns[pos], snap.rows);
    if (!built.ok()) return built.status().WithContext("field '" + field->name + "'");
    (*built)->Serialize(&out.image);
    std::shared_ptr<const expr::ScalarIndex> sidx(std::move(built).value());
    out.attach = [field_id, sidx](Segment* seg) { seg->AttachScalarIndex(field_id, sidx); };
    return out;
  }
  index::IndexSpec spec{field->type, field->dim, def.metric};
  auto idx = index::IndexRegistry::Global().Create(def.resolved_type, spec, def.params);
  if (!idx.ok()) return idx.status();
  // Sparse indexes take the rows' encoded views (index/vector_index.h), dense ones the bytes.
  const types::ColumnView& col = snap.chunks[0].columns[pos];
  const void* rows = field->type == DataType::kSparseFloatVector
                         ? static_cast<const void*>(col.var)
                         : static_cast<const void*>(col.fixed);
  ELANUS_RETURN_IF_ERROR((*idx)->Build(rows, static_cast<int64_t>(snap.rows), pool));
  ELANUS_RETURN_IF_ERROR((*idx)->Serialize(&out.image));
  std::shared_ptr<const index::VectorIndex> vidx(std::move(idx).value());
  out.attach = [field_id, vidx](Segment* seg) { seg->AttachIndex(field_id, vidx); };
  return out;
}

Status Collection::BuildIndex(const std::shared_ptr<Segment>& seg, const IndexDef& def,
                              ThreadPool* pool) {
  Segment::Snapshot snap = seg->Snap();
  auto fail = [&](const Status& st) {
    std::lock_guard il(index_mu_);
    build_failures_[{seg->id(), def.field_id}] = st.ToString();
    return st;
  };
  if (snap.chunks.size() != 1) return Status::OK();  // not sealed (any more)
  auto built = BuildIndexImage(snap, def, pool);
  if (!built.ok()) return fail(built.status());
  const std::string name = IndexBlobName(seg->id(), def.field_id);
  std::lock_guard fl(flush_mu_);
  CollectionMeta m = meta();
  bool def_alive = std::any_of(m.indexes.begin(), m.indexes.end(), [&](const IndexDef& d) {
    return d.field_id == def.field_id && d.name == def.name;
  });
  auto sm = std::find_if(m.segments.begin(), m.segments.end(),
                         [&](const SegmentMeta& x) { return x.id == seg->id(); });
  if (dropped_ || !def_alive || sm == m.segments.end()) return Status::OK();  // raced a drop
  Status st = storage_->blobs->Put(name, built->image);
  if (!st.ok()) return fail(st);
  sm->index_blobs[def.field_id] = name;
  st = storage_->meta->Commit({{CollectionKey(id_), EncodeCollectionMeta(m)}});
  if (!st.ok()) return fail(st);
  {
    std::unique_lock l(state_mu_);
    meta_ = std::move(m);
  }
  built->attach(seg.get());
  return Status::OK();
}

Status Collection::LoadIndexes(const SegmentMeta& sm, Segment* seg) {
  for (const auto& [field, name] : sm.index_blobs) {
    ELANUS_ASSIGN_OR_RETURN(auto blob, storage_->blobs->Get(name));
    const FieldSchema* fs = schema_.FindFieldById(field);
    if (fs == nullptr) return Status::Corruption("index " + name + " names an unknown field");
    if (!IsVectorType(fs->type)) {
      auto sidx = expr::ScalarIndex::Load(blob->data());
      if (!sidx.ok()) return sidx.status().WithContext("loading index " + name);
      const expr::ScalarIndexSpec& spec = (*sidx)->spec();
      if ((*sidx)->rows() != sm.rows || spec.field_id != field || spec.field_type != fs->type ||
          (fs->type == DataType::kArray && spec.element_type != fs->element_type)) {
        return Status::Corruption("loading index " + name +
                                  ": row count, field or type differs from its segment");
      }
      seg->AttachScalarIndex(field,
                             std::shared_ptr<const expr::ScalarIndex>(std::move(sidx).value()));
      continue;
    }
    auto idx = index::IndexRegistry::Global().Load(blob->data());
    if (!idx.ok()) return idx.status().WithContext("loading index " + name);
    if (static_cast<uint64_t>((*idx)->Size()) != sm.rows) {
      return Status::Corruption("loading index " + name + ": row count differs from its segment");
    }
    seg->AttachIndex(field, std::shared_ptr<const index::VectorIndex>(std::move(idx).value()));
  }
  return Status::OK();
}

std::vector<IndexInfo> Collection::DescribeIndexes() const {
  std::vector<IndexInfo> out;
  std::shared_lock l(state_mu_);
  std::lock_guard il(index_mu_);
  for (const IndexDef& d : meta_.indexes) {
    IndexInfo info;
    const FieldSchema* f = schema_.FindFieldById(d.field_id);
    info.params.field_name = f != nullptr ? f->name : "";
    info.params.index_name = d.name;
    info.params.index_type = d.type;
    info.params.metric = d.metric;
    info.params.params = d.params;
    info.resolved_type = d.resolved_type;
    info.field_id = d.field_id;
    bool all = true;
    for (const auto& s : segments_) {
      if (!s->sealed()) continue;
      info.total_rows += s->NumRows();
      bool built = d.resolved_type.empty() || s->HasIndex(d.field_id);
      if (built) info.indexed_rows += s->NumRows();
      all &= built || s->NumRows() == 0;
      auto fail = build_failures_.find({s->id(), d.field_id});
      if (fail != build_failures_.end()) info.fail_reason = fail->second;
    }
    info.finished = all;
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace elanus::engine
