// GrpcService: writes (insert/upsert/delete), query, flush and compaction.
#include <string>

#include "server/grpc_convert.h"
#include "server/grpc_search.h"
#include "server/grpc_service.h"
#include "server/grpc_util.h"
#include "server/template_values.h"

namespace elanus::server {
namespace {

Result<std::vector<FieldColumn>> ColumnsFromProto(
    const google::protobuf::RepeatedPtrField<pb::schema::FieldData>& in,
    const CollectionSchema& schema) {
  std::vector<FieldColumn> cols;
  cols.reserve(in.size());
  for (const pb::schema::FieldData& fd : in) {
    const FieldSchema* f =
        fd.is_dynamic() ? schema.DynamicField() : schema.FindField(fd.field_name());
    ELANUS_ASSIGN_OR_RETURN(FieldColumn c, ColumnFromProto(fd, f));
    if (fd.is_dynamic() && f != nullptr) c.name = f->name;
    cols.push_back(std::move(c));
  }
  return cols;
}

void FillMutation(const MutationResult& r, DataType pk_type, pb_milvus::MutationResult* out) {
  IdsToProto(r.ids, pk_type, out->mutable_ids());
  out->set_timestamp(r.timestamp);
  for (size_t i = 0; i < r.ids.size(); ++i) out->add_succ_index(static_cast<uint32_t>(i));
}

DataType PkType(const CollectionSchema& s) {
  const FieldSchema* pk = s.PrimaryKey();
  return pk != nullptr ? pk->type : DataType::kInt64;
}

}  // namespace

// ---- Writes ----------------------------------------------------------------------------------

grpc::Status GrpcService::Insert(grpc::ServerContext* ctx, const pb_milvus::InsertRequest* req,
                                 pb_milvus::MutationResult* resp) {
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  auto cols = ColumnsFromProto(req->fields_data(), d->info.schema);
  if (!cols.ok()) return Reply(cols.status(), resp);
  auto r = service_->Insert(db, req->collection_name(), req->partition_name(), *cols);
  if (!r.ok()) return Reply(r.status(), resp);
  FillMutation(*r, PkType(d->info.schema), resp);
  resp->set_insert_cnt(static_cast<int64_t>(r->count));
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::Upsert(grpc::ServerContext* ctx, const pb_milvus::UpsertRequest* req,
                                 pb_milvus::MutationResult* resp) {
  for (const auto& op : req->field_ops()) {
    if (op.op() != pb_schema::FieldPartialUpdateOp::REPLACE)
      return Reply(Status::NotSupported("upsert field_ops other than REPLACE (field '" +
                                        op.field_name() + "')"),
                   resp);
  }
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  auto cols = ColumnsFromProto(req->fields_data(), d->info.schema);
  if (!cols.ok()) return Reply(cols.status(), resp);
  auto r = req->partial_update()
               ? service_->PartialUpsert(db, req->collection_name(), req->partition_name(), *cols)
               : service_->Upsert(db, req->collection_name(), req->partition_name(), *cols);
  if (!r.ok()) return Reply(r.status(), resp);
  FillMutation(*r, PkType(d->info.schema), resp);
  resp->set_upsert_cnt(static_cast<int64_t>(r->count));
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::Delete(grpc::ServerContext* ctx, const pb_milvus::DeleteRequest* req,
                                 pb_milvus::MutationResult* resp) {
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  auto params = TemplateValuesToJson(req->expr_template_values());
  if (!params.ok()) return Reply(params.status(), resp);
  auto r =
      service_->Delete(db, req->collection_name(), req->partition_name(), req->expr(), *params);
  if (!r.ok()) return Reply(r.status(), resp);
  // No IDs: pymilvus returns them instead of {"delete_count"} when present (pre-2.3.2 Milvus).
  resp->set_timestamp(r->timestamp);
  resp->set_delete_cnt(static_cast<int64_t>(r->count));
  return Reply(Status::OK(), resp);
}

// ---- Reads -----------------------------------------------------------------------------------

grpc::Status GrpcService::Query(grpc::ServerContext* ctx, const pb_milvus::QueryRequest* req,
                                pb_milvus::QueryResults* resp) {
  resp->set_collection_name(req->collection_name());
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  const CollectionSchema& schema = d->info.schema;
  QueryRequest q;
  q.db = db;
  q.collection = req->collection_name();
  q.partitions.assign(req->partition_names().begin(), req->partition_names().end());
  q.filter = req->expr();
  auto params = TemplateValuesToJson(req->expr_template_values());
  if (!params.ok()) return Reply(params.status(), resp);
  q.filter_params = std::move(*params);
  q.output_fields.assign(req->output_fields().begin(), req->output_fields().end());
  const FieldSchema* pk = schema.PrimaryKey();
  // Milvus always returns the primary key (except for count(*)).
  bool count = q.output_fields.size() == 1 && q.output_fields[0] == "count(*)";
  if (pk != nullptr && !count &&
      std::find(q.output_fields.begin(), q.output_fields.end(), pk->name) == q.output_fields.end())
    q.output_fields.push_back(pk->name);
  for (const char* key : {"limit", "offset"}) {
    auto v = FindKv(req->query_params(), key);
    if (!v) continue;
    auto n = ParseInt(key, *v);
    if (!n.ok()) return Reply(n.status(), resp);
    (std::string(key) == "limit" ? q.limit : q.offset) = *n;
  }
  auto res = service_->Query(std::move(q),
                             ConsistencyFromProto(*req, KvFlag(req->query_params(), "iterator")));
  if (!res.ok()) return Reply(res.status(), resp);
  FillOutputs(res->fields, schema, req->output_fields(), resp->mutable_fields_data(),
              resp->mutable_output_fields());
  if (pk != nullptr) resp->set_primary_field_name(pk->name);
  resp->set_session_ts(res->snapshot_ts);
  return Reply(Status::OK(), resp);
}

// ---- Flush and compaction --------------------------------------------------------------------

grpc::Status GrpcService::Flush(grpc::ServerContext* ctx, const pb_milvus::FlushRequest* req,
                                pb_milvus::FlushResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  resp->set_db_name(db);
  for (const std::string& name : req->collection_names()) {
    // Engine flushes are synchronous: once this returns, GetFlushState reports flushed.
    auto ts = service_->Flush(db, name);
    if (!ts.ok()) return Reply(ts.status(), resp);
    (*resp->mutable_coll_segids())[name];
    (*resp->mutable_flush_coll_segids())[name];
    (*resp->mutable_coll_flush_ts())[name] = *ts;
    (*resp->mutable_coll_seal_times())[name] = static_cast<int64_t>(*ts >> 18) / 1000;
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetFlushState(grpc::ServerContext*,
                                        const pb_milvus::GetFlushStateRequest*,
                                        pb_milvus::GetFlushStateResponse* resp) {
  resp->set_flushed(true);
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::ManualCompaction(grpc::ServerContext* ctx,
                                           const pb_milvus::ManualCompactionRequest* req,
                                           pb_milvus::ManualCompactionResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  std::string name = req->collection_name();
  if (name.empty()) {  // older clients send only the collection id
    auto list = service_->ListCollections(db);
    if (!list.ok()) return Reply(list.status(), resp);
    for (const CollectionInfo& c : *list)
      if (c.id == req->collectionid()) name = c.schema.name;
    if (name.empty()) {
      return Reply(Status::NotFound("collection '" + std::to_string(req->collectionid()) +
                                    "' does not exist in database '" + db + "'"),
                   resp);
    }
  }
  if (req->majorcompaction()) {
    return Reply(Status::NotSupported("clustering (major) compaction is not supported"), resp);
  }
  if (req->segment_ids_size() > 0) {
    return Reply(Status::NotSupported("compacting selected segments (segment_ids) is not "
                                      "supported; compact the whole collection"),
                 resp);
  }
  CompactOptions options;
  // A target size asks for a force merge: every segment of a partition merged (Elanus caps an
  // output at 4 × the seal size, not at the byte target).
  options.force_merge = req->target_size() > 0;
  // Runs in the background; GetCompactionState reports Executing until it is done. The plan count
  // is not known yet (0), as the plans are made when the compaction starts.
  auto id = service_->Compact(db, name, options);
  if (!id.ok()) return Reply(id.status(), resp);
  resp->set_compactionid(*id);
  return Reply(Status::OK(), resp);
}

namespace {

pb::common::CompactionState StateOf(const ServiceLayer::CompactionStatus& c) {
  return c.done ? pb::common::CompactionState::Completed : pb::common::CompactionState::Executing;
}

}  // namespace

grpc::Status GrpcService::GetCompactionState(grpc::ServerContext*,
                                             const pb_milvus::GetCompactionStateRequest* req,
                                             pb_milvus::GetCompactionStateResponse* resp) {
  auto c = service_->GetCompaction(req->compactionid());
  if (!c.ok()) return Reply(c.status(), resp);
  resp->set_state(StateOf(*c));
  if (!c->done) {
    resp->set_executingplanno(1);
  } else if (c->status.ok()) {
    resp->set_completedplanno(static_cast<int64_t>(c->plans.size()));
  } else {
    resp->set_failedplanno(1);  // GetCompactionStateWithPlans returns the error itself
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetCompactionStateWithPlans(
    grpc::ServerContext*, const pb_milvus::GetCompactionPlansRequest* req,
    pb_milvus::GetCompactionPlansResponse* resp) {
  auto c = service_->GetCompaction(req->compactionid());
  if (!c.ok()) return Reply(c.status(), resp);
  if (c->done && !c->status.ok()) {
    return Reply(c->status.WithContext("compaction " + std::to_string(req->compactionid())), resp);
  }
  resp->set_state(StateOf(*c));
  for (const CompactionPlan& p : c->plans) {
    pb_milvus::CompactionMergeInfo* info = resp->add_mergeinfos();
    for (int64_t s : p.sources) info->add_sources(s);
    info->set_target(p.target);
  }
  return Reply(Status::OK(), resp);
}

}  // namespace elanus::server
