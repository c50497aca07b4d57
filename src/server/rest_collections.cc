// REST: /v2/vectordb/collections/*.
#include <strings.h>

#include "server/error_map.h"
#include "server/rest_common.h"
#include "server/rest_convert.h"

namespace elanus::server {
namespace {

// Quick setup: id + vector (+ dynamic field), like Milvus's collections/create without `schema`.
Status QuickSchema(const JsonView& body, const std::string& name,
                   const std::map<std::string, std::string>& params, CollectionSchema* s,
                   std::string* metric) {
  int64_t dim = 0;
  ELANUS_RETURN_IF_ERROR(body.GetInt("dimension", &dim, true));
  std::string id_type = "Int64";
  ELANUS_RETURN_IF_ERROR(body.GetString("idType", &id_type));
  bool auto_id = false;
  ELANUS_RETURN_IF_ERROR(body.GetBool("autoID", &auto_id));
  ELANUS_RETURN_IF_ERROR(body.GetBool("autoId", &auto_id));
  std::string pk_name = "id", vec_name = "vector";
  ELANUS_RETURN_IF_ERROR(body.GetString("primaryFieldName", &pk_name));
  ELANUS_RETURN_IF_ERROR(body.GetString("vectorFieldName", &vec_name));
  ELANUS_RETURN_IF_ERROR(body.GetString("metricType", metric));
  ELANUS_RETURN_IF_ERROR(body.GetString("description", &s->description));
  s->name = name;
  s->enable_dynamic_field = true;
  auto dyn = params.find("enableDynamicField");
  if (dyn != params.end()) s->enable_dynamic_field = dyn->second == "true";
  FieldSchema pk;
  pk.name = pk_name;
  pk.is_primary_key = true;
  pk.auto_id = auto_id;
  pk.type = ParseRestDataType(id_type);
  if (pk.type == DataType::kVarChar) {
    pk.max_length = kMaxVarCharLength;
    auto ml = params.find("max_length");
    if (ml != params.end()) {
      char* end = nullptr;
      pk.max_length = std::strtoll(ml->second.c_str(), &end, 10);
      if (*end != '\0' || pk.max_length <= 0) {
        return Status::InvalidArgument("params.max_length '" + ml->second +
                                       "' must be a positive integer");
      }
    }
  } else if (pk.type != DataType::kInt64) {
    return Status::InvalidArgument("idType '" + id_type + "' must be Int64 or VarChar");
  }
  FieldSchema vec;
  vec.name = vec_name;
  vec.type = DataType::kFloatVector;
  vec.dim = dim;
  s->fields = {pk, vec};
  return Status::OK();
}

Status Create(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  std::map<std::string, std::string> params;
  ELANUS_RETURN_IF_ERROR(body.GetStringMap("params", &params));
  CollectionOptions options;
  for (const auto& [k, v] : params) {
    if (k == "consistencyLevel") {
      ELANUS_ASSIGN_OR_RETURN(options.consistency_level, ParseConsistencyLevel(v));
    } else if (k == "shardsNum") {
      options.shards_num = std::atoi(v.c_str());
      if (options.shards_num <= 0 || std::to_string(options.shards_num) != v)
        return Status::InvalidArgument("params.shardsNum '" + v + "' must be a positive integer");
    } else if (k == "ttlSeconds") {
      options.properties.emplace_back("collection.ttl.seconds", v);
    } else if (k == "mmap.enabled" || k == "mmapEnabled") {
      options.properties.emplace_back("mmap.enabled", v);
    } else if (k != "max_length" && k != "enableDynamicField" && k != "partitionsNum") {
      return Status::InvalidArgument("params key '" + k +
                                     "' is not supported (consistencyLevel, shardsNum, "
                                     "ttlSeconds, partitionsNum, max_length, "
                                     "enableDynamicField, mmap.enabled)");
    }
  }
  CollectionSchema schema;
  std::vector<RestIndexSpec> indexes;
  const Json* schema_json = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetObject("schema", &schema_json));
  const Json* index_json = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetArray("indexParams", &index_json));
  if (schema_json == nullptr) {
    std::string metric;
    ELANUS_RETURN_IF_ERROR(QuickSchema(body, name, params, &schema, &metric));
    RestIndexSpec idx;
    idx.field = schema.fields[1].name;
    idx.name = idx.field;
    idx.params = {{"index_type", "AUTOINDEX"}, {"metric_type", metric.empty() ? "COSINE" : metric}};
    indexes.push_back(std::move(idx));
  } else {
    if (body.Has("dimension")) {
      return Status::InvalidArgument("give either 'dimension' (quick setup) or 'schema', not both");
    }
    ELANUS_ASSIGN_OR_RETURN(schema, RestSchemaFromJson(name, JsonView(*schema_json, "schema.")));
    if (index_json != nullptr) {
      for (size_t i = 0; i < index_json->size(); ++i) {
        ELANUS_ASSIGN_OR_RETURN(
            RestIndexSpec idx,
            ParseRestIndex((*index_json)[i], "indexParams[" + std::to_string(i) + "]"));
        if (schema.FindField(idx.field) == nullptr) {
          return Status::InvalidArgument("indexParams[" + std::to_string(i) + "]: field '" +
                                         idx.field + "' is not in the schema");
        }
        indexes.push_back(std::move(idx));
      }
    }
  }
  auto parts = params.find("partitionsNum");
  if (parts != params.end()) {
    schema.num_partitions = std::atoll(parts->second.c_str());
    if (schema.num_partitions <= 0 || std::to_string(schema.num_partitions) != parts->second)
      return Status::InvalidArgument("params.partitionsNum '" + parts->second +
                                     "' must be a positive integer");
  }
  ELANUS_RETURN_IF_ERROR(svc->CreateCollection(ctx.db, schema, options));
  // Like Milvus: with indexes (quick setup, or schema + indexParams) the collection is loaded.
  for (const RestIndexSpec& idx : indexes) {
    Status st = svc->CreateIndex(ctx.db, name, idx.field, idx.name, idx.params);
    if (!st.ok()) {
      (void)svc->DropCollection(ctx.db, name);  // no half-created collection
      return st;
    }
  }
  if (!indexes.empty()) ELANUS_RETURN_IF_ERROR(svc->LoadCollection(ctx.db, name));
  return Status::OK();
}

Json FieldJson(const FieldSchema& f) {
  Json j = {{"name", f.name},
            {"id", f.field_id},
            {"type", RestDataTypeName(f.type)},
            {"primaryKey", f.is_primary_key},
            {"autoId", f.auto_id},
            {"partitionKey", f.is_partition_key},
            {"clusteringKey", false},
            {"nullable", f.nullable},
            {"description", f.description}};
  Json params = Json::array();
  if (IsVectorType(f.type) && f.type != DataType::kSparseFloatVector)
    params.push_back({{"key", "dim"}, {"value", std::to_string(f.dim)}});
  if (f.max_length > 0)
    params.push_back({{"key", "max_length"}, {"value", std::to_string(f.max_length)}});
  if (f.type == DataType::kArray) {
    j["elementType"] = RestDataTypeName(f.element_type);
    params.push_back({{"key", "max_capacity"}, {"value", std::to_string(f.max_capacity)}});
  }
  j["params"] = params;
  if (f.default_value.has_value()) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>)
            j["defaultValue"] = nullptr;
          else
            j["defaultValue"] = v;
        },
        *f.default_value);
  }
  return j;
}

Status Describe(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  ELANUS_ASSIGN_OR_RETURN(CollectionDescription d, svc->DescribeCollection(ctx.db, name));
  ELANUS_ASSIGN_OR_RETURN(LoadState load, svc->GetLoadState(ctx.db, name));
  Json fields = Json::array();
  bool auto_id = false;
  for (const FieldSchema& f : d.info.schema.fields) {
    if (f.is_dynamic) continue;
    if (f.is_primary_key) auto_id = f.auto_id;
    fields.push_back(FieldJson(f));
  }
  Json indexes = Json::array();
  auto idx = svc->DescribeIndex(ctx.db, name, "", "");
  if (idx.ok()) {
    for (const IndexDescription& i : *idx) {
      indexes.push_back(
          {{"fieldName", i.field_name},
           {"indexName", i.index_name},
           {"metricType", i.metric == MetricType::kNone ? "" : MetricTypeName(i.metric)}});
    }
  }
  Json props = Json::array();
  for (const auto& [k, v] : d.options.properties) props.push_back({{"key", k}, {"value", v}});
  (*resp)["data"] = {
      {"collectionName", d.info.schema.name},
      {"collectionID", d.info.id},
      {"dbName", ctx.db},
      {"description", d.info.schema.description},
      {"autoId", auto_id},
      {"enableDynamicField", d.info.schema.enable_dynamic_field},
      {"fields", fields},
      {"functions", Json::array()},
      {"indexes", indexes},
      {"load", LoadStateName(load)},
      {"shardsNum", d.options.shards_num},
      {"partitionsNum", d.info.partitions.size()},
      {"consistencyLevel", ConsistencyLevelName(d.options.consistency_level)},
      {"properties", props},
      {"aliases", d.aliases},
      {"createTime", d.info.created_ts},
  };
  return Status::OK();
}

Status List(ServiceLayer* svc, const JsonView&, const RestContext& ctx, Json* resp) {
  ELANUS_ASSIGN_OR_RETURN(std::vector<CollectionInfo> list, svc->ListCollections(ctx.db));
  Json names = Json::array();
  for (const CollectionInfo& c : list) names.push_back(c.schema.name);
  (*resp)["data"] = names;
  return Status::OK();
}

Status Has(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  ELANUS_ASSIGN_OR_RETURN(bool has, svc->HasCollection(ctx.db, name));
  (*resp)["data"] = {{"has", has}};
  return Status::OK();
}

Status Drop(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  return svc->DropCollection(ctx.db, name);
}

Status Rename(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name, new_name, new_db;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  ELANUS_RETURN_IF_ERROR(body.GetString("newCollectionName", &new_name, true));
  ELANUS_RETURN_IF_ERROR(body.GetString("newDbName", &new_db));
  return svc->RenameCollection(ctx.db, name, new_db.empty() ? ctx.db : new_db, new_name);
}

Status Stats(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  ELANUS_ASSIGN_OR_RETURN(CollectionStats st, svc->GetCollectionStats(ctx.db, name));
  (*resp)["data"] = {{"rowCount", st.row_count}};
  return Status::OK();
}

Status LoadStateOf(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  std::vector<std::string> partitions;
  ELANUS_RETURN_IF_ERROR(body.GetStringList("partitionNames", &partitions));
  for (const std::string& p : partitions) {
    ELANUS_ASSIGN_OR_RETURN(bool has, svc->HasPartition(ctx.db, name, p));
    if (!has) return Status::NotFound("partition '" + p + "' does not exist in '" + name + "'");
  }
  ELANUS_ASSIGN_OR_RETURN(LoadState s, svc->GetLoadState(ctx.db, name));
  Json data = {{"loadState", LoadStateName(s)}};
  if (s == LoadState::kLoaded) data["loadProgress"] = 100;
  (*resp)["data"] = data;
  return Status::OK();
}

Status Load(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  return svc->LoadCollection(ctx.db, name);
}

Status Release(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  return svc->ReleaseCollection(ctx.db, name);
}

Status AlterProperties(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  std::map<std::string, std::string> props;
  ELANUS_RETURN_IF_ERROR(body.GetStringMap("properties", &props));
  if (!body.Has("properties")) return RestMissingParameterError("properties");
  KeyValues set(props.begin(), props.end());
  return svc->AlterCollectionProperties(ctx.db, name, set, {});
}

Status DropProperties(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  std::vector<std::string> keys;
  ELANUS_RETURN_IF_ERROR(body.GetStringList("propertyKeys", &keys, true));
  return svc->AlterCollectionProperties(ctx.db, name, {}, keys);
}

Status Flush(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  return svc->Flush(ctx.db, name).status();
}

Status Compact(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string name;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &name));
  return svc->Compact(ctx.db, name).status();
}

}  // namespace

void AddCollectionRoutes(RestRoutes* r) {
  (*r)["/collections/create"] = Create;
  (*r)["/collections/describe"] = Describe;
  (*r)["/collections/list"] = List;
  (*r)["/collections/has"] = Has;
  (*r)["/collections/drop"] = Drop;
  (*r)["/collections/rename"] = Rename;
  (*r)["/collections/get_stats"] = Stats;
  (*r)["/collections/get_load_state"] = LoadStateOf;
  (*r)["/collections/load"] = Load;
  (*r)["/collections/release"] = Release;
  (*r)["/collections/alter_properties"] = AlterProperties;
  (*r)["/collections/drop_properties"] = DropProperties;
  (*r)["/collections/flush"] = Flush;
  (*r)["/collections/compact"] = Compact;
}

}  // namespace elanus::server
