// GrpcService: writes (insert/upsert/delete), reads (search/query), flush and compaction.
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>

#include "server/grpc_convert.h"
#include "server/grpc_service.h"
#include "server/grpc_util.h"

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

// Output columns to the protocol, plus the `output_fields` list pymilvus uses to find dynamic
// keys: the columns' names, `$meta` only when it was asked for whole ("*" or "$meta"), and the
// requested names that are neither (dynamic keys, read from the `$meta` column).
void FillOutputs(const std::vector<FieldColumn>& cols, const CollectionSchema& schema,
                 const google::protobuf::RepeatedPtrField<std::string>& requested,
                 google::protobuf::RepeatedPtrField<pb::schema::FieldData>* fields_out,
                 google::protobuf::RepeatedPtrField<std::string>* names_out) {
  bool whole_meta = false;
  for (const std::string& n : requested) whole_meta |= n == "*" || n == kDynamicFieldName;
  std::unordered_set<std::string> have;
  for (const FieldColumn& c : cols) {
    const FieldSchema* f = schema.FindField(c.name);
    ColumnToProto(c, f, fields_out->Add());
    have.insert(c.name);
    if (f != nullptr && f->is_dynamic && !whole_meta) continue;
    names_out->Add(std::string(c.name));
  }
  for (const std::string& n : requested) {
    if (n == "*" || n == kDynamicFieldName || have.count(n)) continue;
    names_out->Add(std::string(n));
  }
}

// Search parameters: the top-level KV pairs plus the `params` JSON object pymilvus fills with
// every user search param (metric_type, radius, range_filter, ef, nprobe, ...).
Status ParseSearchParams(const KvList& kvs, SearchRequest* r) {
  nlohmann::json params = nlohmann::json::object();
  if (auto p = FindKv(kvs, "params")) {
    params = nlohmann::json::parse(*p, nullptr, false);
    if (!params.is_object()) {
      return Status::InvalidArgument("search parameter 'params' = '" + *p +
                                     "' is not a JSON object");
    }
  }
  for (const char* unsupported : {"group_by_field", "group_by_fields", "order_by_fields"}) {
    if (FindKv(kvs, unsupported))
      return Status::NotSupported(std::string("search parameter '") + unsupported + "'");
  }
  auto topk = FindKv(kvs, "topk");
  if (!topk) topk = FindKv(kvs, "limit");
  if (topk) {
    ELANUS_ASSIGN_OR_RETURN(r->limit, ParseInt("topk", *topk));
  }
  if (auto v = FindKv(kvs, "offset")) {
    ELANUS_ASSIGN_OR_RETURN(r->offset, ParseInt("offset", *v));
  } else if (params.contains("offset") && params["offset"].is_number_integer()) {
    r->offset = params["offset"].get<int64_t>();
  }
  if (auto v = FindKv(kvs, "round_decimal")) {
    ELANUS_ASSIGN_OR_RETURN(int64_t rd, ParseInt("round_decimal", *v));
    r->round_decimal = static_cast<int32_t>(rd);
  }
  std::string metric;
  if (auto v = FindKv(kvs, "metric_type")) {
    metric = *v;
  } else if (params.contains("metric_type") && params["metric_type"].is_string()) {
    metric = params["metric_type"].get<std::string>();
  }
  if (!metric.empty()) {
    r->metric = ParseMetricType(metric);
    if (r->metric == MetricType::kNone)
      return Status::InvalidArgument("metric_type '" + metric + "' is not supported");
  }
  for (const char* key : {"radius", "range_filter"}) {
    if (!params.contains(key)) continue;
    if (!params[key].is_number())
      return Status::InvalidArgument(std::string("search parameter '") + key +
                                     "' must be a number");
    (std::string(key) == "radius" ? r->radius : r->range_filter) = params[key].get<double>();
  }
  return Status::OK();
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
  if (req->partial_update())
    return Reply(Status::NotSupported("partial upsert (partial_update=true)"), resp);
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  auto cols = ColumnsFromProto(req->fields_data(), d->info.schema);
  if (!cols.ok()) return Reply(cols.status(), resp);
  auto r = service_->Upsert(db, req->collection_name(), req->partition_name(), *cols);
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
  if (req->expr_template_values_size() > 0)
    return Reply(Status::NotSupported("filter templates (expr_params)"), resp);
  auto r = service_->Delete(db, req->collection_name(), req->partition_name(), req->expr());
  if (!r.ok()) return Reply(r.status(), resp);
  // No IDs: pymilvus returns them instead of {"delete_count"} when present (pre-2.3.2 Milvus).
  resp->set_timestamp(r->timestamp);
  resp->set_delete_cnt(static_cast<int64_t>(r->count));
  return Reply(Status::OK(), resp);
}

// ---- Reads -----------------------------------------------------------------------------------

grpc::Status GrpcService::Search(grpc::ServerContext* ctx, const pb_milvus::SearchRequest* req,
                                 pb_milvus::SearchResults* resp) {
  resp->set_collection_name(req->collection_name());
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  const CollectionSchema& schema = d->info.schema;
  if (req->has_function_score() || req->sub_reqs_size() > 0)
    return Reply(Status::NotSupported("search rankers and sub-requests"), resp);
  if (req->search_input_case() != pb_milvus::SearchRequest::kPlaceholderGroup)
    return Reply(Status::NotSupported("search by primary keys (ids)"), resp);
  if (req->expr_template_values_size() > 0)
    return Reply(Status::NotSupported("filter templates (expr_params)"), resp);

  SearchRequest r;
  r.db = db;
  r.collection = req->collection_name();
  r.partitions.assign(req->partition_names().begin(), req->partition_names().end());
  r.output_fields.assign(req->output_fields().begin(), req->output_fields().end());
  r.filter = req->dsl();
  if (auto f = FindKv(req->search_params(), "anns_field")) r.anns_field = *f;
  Status st = ParseSearchParams(req->search_params(), &r);
  if (!st.ok()) return Reply(st, resp);

  const FieldSchema* anns = nullptr;
  if (!r.anns_field.empty()) {
    anns = schema.FindField(r.anns_field);
    if (anns == nullptr || !IsVectorType(anns->type)) {
      return Reply(
          Status::InvalidArgument("anns_field '" + r.anns_field +
                                  "' is not a vector field of collection '" + r.collection + "'"),
          resp);
    }
  } else {
    for (const FieldSchema& f : schema.fields) {
      if (!IsVectorType(f.type)) continue;
      if (anns != nullptr) {
        return Reply(Status::InvalidArgument("collection '" + r.collection +
                                             "' has several vector fields: set anns_field"),
                     resp);
      }
      anns = &f;
    }
    if (anns == nullptr)
      return Reply(Status::InvalidArgument("collection has no vector field"), resp);
    r.anns_field = anns->name;
  }
  auto queries = QueriesFromPlaceholder(req->placeholder_group(), *anns);
  if (!queries.ok()) return Reply(queries.status(), resp);
  r.queries = std::move(*queries);

  auto res = service_->Search(std::move(r));
  if (!res.ok()) return Reply(res.status(), resp);
  pb::schema::SearchResultData* out = resp->mutable_results();
  out->set_num_queries(static_cast<int64_t>(res->nq));
  int64_t top_k = 0;
  for (int64_t k : res->topks) top_k = std::max(top_k, k);
  out->set_top_k(top_k);
  out->mutable_topks()->Add(res->topks.begin(), res->topks.end());
  IdsToProto(res->ids, PkType(schema), out->mutable_ids());
  out->mutable_scores()->Add(res->scores.begin(), res->scores.end());
  FillOutputs(res->fields, schema, req->output_fields(), out->mutable_fields_data(),
              out->mutable_output_fields());
  if (const FieldSchema* pk = schema.PrimaryKey()) out->set_primary_field_name(pk->name);
  resp->set_session_ts(res->snapshot_ts);
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::Query(grpc::ServerContext* ctx, const pb_milvus::QueryRequest* req,
                                pb_milvus::QueryResults* resp) {
  resp->set_collection_name(req->collection_name());
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  const CollectionSchema& schema = d->info.schema;
  if (req->expr_template_values_size() > 0)
    return Reply(Status::NotSupported("filter templates (expr_params)"), resp);
  QueryRequest q;
  q.db = db;
  q.collection = req->collection_name();
  q.partitions.assign(req->partition_names().begin(), req->partition_names().end());
  q.filter = req->expr();
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
  auto res = service_->Query(std::move(q));
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
  Status st = service_->Compact(db, name);
  if (!st.ok()) return Reply(st, resp);
  // Compaction runs synchronously, so any id reports Completed.
  resp->set_compactionid(static_cast<int64_t>(service_->AllocTimestamp()));
  resp->set_compactionplancount(1);
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetCompactionState(grpc::ServerContext*,
                                             const pb_milvus::GetCompactionStateRequest*,
                                             pb_milvus::GetCompactionStateResponse* resp) {
  resp->set_state(pb::common::CompactionState::Completed);
  resp->set_completedplanno(1);
  return Reply(Status::OK(), resp);
}

}  // namespace elanus::server
