// Helpers shared by the REST handler files (rest_collections.cc, rest_entities.cc,
// rest_admin.cc). Internal to the REST adapter.
#pragma once

#include <string>

#include "server/rest_api.h"
#include "server/server_meta.h"

namespace elanus::server {

// "Strong", "Session", "Bounded", "Eventually", "Customized" (case-insensitive) -> level.
Result<int32_t> ParseConsistencyLevel(const std::string& name);
const char* ConsistencyLevelName(int32_t level);
const char* LoadStateName(LoadState s);  // "LoadStateLoaded", ...

// One `indexParams` entry ({fieldName, indexName, metricType, indexType, params}) as the
// service layer's (field, name, params); `path` names it in errors.
struct RestIndexSpec {
  std::string field;
  std::string name;
  KeyValues params;
};
Result<RestIndexSpec> ParseRestIndex(const Json& entry, const std::string& path);

// Reads the required `collectionName`.
Status RequireCollection(const JsonView& body, std::string* name);

}  // namespace elanus::server
