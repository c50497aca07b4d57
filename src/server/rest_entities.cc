// REST: /v2/vectordb/entities/* (insert, upsert, delete, query, get, search, hybrid_search).
#include "server/error_map.h"
#include "server/rest_common.h"
#include "server/rest_convert.h"

namespace elanus::server {
namespace {

Status Consistency(const JsonView& body, ReadConsistency* rc) {
  std::string level;
  ELANUS_RETURN_IF_ERROR(body.GetString("consistencyLevel", &level));
  if (level.empty()) return Status::OK();
  ELANUS_ASSIGN_OR_RETURN(rc->level, ParseConsistencyLevel(level));
  rc->use_default = false;
  return Status::OK();
}

Json IdsJson(const PrimaryKeys& ids) {
  Json out = Json::array();
  for (int64_t id : ids.ints) out.push_back(id);
  for (const std::string& id : ids.strings) out.push_back(id);
  return out;
}

Status FilterParams(const JsonView& body, std::string* out) {
  const Json* tpl = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetObject("exprParams", &tpl));
  if (tpl != nullptr) *out = tpl->dump();
  return Status::OK();
}

Status Write(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp,
             bool upsert) {
  std::string coll, partition;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_RETURN_IF_ERROR(body.GetString("partitionName", &partition));
  if (upsert) {
    bool partial = false;
    ELANUS_RETURN_IF_ERROR(body.GetBool("partialUpdate", &partial));
    if (partial) return Status::NotSupported("partial upsert (partialUpdate) is not supported");
  }
  if (!body.Has("data")) return RestMissingParameterError("data");
  Json rows = body.json()["data"];
  if (rows.is_object()) rows = Json::array({rows});
  if (!rows.is_array() || rows.empty()) {
    return RestFormatError("'data' must be a non-empty array of row objects");
  }
  ELANUS_ASSIGN_OR_RETURN(CollectionDescription d, svc->DescribeCollection(ctx.db, coll));
  ELANUS_RETURN_IF_ERROR(RestDecodeVectorStrings(d.info.schema, &rows));
  std::string text = rows.dump(-1, ' ', false, Json::error_handler_t::replace);
  ELANUS_ASSIGN_OR_RETURN(MutationResult r, upsert
                                                ? svc->UpsertRows(ctx.db, coll, partition, text)
                                                : svc->InsertRows(ctx.db, coll, partition, text));
  (*resp)["cost"] = 0;
  if (upsert) {
    (*resp)["data"] = {{"upsertCount", r.count}, {"upsertIds", IdsJson(r.ids)}};
  } else {
    (*resp)["data"] = {{"insertCount", r.count}, {"insertIds", IdsJson(r.ids)}};
  }
  return Status::OK();
}

Status Insert(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  return Write(svc, body, ctx, resp, false);
}

Status Upsert(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  return Write(svc, body, ctx, resp, true);
}

Status Delete(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll, partition, filter, params;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_RETURN_IF_ERROR(body.GetString("partitionName", &partition));
  ELANUS_RETURN_IF_ERROR(body.GetString("filter", &filter, true));
  ELANUS_RETURN_IF_ERROR(FilterParams(body, &params));
  ELANUS_ASSIGN_OR_RETURN(MutationResult r, svc->Delete(ctx.db, coll, partition, filter, params));
  (void)r;
  (*resp)["cost"] = 0;
  (*resp)["data"] = Json::object();
  return Status::OK();
}

Status QueryCommon(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp,
                   QueryRequest q) {
  ELANUS_RETURN_IF_ERROR(body.GetStringList("outputFields", &q.output_fields));
  ELANUS_RETURN_IF_ERROR(body.GetStringList("partitionNames", &q.partitions));
  ReadConsistency rc;
  ELANUS_RETURN_IF_ERROR(Consistency(body, &rc));
  ELANUS_ASSIGN_OR_RETURN(CollectionDescription d, svc->DescribeCollection(ctx.db, q.collection));
  ELANUS_ASSIGN_OR_RETURN(QueryResult r, svc->Query(q, rc));
  (*resp)["cost"] = 0;
  (*resp)["data"] = RestRows(d.info.schema, r.fields, 0, r.num_rows);
  return Status::OK();
}

Status Query(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  QueryRequest q;
  q.db = ctx.db;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &q.collection));
  ELANUS_RETURN_IF_ERROR(body.GetString("filter", &q.filter));
  ELANUS_RETURN_IF_ERROR(FilterParams(body, &q.filter_params));
  ELANUS_RETURN_IF_ERROR(body.GetInt("limit", &q.limit));
  ELANUS_RETURN_IF_ERROR(body.GetInt("offset", &q.offset));
  if (body.Has("limit") && q.limit <= 0)
    return Status::InvalidArgument("limit " + std::to_string(q.limit) + " must be positive");
  if (q.offset < 0)
    return Status::InvalidArgument("offset " + std::to_string(q.offset) + " must be >= 0");
  return QueryCommon(svc, body, ctx, resp, std::move(q));
}

Status Get(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  QueryRequest q;
  q.db = ctx.db;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &q.collection));
  if (!body.Has("id")) return RestMissingParameterError("id");
  Json ids = body.json()["id"];
  if (!ids.is_array()) ids = Json::array({ids});
  if (ids.empty()) return RestFormatError("'id' must be a key or a non-empty array of keys");
  PrimaryKeys keys;
  for (const Json& id : ids) {
    if (id.is_number_integer() && !id.is_number_unsigned()) {
      keys.ints.push_back(id.get<int64_t>());
    } else if (id.is_number_unsigned() && id.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
      keys.ints.push_back(id.get<int64_t>());
    } else if (id.is_string()) {
      keys.strings.push_back(id.get<std::string>());
    } else {
      return RestFormatError("'id' values must be integers or strings, got " + id.dump());
    }
  }
  if (!keys.ints.empty() && !keys.strings.empty()) {
    return RestFormatError("'id' mixes integer and string keys");
  }
  q.ids = std::move(keys);
  return QueryCommon(svc, body, ctx, resp, std::move(q));
}

// Fills the vectors, field, metric, params, filter and paging of one search from `body`.
Status ParseSearch(ServiceLayer* svc, const JsonView& body, const RestContext& ctx,
                   const CollectionSchema& schema, SearchRequest* req) {
  ELANUS_RETURN_IF_ERROR(body.GetString("groupingField", &req->group_by_field));
  ELANUS_RETURN_IF_ERROR(body.GetInt("groupSize", &req->group_size));
  ELANUS_RETURN_IF_ERROR(body.GetBool("strictGroupSize", &req->strict_group_size));
  if (req->group_by_field.empty() && (body.Has("groupSize") || body.Has("strictGroupSize")))
    return RestMissingParameterError("groupingField (groupSize/strictGroupSize need it)");
  ELANUS_RETURN_IF_ERROR(body.GetString("annsField", &req->anns_field));
  ELANUS_RETURN_IF_ERROR(body.GetString("filter", &req->filter));
  ELANUS_RETURN_IF_ERROR(FilterParams(body, &req->filter_params));
  req->limit = 100;  // the Milvus REST default
  ELANUS_RETURN_IF_ERROR(body.GetInt("limit", &req->limit));
  ELANUS_RETURN_IF_ERROR(body.GetInt("offset", &req->offset));
  int64_t round = -1;
  ELANUS_RETURN_IF_ERROR(body.GetInt("roundDecimal", &round));
  req->round_decimal = static_cast<int32_t>(round);
  const Json* sp = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetObject("searchParams", &sp));
  if (sp != nullptr) {
    JsonView spv(*sp, body.Path("searchParams."));
    std::string metric;
    ELANUS_RETURN_IF_ERROR(spv.GetString("metricType", &metric));
    if (metric.empty()) ELANUS_RETURN_IF_ERROR(spv.GetString("metric_type", &metric));
    if (!metric.empty()) {
      req->metric = ParseMetricType(metric);
      if (req->metric == MetricType::kNone)
        return Status::InvalidArgument("searchParams.metricType '" + metric + "' is unknown");
    }
    const Json* params = nullptr;
    ELANUS_RETURN_IF_ERROR(spv.GetObject("params", &params));
    if (params != nullptr) {
      JsonView pv(*params, spv.Path("params."));
      for (auto it = params->begin(); it != params->end(); ++it) {
        if (it->is_null()) continue;
        if (it.key() == "radius" || it.key() == "range_filter") {
          double v = 0;
          ELANUS_RETURN_IF_ERROR(pv.GetDouble(it.key().c_str(), &v));
          (it.key() == "radius" ? req->radius : req->range_filter) = v;
          continue;
        }
        ELANUS_ASSIGN_OR_RETURN(req->search_params[it.key()],
                                ScalarToParamString(pv.Path(it.key().c_str()), *it));
      }
    }
  }
  // The query vectors, typed by the target field.
  const FieldSchema* field = nullptr;
  if (!req->anns_field.empty()) {
    field = schema.FindField(req->anns_field);
    if (field == nullptr || !IsVectorType(field->type)) {
      return Status::InvalidArgument("annsField '" + req->anns_field +
                                     "' is not a vector field of collection '" + schema.name + "'");
    }
  } else {
    for (const FieldSchema& f : schema.fields) {
      if (!IsVectorType(f.type)) continue;
      if (field != nullptr) {
        return RestMissingParameterError(body.Path("annsField") +
                                         " (the collection has several vector fields)");
      }
      field = &f;
    }
    if (field == nullptr) return Status::InvalidArgument("the collection has no vector field");
    req->anns_field = field->name;
  }
  if (!body.Has("data")) return RestMissingParameterError(body.Path("data"));
  ELANUS_ASSIGN_OR_RETURN(req->queries,
                          RestQueryVectors(*field, body.json()["data"], body.Path("data")));
  (void)svc;
  (void)ctx;
  return Status::OK();
}

// Flat hits with "distance" and the primary key, plus "topks" (hits per query).
void SearchResponse(const CollectionSchema& schema, const SearchResult& r, Json* resp) {
  const FieldSchema* pk = schema.PrimaryKey();
  std::string pk_name = pk != nullptr ? pk->name : "id";
  Json rows = RestRows(schema, r.fields, 0, r.scores.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!r.ids.ints.empty())
      rows[i][pk_name] = r.ids.ints[i];
    else if (!r.ids.strings.empty())
      rows[i][pk_name] = r.ids.strings[i];
    rows[i]["distance"] = RestFloat(r.scores[i]);
  }
  (*resp)["cost"] = 0;
  (*resp)["topks"] = r.topks;
  (*resp)["data"] = std::move(rows);
}

Status Search(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  SearchRequest req;
  req.db = ctx.db;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &req.collection));
  ELANUS_RETURN_IF_ERROR(body.GetStringList("outputFields", &req.output_fields));
  ELANUS_RETURN_IF_ERROR(body.GetStringList("partitionNames", &req.partitions));
  ReadConsistency rc;
  ELANUS_RETURN_IF_ERROR(Consistency(body, &rc));
  ELANUS_ASSIGN_OR_RETURN(CollectionDescription d, svc->DescribeCollection(ctx.db, req.collection));
  ELANUS_RETURN_IF_ERROR(ParseSearch(svc, body, ctx, d.info.schema, &req));
  ELANUS_ASSIGN_OR_RETURN(SearchResult r, svc->Search(std::move(req), rc));
  SearchResponse(d.info.schema, r, resp);
  return Status::OK();
}

Status HybridSearch(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  HybridSearchRequest h;
  h.db = ctx.db;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &h.collection));
  ELANUS_RETURN_IF_ERROR(body.GetStringList("outputFields", &h.output_fields));
  ELANUS_RETURN_IF_ERROR(body.GetStringList("partitionNames", &h.partitions));
  ELANUS_RETURN_IF_ERROR(body.GetInt("limit", &h.limit));
  ELANUS_RETURN_IF_ERROR(body.GetInt("offset", &h.offset));
  int64_t round = -1;
  ELANUS_RETURN_IF_ERROR(body.GetInt("roundDecimal", &round));
  h.round_decimal = static_cast<int32_t>(round);
  std::string grouping;
  ELANUS_RETURN_IF_ERROR(body.GetString("groupingField", &grouping));
  if (!grouping.empty()) return Status::NotSupported("grouping search is not supported");
  ReadConsistency rc;
  ELANUS_RETURN_IF_ERROR(Consistency(body, &rc));
  ELANUS_ASSIGN_OR_RETURN(CollectionDescription d, svc->DescribeCollection(ctx.db, h.collection));
  const Json* subs = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetArray("search", &subs, true));
  if (subs->empty()) return RestFormatError("'search' must list at least one sub-search");
  for (size_t i = 0; i < subs->size(); ++i) {
    std::string path = "search[" + std::to_string(i) + "].";
    if (!(*subs)[i].is_object()) return RestFormatError("'" + path + "' must be an object");
    JsonView sv((*subs)[i], path);
    SearchRequest req;
    req.db = ctx.db;
    req.collection = h.collection;
    ELANUS_RETURN_IF_ERROR(sv.GetStringList("partitionNames", &req.partitions));
    ELANUS_RETURN_IF_ERROR(ParseSearch(svc, sv, ctx, d.info.schema, &req));
    if (!req.group_by_field.empty())
      return Status::NotSupported("grouping (groupingField) inside a hybrid sub-search");
    h.requests.push_back(std::move(req));
  }
  const Json* rerank = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetObject("rerank", &rerank, true));
  JsonView rv(*rerank, "rerank.");
  std::string strategy;
  ELANUS_RETURN_IF_ERROR(rv.GetString("strategy", &strategy, true));
  const Json* params = nullptr;
  ELANUS_RETURN_IF_ERROR(rv.GetObject("params", &params));
  if (strategy != "rrf" && strategy != "weighted") {
    return Status::NotSupported("rerank strategy '" + strategy +
                                "' is not supported (rrf, weighted)");
  }
  ELANUS_ASSIGN_OR_RETURN(h.ranker,
                          ParseRanker(strategy, params != nullptr ? params->dump() : "{}"));
  ELANUS_ASSIGN_OR_RETURN(SearchResult r, svc->HybridSearch(std::move(h), rc));
  SearchResponse(d.info.schema, r, resp);
  return Status::OK();
}

}  // namespace

void AddEntityRoutes(RestRoutes* r) {
  (*r)["/entities/insert"] = Insert;
  (*r)["/entities/upsert"] = Upsert;
  (*r)["/entities/delete"] = Delete;
  (*r)["/entities/query"] = Query;
  (*r)["/entities/get"] = Get;
  (*r)["/entities/search"] = Search;
  (*r)["/entities/hybrid_search"] = HybridSearch;
}

}  // namespace elanus::server
