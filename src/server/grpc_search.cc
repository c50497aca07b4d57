#include "server/grpc_search.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "server/template_values.h"

namespace elanus::server {
namespace {

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
  for (const char* unsupported : {"group_by_fields", "order_by_fields"}) {
    if (FindKv(kvs, unsupported))
      return Status::NotSupported(std::string("search parameter '") + unsupported + "'");
  }
  if (auto g = FindKv(kvs, "group_by_field")) r->group_by_field = *g;
  if (auto v = FindKv(kvs, "group_size")) {
    ELANUS_ASSIGN_OR_RETURN(r->group_size, ParseInt("group_size", *v));
  }
  if (auto v = FindKv(kvs, "strict_group_size")) {
    if (*v != "True" && *v != "true" && *v != "False" && *v != "false" && *v != "1" && *v != "0")
      return Status::InvalidArgument("search parameter 'strict_group_size' = '" + *v +
                                     "' is not a boolean");
    r->strict_group_size = *v == "True" || *v == "true" || *v == "1";
  }
  if (r->group_by_field.empty() && (FindKv(kvs, "group_size") || FindKv(kvs, "strict_group_size")))
    return Status::InvalidArgument("group_size and strict_group_size need group_by_field");
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
  // Everything else in `params` is an index search parameter (ef, nprobe, ...), validated by the
  // engine against the field's index type.
  for (auto it = params.begin(); it != params.end(); ++it) {
    const std::string& k = it.key();
    if (k == "metric_type" || k == "radius" || k == "range_filter" || k == "offset") continue;
    r->search_params[k] = it->is_string() ? it->get<std::string>() : it->dump();
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

bool KvFlag(const KvList& kvs, const std::string& key) {
  auto v = FindKv(kvs, key);
  return v && (*v == "True" || *v == "true" || *v == "1");
}

Result<SearchRequest> SearchFromProto(const pb_milvus::SearchRequest& req, const std::string& db,
                                      const CollectionSchema& schema) {
  if (req.has_function_score())
    return Status::NotSupported("search with a function ranker (function_score)");
  SearchRequest r;
  r.db = db;
  r.collection = req.collection_name();
  r.partitions.assign(req.partition_names().begin(), req.partition_names().end());
  r.output_fields.assign(req.output_fields().begin(), req.output_fields().end());
  r.filter = req.dsl();
  ELANUS_ASSIGN_OR_RETURN(r.filter_params, TemplateValuesToJson(req.expr_template_values()));
  if (auto f = FindKv(req.search_params(), "anns_field")) r.anns_field = *f;
  ELANUS_RETURN_IF_ERROR(ParseSearchParams(req.search_params(), &r));

  const FieldSchema* anns = nullptr;
  if (!r.anns_field.empty()) {
    anns = schema.FindField(r.anns_field);
    if (anns == nullptr || !IsVectorType(anns->type)) {
      return Status::InvalidArgument("anns_field '" + r.anns_field +
                                     "' is not a vector field of collection '" + r.collection +
                                     "'");
    }
  } else {
    for (const FieldSchema& f : schema.fields) {
      if (!IsVectorType(f.type)) continue;
      if (anns != nullptr) {
        return Status::InvalidArgument("collection '" + r.collection +
                                       "' has several vector fields: set anns_field");
      }
      anns = &f;
    }
    if (anns == nullptr) return Status::InvalidArgument("collection has no vector field");
    r.anns_field = anns->name;
  }
  if (req.search_input_case() == pb_milvus::SearchRequest::kIds) {
    // Search by primary keys: the engine reads the rows' stored vectors.
    PrimaryKeys ids;
    if (req.ids().has_int_id())
      ids.ints.assign(req.ids().int_id().data().begin(), req.ids().int_id().data().end());
    else if (req.ids().has_str_id())
      ids.strings.assign(req.ids().str_id().data().begin(), req.ids().str_id().data().end());
    if (ids.size() == 0) return Status::InvalidArgument("search by primary keys: ids is empty");
    r.query_ids = std::move(ids);
    return r;
  }
  if (req.search_input_case() != pb_milvus::SearchRequest::kPlaceholderGroup)
    return Status::InvalidArgument("search needs query vectors (placeholder_group) or ids");
  ELANUS_ASSIGN_OR_RETURN(r.queries, QueriesFromPlaceholder(req.placeholder_group(), *anns));
  return r;
}

// Output columns to the protocol, plus the `output_fields` list pymilvus uses to find dynamic
// keys: the columns' names, `$meta` only when it was asked for whole ("*" or "$meta"), and the
// requested names that are neither (dynamic keys, read from the `$meta` column).
void FillOutputs(const std::vector<FieldColumn>& cols, const CollectionSchema& schema,
                 const google::protobuf::RepeatedPtrField<std::string>& requested,
                 google::protobuf::RepeatedPtrField<pb_schema::FieldData>* fields_out,
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

void FillSearchResults(const SearchResult& res, const CollectionSchema& schema,
                       const google::protobuf::RepeatedPtrField<std::string>& requested_outputs,
                       pb_schema::SearchResultData* out) {
  out->set_num_queries(static_cast<int64_t>(res.nq));
  int64_t top_k = 0;
  for (int64_t k : res.topks) top_k = std::max(top_k, k);
  out->set_top_k(top_k);
  out->mutable_topks()->Add(res.topks.begin(), res.topks.end());
  const FieldSchema* pk = schema.PrimaryKey();
  IdsToProto(res.ids, pk != nullptr ? pk->type : DataType::kInt64, out->mutable_ids());
  out->mutable_scores()->Add(res.scores.begin(), res.scores.end());
  FillOutputs(res.fields, schema, requested_outputs, out->mutable_fields_data(),
              out->mutable_output_fields());
  if (pk != nullptr) out->set_primary_field_name(pk->name);
  if (res.group_values) {
    ColumnToProto(*res.group_values, schema.FindField(res.group_values->name),
                  out->mutable_group_by_field_value());
  }
}

}  // namespace elanus::server
