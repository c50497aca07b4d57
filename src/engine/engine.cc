// The public Engine API: thin forwarding to Engine::Impl.
#include "elanus/engine.h"

#include <algorithm>

#include "engine/engine_impl.h"

namespace elanus {

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  ELANUS_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Status Engine::CreateDatabase(const std::string& name) { return impl_->CreateDatabase(name); }
Status Engine::DropDatabase(const std::string& name) { return impl_->DropDatabase(name); }
Result<std::vector<std::string>> Engine::ListDatabases() { return impl_->ListDatabases(); }

Status Engine::CreateCollection(const std::string& db, CollectionSchema schema) {
  return impl_->CreateCollection(db, std::move(schema));
}
Status Engine::DropCollection(const std::string& db, const std::string& name) {
  return impl_->DropCollection(db, name);
}
Result<bool> Engine::HasCollection(const std::string& db, const std::string& name) {
  auto dbs = impl_->ListDatabases();
  if (std::find(dbs.begin(), dbs.end(), db) == dbs.end()) {
    return Status::NotFound("database '" + db + "' does not exist");
  }
  auto c = impl_->Find(db, name);
  if (c.ok()) return true;
  if (c.status().IsNotFound()) return false;
  return c.status();
}
Result<std::vector<std::string>> Engine::ListCollections(const std::string& db) {
  auto dbs = impl_->ListDatabases();
  if (std::find(dbs.begin(), dbs.end(), db) == dbs.end()) {
    return Status::NotFound("database '" + db + "' does not exist");
  }
  return impl_->ListCollections(db);
}
Result<CollectionInfo> Engine::DescribeCollection(const std::string& db, const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, name));
  engine::CollectionMeta m = c->meta();
  CollectionInfo info;
  info.id = m.id;
  info.db = m.db;
  info.schema = m.schema;
  info.partitions = m.partitions;
  info.created_ts = m.created_ts;
  return info;
}
Status Engine::RenameCollection(const std::string& db, const std::string& old_name,
                                const std::string& new_db, const std::string& new_name) {
  return impl_->RenameCollection(db, old_name, new_db, new_name);
}
Result<CollectionStats> Engine::GetCollectionStats(const std::string& db, const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, name));
  CollectionStats s;
  s.row_count = c->CountVisible(c->applied_ts());
  s.sealed_segments = c->sealed_segments();
  s.growing_segments = c->growing_segments();
  return s;
}

Result<std::vector<SegmentInfo>> Engine::ListSegments(const std::string& db,
                                                      const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, name));
  ELANUS_ASSIGN_OR_RETURN(engine::ReadSet rs, c->Read({}));
  std::vector<SegmentInfo> out;
  for (const engine::SegmentRead& s : rs.segments) {
    const bool sealed = s.segment->sealed();
    out.push_back({s.segment->id(), s.segment->partition_id(), s.snap.rows, sealed,
                   sealed && engine::RowsInKeyOrder(s.snap, c->schema())});
  }
  std::sort(out.begin(), out.end(),
            [](const SegmentInfo& a, const SegmentInfo& b) { return a.id < b.id; });
  return out;
}

Status Engine::CreatePartition(const std::string& db, const std::string& coll,
                               const std::string& name) {
  return impl_->CreatePartition(db, coll, name);
}
Status Engine::DropPartition(const std::string& db, const std::string& coll,
                             const std::string& name) {
  return impl_->DropPartition(db, coll, name);
}
Result<bool> Engine::HasPartition(const std::string& db, const std::string& coll,
                                  const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, coll));
  return c->PartitionId(name).ok();
}
Result<std::vector<PartitionInfo>> Engine::ListPartitions(const std::string& db,
                                                          const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, coll));
  return c->meta().partitions;
}

Result<MutationResult> Engine::Insert(const std::string& db, const std::string& coll,
                                      const std::string& partition,
                                      const std::vector<FieldColumn>& data) {
  return impl_->Write(db, coll, partition, data, /*upsert=*/false);
}
Result<MutationResult> Engine::InsertRows(const std::string& db, const std::string& coll,
                                          const std::string& partition, std::string_view rows) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, coll));
  ELANUS_ASSIGN_OR_RETURN(auto cols, types::RowsToColumns(c->schema(), rows));
  return impl_->Write(db, coll, partition, cols, /*upsert=*/false);
}
Result<MutationResult> Engine::Upsert(const std::string& db, const std::string& coll,
                                      const std::string& partition,
                                      const std::vector<FieldColumn>& data) {
  return impl_->Write(db, coll, partition, data, /*upsert=*/true);
}
Result<MutationResult> Engine::PartialUpsert(const std::string& db, const std::string& coll,
                                             const std::string& partition,
                                             const std::vector<FieldColumn>& data) {
  return impl_->PartialUpsert(db, coll, partition, data);
}
Result<MutationResult> Engine::UpsertRows(const std::string& db, const std::string& coll,
                                          const std::string& partition, std::string_view rows) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, coll));
  CollectionSchema schema = c->schema();
  // For upsert the auto_id key names the row to replace, so it is accepted in rows.
  for (FieldSchema& f : schema.fields) f.auto_id = false;
  ELANUS_ASSIGN_OR_RETURN(auto cols, types::RowsToColumns(schema, rows));
  return impl_->Write(db, coll, partition, cols, /*upsert=*/true);
}
Result<MutationResult> Engine::Delete(const std::string& db, const std::string& coll,
                                      const std::string& partition, const PrimaryKeys& ids) {
  return impl_->Delete(db, coll, partition, ids);
}
Result<MutationResult> Engine::DeleteByFilter(const std::string& db, const std::string& coll,
                                              const std::string& partition,
                                              const std::string& filter,
                                              const std::string& filter_params) {
  return impl_->DeleteByFilter(db, coll, partition, filter, filter_params);
}

Status Engine::CreateIndex(const std::string& db, const std::string& coll,
                           const IndexParams& params) {
  return impl_->CreateIndex(db, coll, params);
}
Result<std::vector<IndexInfo>> Engine::DescribeIndexes(const std::string& db,
                                                       const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, coll));
  return c->DescribeIndexes();
}
Status Engine::DropIndex(const std::string& db, const std::string& coll,
                         const std::string& index_name) {
  return impl_->DropIndex(db, coll, index_name);
}
Status Engine::WaitForIndexes(const std::string& db, const std::string& coll) {
  return impl_->WaitForIndexes(db, coll);
}

Status Engine::Flush(const std::string& db, const std::string& coll) {
  return impl_->Flush(db, coll);
}
Result<std::vector<CompactionPlan>> Engine::Compact(const std::string& db, const std::string& coll,
                                                    const CompactOptions& options) {
  return impl_->Compact(db, coll, options);
}
Status Engine::Compact(const std::string& db, const std::string& coll) {
  return impl_->Compact(db, coll, {}).status();
}
Result<SearchResult> Engine::Search(const SearchRequest& request) { return impl_->Search(request); }
Result<QueryResult> Engine::Query(const QueryRequest& request) { return impl_->Query(request); }
Result<FilterExplain> Engine::ExplainFilter(const QueryRequest& request) {
  return impl_->ExplainFilter(request);
}
uint64_t Engine::AllocTimestamp() { return impl_->Now(); }
Engine::FilterCacheStats Engine::GetFilterCacheStats() const { return impl_->FilterCacheStats(); }

}  // namespace elanus
