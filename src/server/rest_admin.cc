// REST: /v2/vectordb/{partitions,indexes,aliases,databases}/*, and the shared helpers of
// rest_common.h.
#include <strings.h>

#include "server/error_map.h"
#include "server/rest_common.h"

namespace elanus::server {

Result<int32_t> ParseConsistencyLevel(const std::string& name) {
  static const std::pair<const char*, int32_t> kLevels[] = {{"Strong", kConsistencyStrong},
                                                            {"Session", kConsistencySession},
                                                            {"Bounded", kConsistencyBounded},
                                                            {"Eventually", kConsistencyEventually},
                                                            {"Customized", kConsistencyCustomized}};
  for (const auto& [n, l] : kLevels)
    if (strcasecmp(n, name.c_str()) == 0) return l;
  return Status::InvalidArgument("consistencyLevel '" + name +
                                 "' must be Strong, Session, Bounded, Eventually or Customized");
}

const char* ConsistencyLevelName(int32_t level) {
  switch (level) {
    case kConsistencyStrong:
      return "Strong";
    case kConsistencySession:
      return "Session";
    case kConsistencyEventually:
      return "Eventually";
    case kConsistencyCustomized:
      return "Customized";
    default:
      return "Bounded";
  }
}

const char* LoadStateName(LoadState s) {
  switch (s) {
    case LoadState::kNotExist:
      return "LoadStateNotExist";
    case LoadState::kNotLoad:
      return "LoadStateNotLoad";
    case LoadState::kLoading:
      return "LoadStateLoading";
    case LoadState::kLoaded:
      return "LoadStateLoaded";
  }
  return "LoadStateNotExist";
}

Status RequireCollection(const JsonView& body, std::string* name) {
  return body.GetString("collectionName", name, true);
}

Result<RestIndexSpec> ParseRestIndex(const Json& entry, const std::string& path) {
  if (!entry.is_object()) return RestFormatError("'" + path + "' must be an object");
  JsonView v(entry, path + ".");
  RestIndexSpec spec;
  std::string metric, type;
  ELANUS_RETURN_IF_ERROR(v.GetString("fieldName", &spec.field, true));
  ELANUS_RETURN_IF_ERROR(v.GetString("indexName", &spec.name));
  ELANUS_RETURN_IF_ERROR(v.GetString("metricType", &metric));
  ELANUS_RETURN_IF_ERROR(v.GetString("indexType", &type));
  const Json* params = nullptr;
  ELANUS_RETURN_IF_ERROR(v.GetObject("params", &params));
  Json rest = Json::object();
  if (params != nullptr) {
    for (auto it = params->begin(); it != params->end(); ++it) {
      if (it.key() == "index_type" || it.key() == "indexType") {
        if (!it->is_string())
          return RestFormatError("'" + path + ".params.index_type' must be a string");
        type = it->get<std::string>();
      } else if (it.key() == "metric_type" || it.key() == "metricType") {
        if (!it->is_string())
          return RestFormatError("'" + path + ".params.metric_type' must be a string");
        metric = it->get<std::string>();
      } else {
        rest[it.key()] = *it;
      }
    }
  }
  spec.params.emplace_back("index_type", type.empty() ? "AUTOINDEX" : type);
  if (!metric.empty()) spec.params.emplace_back("metric_type", metric);
  if (!rest.empty()) spec.params.emplace_back("params", rest.dump());
  return spec;
}

namespace {

// ---- partitions ----

Status PartitionName(const JsonView& body, std::string* coll, std::string* part) {
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, coll));
  return body.GetString("partitionName", part, true);
}

Status PartitionCreate(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string coll, part;
  ELANUS_RETURN_IF_ERROR(PartitionName(body, &coll, &part));
  return svc->CreatePartition(ctx.db, coll, part);
}

Status PartitionDrop(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string coll, part;
  ELANUS_RETURN_IF_ERROR(PartitionName(body, &coll, &part));
  return svc->DropPartition(ctx.db, coll, part);
}

Status PartitionHas(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll, part;
  ELANUS_RETURN_IF_ERROR(PartitionName(body, &coll, &part));
  ELANUS_ASSIGN_OR_RETURN(bool has, svc->HasPartition(ctx.db, coll, part));
  (*resp)["data"] = {{"has", has}};
  return Status::OK();
}

Status PartitionList(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_ASSIGN_OR_RETURN(std::vector<PartitionInfo> parts, svc->ListPartitions(ctx.db, coll));
  Json names = Json::array();
  for (const PartitionInfo& p : parts) names.push_back(p.name);
  (*resp)["data"] = names;
  return Status::OK();
}

// Partition-level load is not modelled: loading/releasing named partitions is refused unless
// they are all the collection's partitions, where it is the collection's load/release.
Status PartitionLoadRelease(ServiceLayer* svc, const JsonView& body, const RestContext& ctx,
                            bool load) {
  std::string coll;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  std::vector<std::string> names;
  ELANUS_RETURN_IF_ERROR(body.GetStringList("partitionNames", &names, true));
  ELANUS_ASSIGN_OR_RETURN(std::vector<PartitionInfo> parts, svc->ListPartitions(ctx.db, coll));
  std::set<std::string> want(names.begin(), names.end()), all;
  for (const PartitionInfo& p : parts) all.insert(p.name);
  for (const std::string& n : want) {
    if (all.count(n) == 0)
      return Status::NotFound("partition '" + n + "' does not exist in '" + coll + "'");
  }
  if (want != all) {
    return Status::NotSupported(
        "partition-level load/release is not supported: name every partition of the "
        "collection, or use collections/load and collections/release");
  }
  return load ? svc->LoadCollection(ctx.db, coll) : svc->ReleaseCollection(ctx.db, coll);
}

Status PartitionLoad(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  return PartitionLoadRelease(svc, body, ctx, true);
}

Status PartitionRelease(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  return PartitionLoadRelease(svc, body, ctx, false);
}

// Row count of one partition, counted by a strong count(*) query (the collection must be loaded).
Status PartitionStats(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll, part;
  ELANUS_RETURN_IF_ERROR(PartitionName(body, &coll, &part));
  ELANUS_ASSIGN_OR_RETURN(bool has, svc->HasPartition(ctx.db, coll, part));
  if (!has) return Status::NotFound("partition '" + part + "' does not exist in '" + coll + "'");
  QueryRequest q;
  q.db = ctx.db;
  q.collection = coll;
  q.partitions = {part};
  q.output_fields = {"count(*)"};
  ReadConsistency rc;
  rc.use_default = false;
  ELANUS_ASSIGN_OR_RETURN(QueryResult r, svc->Query(q, rc));
  int64_t count = 0;
  if (!r.fields.empty() && !r.fields[0].ints.empty()) count = r.fields[0].ints[0];
  (*resp)["data"] = {{"rowCount", count}};
  return Status::OK();
}

// ---- indexes ----

Status IndexCreate(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string coll;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  const Json* list = nullptr;
  ELANUS_RETURN_IF_ERROR(body.GetArray("indexParams", &list, true));
  std::vector<RestIndexSpec> specs;
  for (size_t i = 0; i < list->size(); ++i) {
    ELANUS_ASSIGN_OR_RETURN(RestIndexSpec s,
                            ParseRestIndex((*list)[i], "indexParams[" + std::to_string(i) + "]"));
    specs.push_back(std::move(s));
  }
  for (const RestIndexSpec& s : specs)
    ELANUS_RETURN_IF_ERROR(svc->CreateIndex(ctx.db, coll, s.field, s.name, s.params));
  return Status::OK();
}

Status IndexList(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  Json names = Json::array();
  auto list = svc->DescribeIndex(ctx.db, coll, "", "");
  if (list.ok()) {
    for (const IndexDescription& i : *list) names.push_back(i.index_name);
  } else if (list.status().code() != StatusCode::kNotFound ||
             list.status().message().rfind("index not found", 0) != 0) {
    return list.status();
  }
  (*resp)["data"] = names;
  return Status::OK();
}

Status IndexDescribe(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll, index;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_RETURN_IF_ERROR(body.GetString("indexName", &index, true));
  ELANUS_ASSIGN_OR_RETURN(std::vector<IndexDescription> list,
                          svc->DescribeIndex(ctx.db, coll, "", index));
  Json out = Json::array();
  for (const IndexDescription& i : list) {
    std::string type;
    Json params = Json::object();
    for (const auto& [k, v] : i.params) {
      if (k == "index_type") {
        type = v;
      } else if (k == "params") {
        Json p = Json::parse(v, nullptr, false);
        if (p.is_object()) params.update(p);
      } else if (k != "metric_type") {
        params[k] = v;
      }
    }
    out.push_back({{"fieldName", i.field_name},
                   {"indexName", i.index_name},
                   {"indexType", type},
                   {"metricType", i.metric == MetricType::kNone ? "" : MetricTypeName(i.metric)},
                   {"indexState",
                    i.fail_reason.empty() ? (i.finished ? "Finished" : "InProgress") : "Failed"},
                   {"totalRows", i.total_rows},
                   {"indexedRows", i.indexed_rows},
                   {"pendingRows", i.total_rows - i.indexed_rows},
                   {"failReason", i.fail_reason},
                   {"params", params}});
  }
  (*resp)["data"] = out;
  return Status::OK();
}

Status IndexDrop(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string coll, index;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_RETURN_IF_ERROR(body.GetString("indexName", &index, true));
  return svc->DropIndex(ctx.db, coll, "", index);
}

// ---- aliases ----

Status AliasCreate(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string coll, alias;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_RETURN_IF_ERROR(body.GetString("aliasName", &alias, true));
  return svc->CreateAlias(ctx.db, alias, coll);
}

Status AliasAlter(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string coll, alias;
  ELANUS_RETURN_IF_ERROR(RequireCollection(body, &coll));
  ELANUS_RETURN_IF_ERROR(body.GetString("aliasName", &alias, true));
  return svc->AlterAlias(ctx.db, alias, coll);
}

Status AliasDrop(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json*) {
  std::string alias;
  ELANUS_RETURN_IF_ERROR(body.GetString("aliasName", &alias, true));
  return svc->DropAlias(ctx.db, alias);
}

Status AliasDescribe(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string alias;
  ELANUS_RETURN_IF_ERROR(body.GetString("aliasName", &alias, true));
  ELANUS_ASSIGN_OR_RETURN(std::string coll, svc->DescribeAlias(ctx.db, alias));
  (*resp)["data"] = {{"aliasName", alias}, {"collectionName", coll}, {"dbName", ctx.db}};
  return Status::OK();
}

Status AliasList(ServiceLayer* svc, const JsonView& body, const RestContext& ctx, Json* resp) {
  std::string coll;
  ELANUS_RETURN_IF_ERROR(body.GetString("collectionName", &coll));
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> list, svc->ListAliases(ctx.db, coll));
  (*resp)["data"] = list;
  return Status::OK();
}

// ---- databases ----

Status DbName(const JsonView& body, std::string* db) { return body.GetString("dbName", db, true); }

Status DbCreate(ServiceLayer* svc, const JsonView& body, const RestContext&, Json*) {
  std::string db;
  ELANUS_RETURN_IF_ERROR(DbName(body, &db));
  if (body.Has("properties")) {
    return Status::NotSupported("database properties are not supported");
  }
  return svc->CreateDatabase(db);
}

Status DbDrop(ServiceLayer* svc, const JsonView& body, const RestContext&, Json*) {
  std::string db;
  ELANUS_RETURN_IF_ERROR(DbName(body, &db));
  return svc->DropDatabase(db);
}

Status DbList(ServiceLayer* svc, const JsonView&, const RestContext&, Json* resp) {
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> list, svc->ListDatabases());
  (*resp)["data"] = list;
  return Status::OK();
}

Status DbDescribe(ServiceLayer* svc, const JsonView& body, const RestContext&, Json* resp) {
  std::string db;
  ELANUS_RETURN_IF_ERROR(DbName(body, &db));
  ELANUS_RETURN_IF_ERROR(svc->CheckDatabase(db));
  (*resp)["data"] = {{"dbName", db}, {"properties", Json::array()}};
  return Status::OK();
}

}  // namespace

void AddAdminRoutes(RestRoutes* r) {
  (*r)["/partitions/create"] = PartitionCreate;
  (*r)["/partitions/drop"] = PartitionDrop;
  (*r)["/partitions/has"] = PartitionHas;
  (*r)["/partitions/list"] = PartitionList;
  (*r)["/partitions/load"] = PartitionLoad;
  (*r)["/partitions/release"] = PartitionRelease;
  (*r)["/partitions/get_stats"] = PartitionStats;
  (*r)["/indexes/create"] = IndexCreate;
  (*r)["/indexes/list"] = IndexList;
  (*r)["/indexes/describe"] = IndexDescribe;
  (*r)["/indexes/drop"] = IndexDrop;
  (*r)["/aliases/create"] = AliasCreate;
  (*r)["/aliases/alter"] = AliasAlter;
  (*r)["/aliases/drop"] = AliasDrop;
  (*r)["/aliases/describe"] = AliasDescribe;
  (*r)["/aliases/list"] = AliasList;
  (*r)["/databases/create"] = DbCreate;
  (*r)["/databases/drop"] = DbDrop;
  (*r)["/databases/list"] = DbList;
  (*r)["/databases/describe"] = DbDescribe;
}

}  // namespace elanus::server
