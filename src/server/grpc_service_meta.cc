// GrpcService: handshake, databases, collections, partitions, load state and indexes.
#include <algorithm>
#include <string>

#include "server/grpc_convert.h"
#include "server/grpc_service.h"
#include "server/grpc_util.h"

namespace elanus::server {
namespace {

// Hybrid timestamps are physical milliseconds << 18 | logical counter.
uint64_t UtcMillis(uint64_t hybrid_ts) { return hybrid_ts >> 18; }

}  // namespace

std::string GrpcService::Db(const grpc::ServerContext* ctx, const std::string& body_db) {
  std::string header;
  const auto& md = ctx->client_metadata();
  auto it = md.find("dbname");
  if (it != md.end()) header.assign(it->second.data(), it->second.size());
  return ServiceLayer::ResolveDatabase(body_db, header);
}

// ---- Handshake -------------------------------------------------------------------------------

grpc::Status GrpcService::Connect(grpc::ServerContext* ctx, const pb_milvus::ConnectRequest*,
                                  pb_milvus::ConnectResponse* resp) {
  // Milvus's Connect checks that the database named by the `dbname` header exists.
  Status st = service_->CheckDatabase(Db(ctx, ""));
  if (!st.ok()) return Reply(st, resp);
  auto* info = resp->mutable_server_info();
  info->set_build_tags(ServiceLayer::ServerVersion());
  info->set_deploy_mode("STANDALONE");
  (*info->mutable_reserved())["server"] = "elanus";
  resp->set_identifier(service_->NewSessionId());
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetVersion(grpc::ServerContext*, const pb_milvus::GetVersionRequest*,
                                     pb_milvus::GetVersionResponse* resp) {
  resp->set_version(ServiceLayer::ServerVersion());
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::CheckHealth(grpc::ServerContext*, const pb_milvus::CheckHealthRequest*,
                                      pb_milvus::CheckHealthResponse* resp) {
  resp->set_ishealthy(true);
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::AllocTimestamp(grpc::ServerContext*,
                                         const pb_milvus::AllocTimestampRequest*,
                                         pb_milvus::AllocTimestampResponse* resp) {
  resp->set_timestamp(service_->AllocTimestamp());
  return Reply(Status::OK(), resp);
}

// ---- Databases -------------------------------------------------------------------------------

grpc::Status GrpcService::CreateDatabase(grpc::ServerContext*,
                                         const pb_milvus::CreateDatabaseRequest* req,
                                         pb::common::Status* resp) {
  return Reply(service_->CreateDatabase(req->db_name()), resp);
}

grpc::Status GrpcService::DropDatabase(grpc::ServerContext*,
                                       const pb_milvus::DropDatabaseRequest* req,
                                       pb::common::Status* resp) {
  return Reply(service_->DropDatabase(req->db_name()), resp);
}

grpc::Status GrpcService::ListDatabases(grpc::ServerContext*,
                                        const pb_milvus::ListDatabasesRequest*,
                                        pb_milvus::ListDatabasesResponse* resp) {
  auto dbs = service_->ListDatabases();
  if (!dbs.ok()) return Reply(dbs.status(), resp);
  for (const std::string& d : *dbs) {
    resp->add_db_names(d);
    resp->add_created_timestamp(0);
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::DescribeDatabase(grpc::ServerContext* ctx,
                                           const pb_milvus::DescribeDatabaseRequest* req,
                                           pb_milvus::DescribeDatabaseResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  Status st = service_->CheckDatabase(db);
  if (st.ok()) resp->set_db_name(db);
  return Reply(st, resp);
}

// ---- Collections -----------------------------------------------------------------------------

grpc::Status GrpcService::CreateCollection(grpc::ServerContext* ctx,
                                           const pb_milvus::CreateCollectionRequest* req,
                                           pb::common::Status* resp) {
  pb::schema::CollectionSchema proto_schema;
  if (!proto_schema.ParseFromString(req->schema())) {
    return Reply(Status::InvalidArgument("schema: not a serialized schema.CollectionSchema"), resp);
  }
  auto schema = SchemaFromProto(proto_schema);
  if (!schema.ok()) return Reply(schema.status(), resp);
  schema->name = req->collection_name();
  if (req->num_partitions() > 0) schema->num_partitions = req->num_partitions();
  CollectionOptions opts;
  opts.consistency_level = req->consistency_level();
  opts.shards_num = req->shards_num() > 0 ? req->shards_num() : 1;
  for (const auto& kv : req->properties()) opts.properties.emplace_back(kv.key(), kv.value());
  return Reply(service_->CreateCollection(Db(ctx, req->db_name()), std::move(*schema), opts), resp);
}

grpc::Status GrpcService::DescribeCollection(grpc::ServerContext* ctx,
                                             const pb_milvus::DescribeCollectionRequest* req,
                                             pb_milvus::DescribeCollectionResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  const CollectionInfo& info = d->info;
  SchemaToProto(info.schema, resp->mutable_schema());
  resp->mutable_schema()->set_dbname(db);
  resp->set_collectionid(info.id);
  resp->set_collection_name(info.schema.name);
  resp->set_db_name(db);
  resp->set_created_timestamp(info.created_ts);
  resp->set_created_utc_timestamp(UtcMillis(info.created_ts));
  resp->set_update_timestamp(info.created_ts);
  resp->set_shards_num(d->options.shards_num);
  resp->set_consistency_level(
      static_cast<pb::common::ConsistencyLevel>(d->options.consistency_level));
  resp->set_num_partitions(info.schema.PartitionKey() != nullptr ? info.schema.num_partitions : 0);
  for (const std::string& a : d->aliases) resp->add_aliases(a);
  for (const auto& [k, v] : d->options.properties) {
    auto* kv = resp->add_properties();
    kv->set_key(k);
    kv->set_value(v);
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::HasCollection(grpc::ServerContext* ctx,
                                        const pb_milvus::HasCollectionRequest* req,
                                        pb_milvus::BoolResponse* resp) {
  auto has = service_->HasCollection(Db(ctx, req->db_name()), req->collection_name());
  if (has.ok()) resp->set_value(*has);
  return Reply(has.status(), resp);
}

grpc::Status GrpcService::ShowCollections(grpc::ServerContext* ctx,
                                          const pb_milvus::ShowCollectionsRequest* req,
                                          pb_milvus::ShowCollectionsResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  auto list = service_->ListCollections(db);
  if (!list.ok()) return Reply(list.status(), resp);
  for (const CollectionInfo& c : *list) {
    if (req->collection_names_size() > 0 &&
        std::find(req->collection_names().begin(), req->collection_names().end(), c.schema.name) ==
            req->collection_names().end())
      continue;
    auto state = service_->GetLoadState(db, c.schema.name);
    bool loaded = state.ok() && *state == LoadState::kLoaded;
    resp->add_collection_names(c.schema.name);
    resp->add_collection_ids(c.id);
    resp->add_created_timestamps(c.created_ts);
    resp->add_created_utc_timestamps(UtcMillis(c.created_ts));
    resp->add_inmemory_percentages(loaded ? 100 : 0);
    resp->add_query_service_available(loaded);
    resp->add_shards_num(1);
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::DropCollection(grpc::ServerContext* ctx,
                                         const pb_milvus::DropCollectionRequest* req,
                                         pb::common::Status* resp) {
  return Reply(service_->DropCollection(Db(ctx, req->db_name()), req->collection_name()), resp);
}

grpc::Status GrpcService::RenameCollection(grpc::ServerContext* ctx,
                                           const pb_milvus::RenameCollectionRequest* req,
                                           pb::common::Status* resp) {
  std::string db = Db(ctx, req->db_name());
  return Reply(service_->RenameCollection(db, req->oldname(), req->newdbname(), req->newname()),
               resp);
}

// Properties only (collection.ttl.seconds, mmap.enabled, ...): they are stored and reported, the
// engine does not act on them yet.
grpc::Status GrpcService::AlterCollection(grpc::ServerContext* ctx,
                                          const pb_milvus::AlterCollectionRequest* req,
                                          pb::common::Status* resp) {
  KeyValues set;
  for (const auto& kv : req->properties()) set.emplace_back(kv.key(), kv.value());
  std::vector<std::string> del(req->delete_keys().begin(), req->delete_keys().end());
  return Reply(service_->AlterCollectionProperties(Db(ctx, req->db_name()), req->collection_name(),
                                                   set, del),
               resp);
}

grpc::Status GrpcService::GetCollectionStatistics(
    grpc::ServerContext* ctx, const pb_milvus::GetCollectionStatisticsRequest* req,
    pb_milvus::GetCollectionStatisticsResponse* resp) {
  auto stats = service_->GetCollectionStats(Db(ctx, req->db_name()), req->collection_name());
  if (!stats.ok()) return Reply(stats.status(), resp);
  auto* kv = resp->add_stats();
  kv->set_key("row_count");
  kv->set_value(std::to_string(stats->row_count));
  return Reply(Status::OK(), resp);
}

// ---- Partitions ------------------------------------------------------------------------------

grpc::Status GrpcService::CreatePartition(grpc::ServerContext* ctx,
                                          const pb_milvus::CreatePartitionRequest* req,
                                          pb::common::Status* resp) {
  return Reply(service_->CreatePartition(Db(ctx, req->db_name()), req->collection_name(),
                                         req->partition_name()),
               resp);
}

grpc::Status GrpcService::DropPartition(grpc::ServerContext* ctx,
                                        const pb_milvus::DropPartitionRequest* req,
                                        pb::common::Status* resp) {
  return Reply(service_->DropPartition(Db(ctx, req->db_name()), req->collection_name(),
                                       req->partition_name()),
               resp);
}

grpc::Status GrpcService::HasPartition(grpc::ServerContext* ctx,
                                       const pb_milvus::HasPartitionRequest* req,
                                       pb_milvus::BoolResponse* resp) {
  auto has = service_->HasPartition(Db(ctx, req->db_name()), req->collection_name(),
                                    req->partition_name());
  if (has.ok()) resp->set_value(*has);
  return Reply(has.status(), resp);
}

grpc::Status GrpcService::ShowPartitions(grpc::ServerContext* ctx,
                                         const pb_milvus::ShowPartitionsRequest* req,
                                         pb_milvus::ShowPartitionsResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  auto parts = service_->ListPartitions(db, req->collection_name());
  if (!parts.ok()) return Reply(parts.status(), resp);
  auto state = service_->GetLoadState(db, req->collection_name());
  bool loaded = state.ok() && *state == LoadState::kLoaded;
  for (const PartitionInfo& p : *parts) {
    resp->add_partition_names(p.name);
    resp->add_partitionids(p.id);
    resp->add_created_timestamps(p.created_ts);
    resp->add_created_utc_timestamps(UtcMillis(p.created_ts));
    resp->add_inmemory_percentages(loaded ? 100 : 0);
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetPartitionStatistics(
    grpc::ServerContext* ctx, const pb_milvus::GetPartitionStatisticsRequest* req,
    pb_milvus::GetPartitionStatisticsResponse* resp) {
  // The engine keeps no per-partition statistics: count the partition's rows.
  QueryRequest q;
  q.db = Db(ctx, req->db_name());
  q.collection = req->collection_name();
  q.partitions = {req->partition_name()};
  q.output_fields = {"count(*)"};
  auto has = service_->HasPartition(q.db, q.collection, req->partition_name());
  if (!has.ok()) return Reply(has.status(), resp);
  if (!*has) {
    return Reply(Status::NotFound("partition '" + req->partition_name() +
                                  "' does not exist in collection '" + q.collection + "'"),
                 resp);
  }
  auto r = service_->Query(q);
  int64_t rows = 0;
  if (r.ok() && !r->fields.empty() && !r->fields[0].ints.empty()) rows = r->fields[0].ints[0];
  auto* kv = resp->add_stats();
  kv->set_key("row_count");
  kv->set_value(std::to_string(rows));
  return Reply(Status::OK(), resp);
}

// ---- Load state ------------------------------------------------------------------------------

grpc::Status GrpcService::LoadCollection(grpc::ServerContext* ctx,
                                         const pb_milvus::LoadCollectionRequest* req,
                                         pb::common::Status* resp) {
  return Reply(service_->LoadCollection(Db(ctx, req->db_name()), req->collection_name()), resp);
}

grpc::Status GrpcService::ReleaseCollection(grpc::ServerContext* ctx,
                                            const pb_milvus::ReleaseCollectionRequest* req,
                                            pb::common::Status* resp) {
  return Reply(service_->ReleaseCollection(Db(ctx, req->db_name()), req->collection_name()), resp);
}

// Partition-level load is not modelled: loading any partition loads the collection, and
// releasing partitions keeps it loaded (all data stays resident).
grpc::Status GrpcService::LoadPartitions(grpc::ServerContext* ctx,
                                         const pb_milvus::LoadPartitionsRequest* req,
                                         pb::common::Status* resp) {
  return Reply(service_->LoadCollection(Db(ctx, req->db_name()), req->collection_name()), resp);
}

grpc::Status GrpcService::ReleasePartitions(grpc::ServerContext* ctx,
                                            const pb_milvus::ReleasePartitionsRequest* req,
                                            pb::common::Status* resp) {
  return Reply(
      service_->DescribeCollection(Db(ctx, req->db_name()), req->collection_name()).status(), resp);
}

grpc::Status GrpcService::GetLoadState(grpc::ServerContext* ctx,
                                       const pb_milvus::GetLoadStateRequest* req,
                                       pb_milvus::GetLoadStateResponse* resp) {
  auto state = service_->GetLoadState(Db(ctx, req->db_name()), req->collection_name());
  if (state.ok()) resp->set_state(static_cast<pb::common::LoadState>(*state));
  return Reply(state.status(), resp);
}

grpc::Status GrpcService::GetLoadingProgress(grpc::ServerContext* ctx,
                                             const pb_milvus::GetLoadingProgressRequest* req,
                                             pb_milvus::GetLoadingProgressResponse* resp) {
  auto state = service_->GetLoadState(Db(ctx, req->db_name()), req->collection_name());
  if (!state.ok()) return Reply(state.status(), resp);
  if (*state != LoadState::kLoaded)
    return Reply(CollectionNotLoadedError(req->collection_name()), resp);
  resp->set_progress(100);
  resp->set_refresh_progress(100);
  return Reply(Status::OK(), resp);
}

// ---- Indexes ---------------------------------------------------------------------------------

grpc::Status GrpcService::CreateIndex(grpc::ServerContext* ctx,
                                      const pb_milvus::CreateIndexRequest* req,
                                      pb::common::Status* resp) {
  KeyValues params;
  for (const auto& kv : req->extra_params()) params.emplace_back(kv.key(), kv.value());
  return Reply(service_->CreateIndex(Db(ctx, req->db_name()), req->collection_name(),
                                     req->field_name(), req->index_name(), params),
               resp);
}

grpc::Status GrpcService::DescribeIndex(grpc::ServerContext* ctx,
                                        const pb_milvus::DescribeIndexRequest* req,
                                        pb_milvus::DescribeIndexResponse* resp) {
  auto list = service_->DescribeIndex(Db(ctx, req->db_name()), req->collection_name(),
                                      req->field_name(), req->index_name());
  if (!list.ok()) return Reply(list.status(), resp);
  for (const IndexDescription& d : *list) {
    auto* out = resp->add_index_descriptions();
    out->set_index_name(d.index_name);
    out->set_indexid(d.index_id);
    out->set_field_name(d.field_name);
    for (const auto& [k, v] : d.params) {
      auto* kv = out->add_params();
      kv->set_key(k);
      kv->set_value(v);
    }
    // Built per sealed segment in the background; growing rows are searched exactly.
    out->set_state(!d.fail_reason.empty() ? pb::common::IndexState::Failed
                   : d.finished           ? pb::common::IndexState::Finished
                                          : pb::common::IndexState::InProgress);
    if (!d.fail_reason.empty()) out->set_index_state_fail_reason(d.fail_reason);
    out->set_total_rows(d.total_rows);
    out->set_indexed_rows(d.indexed_rows);
    out->set_pending_index_rows(std::max<int64_t>(0, d.total_rows - d.indexed_rows));
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetIndexState(grpc::ServerContext* ctx,
                                        const pb_milvus::GetIndexStateRequest* req,
                                        pb_milvus::GetIndexStateResponse* resp) {
  auto list = service_->DescribeIndex(Db(ctx, req->db_name()), req->collection_name(),
                                      req->field_name(), req->index_name());
  if (list.ok()) {
    bool finished = true, failed = false;
    for (const IndexDescription& d : *list) {
      finished &= d.finished;
      failed |= !d.fail_reason.empty();
    }
    resp->set_state(failed     ? pb::common::IndexState::Failed
                    : finished ? pb::common::IndexState::Finished
                               : pb::common::IndexState::InProgress);
  }
  return Reply(list.status(), resp);
}

grpc::Status GrpcService::DropIndex(grpc::ServerContext* ctx,
                                    const pb_milvus::DropIndexRequest* req,
                                    pb::common::Status* resp) {
  return Reply(service_->DropIndex(Db(ctx, req->db_name()), req->collection_name(),
                                   req->field_name(), req->index_name()),
               resp);
}

}  // namespace elanus::server
