// GrpcService: Search (plain, range and iterator v2 pages) and HybridSearch.
#include <cstdlib>
#include <string>

#include "server/grpc_search.h"
#include "server/grpc_service.h"
#include "server/grpc_util.h"

namespace elanus::server {

grpc::Status GrpcService::Search(grpc::ServerContext* ctx, const pb_milvus::SearchRequest* req,
                                 pb_milvus::SearchResults* resp) {
  resp->set_collection_name(req->collection_name());
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  const CollectionSchema& schema = d->info.schema;
  if (req->sub_reqs_size() > 0) return Reply(Status::NotSupported("search sub-requests"), resp);
  auto r = SearchFromProto(*req, db, schema);
  if (!r.ok()) return Reply(r.status(), resp);
  const KvList& kvs = req->search_params();
  ReadConsistency rc = ConsistencyFromProto(*req, KvFlag(kvs, "iterator"));

  if (KvFlag(kvs, "search_iter_v2")) {
    // pymilvus search_iterator v2: pages past `search_iter_last_bound`, same token throughout.
    SearchIteratorPage page;
    page.batch_size = r->limit;
    if (auto v = FindKv(kvs, "search_iter_batch_size")) {
      auto n = ParseInt("search_iter_batch_size", *v);
      if (!n.ok()) return Reply(n.status(), resp);
      page.batch_size = *n;
    }
    if (auto v = FindKv(kvs, "search_iter_id")) page.token = *v;
    if (auto v = FindKv(kvs, "search_iter_last_bound")) {
      char* end = nullptr;
      float b = std::strtof(v->c_str(), &end);
      if (end == v->c_str() || *end != '\0') {
        return Reply(
            Status::InvalidArgument("search_iter_last_bound = '" + *v + "' is not a number"), resp);
      }
      page.last_bound = b;
    }
    auto it = service_->SearchIterator(std::move(*r), page, rc);
    if (!it.ok()) return Reply(it.status(), resp);
    pb_schema::SearchResultData* out = resp->mutable_results();
    FillSearchResults(it->result, schema, req->output_fields(), out);
    out->mutable_search_iterator_v2_results()->set_token(it->token);
    out->mutable_search_iterator_v2_results()->set_last_bound(it->last_bound);
    resp->set_session_ts(it->result.snapshot_ts);
    return Reply(Status::OK(), resp);
  }

  auto res = service_->Search(std::move(*r), rc);
  if (!res.ok()) return Reply(res.status(), resp);
  FillSearchResults(*res, schema, req->output_fields(), resp->mutable_results());
  resp->set_session_ts(res->snapshot_ts);
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::HybridSearch(grpc::ServerContext* ctx,
                                       const pb_milvus::HybridSearchRequest* req,
                                       pb_milvus::SearchResults* resp) {
  resp->set_collection_name(req->collection_name());
  std::string db = Db(ctx, req->db_name());
  auto d = service_->DescribeCollection(db, req->collection_name());
  if (!d.ok()) return Reply(d.status(), resp);
  const CollectionSchema& schema = d->info.schema;
  if (req->has_function_score())
    return Reply(Status::NotSupported("hybrid search with a function ranker"), resp);
  HybridSearchRequest h;
  h.db = db;
  h.collection = req->collection_name();
  h.partitions.assign(req->partition_names().begin(), req->partition_names().end());
  h.output_fields.assign(req->output_fields().begin(), req->output_fields().end());
  for (const pb_milvus::SearchRequest& sub : req->requests()) {
    auto r = SearchFromProto(sub, db, schema);
    if (!r.ok()) return Reply(r.status(), resp);
    if (!r->group_by_field.empty())
      return Reply(Status::NotSupported("hybrid search with group_by_field"), resp);
    h.requests.push_back(std::move(*r));
  }
  const KvList& rank = req->rank_params();
  for (const char* unsupported : {"group_by_field", "group_size", "rank_group_scorer"}) {
    if (FindKv(rank, unsupported))
      return Reply(Status::NotSupported(std::string("hybrid search '") + unsupported + "'"), resp);
  }
  auto ranker =
      ParseRanker(FindKv(rank, "strategy").value_or(""), FindKv(rank, "params").value_or(""));
  if (!ranker.ok()) return Reply(ranker.status(), resp);
  h.ranker = std::move(*ranker);
  for (const char* key : {"limit", "offset", "round_decimal"}) {
    auto v = FindKv(rank, key);
    if (!v) continue;
    auto n = ParseInt(key, *v);
    if (!n.ok()) return Reply(n.status(), resp);
    std::string k(key);
    if (k == "limit")
      h.limit = *n;
    else if (k == "offset")
      h.offset = *n;
    else
      h.round_decimal = static_cast<int32_t>(*n);
  }
  auto res = service_->HybridSearch(std::move(h), ConsistencyFromProto(*req, false));
  if (!res.ok()) return Reply(res.status(), resp);
  FillSearchResults(*res, schema, req->output_fields(), resp->mutable_results());
  resp->set_session_ts(res->snapshot_ts);
  return Reply(Status::OK(), resp);
}

}  // namespace elanus::server
