// The Milvus RESTful API v2 (`POST /v2/vectordb/<category>/<action>`) over the ServiceLayer.
//
// Every answer is HTTP 200 with `{"code": 0, "data": ...}` (plus `cost`, and `topks` for searches)
// or `{"code": <Milvus code>, "message": "..."}` (error_map.h), like Milvus. Transport-level
// problems use HTTP codes: unknown path 404, method other than POST 405 (both with a Milvus-style
// body). Endpoints, fields and gaps: docs/rest-api.md.
//
// Authentication: `Authorization: Bearer <user:password | token>` is parsed into
// RestContext::credentials and handed to the auth hook (SetAuthHook) before any handler runs; a
// non-OK status from the hook is the answer. Without a hook every request is allowed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "elanus/status.h"
#include "server/http_parser.h"
#include "server/rest_json.h"
#include "server/service.h"

namespace elanus::server {

// Per-request context handed to the auth hook and the handlers.
struct RestContext {
  std::string credentials;  // the Bearer value ("user:password" or an API token); "" if none
  std::string db = kDefaultDatabase;  // the `dbName` body field, else "default"
  int64_t timeout_ms = 0;             // `Request-Timeout` header (seconds) in ms; 0 = none
  std::string path;                   // "/v2/vectordb/collections/create"
};

using RestAuthHook = std::function<Status(const RestContext&)>;

// A handler fills `*resp` (at least "data"); the router adds "code": 0.
using RestHandler =
    std::function<Status(ServiceLayer*, const JsonView&, const RestContext&, Json* resp)>;
using RestRoutes = std::map<std::string, RestHandler>;  // path below /v2/vectordb -> handler

// Route tables, one per category file.
void AddCollectionRoutes(RestRoutes* routes);  // rest_collections.cc
void AddEntityRoutes(RestRoutes* routes);      // rest_entities.cc
void AddAdminRoutes(RestRoutes* routes);  // rest_admin.cc: partitions, indexes, aliases, databases

class RestApi {
 public:
  explicit RestApi(ServiceLayer* service);
  void SetAuthHook(RestAuthHook hook) { auth_ = std::move(hook); }
  // Thread-safe (routes are fixed after construction).
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  ServiceLayer* service_;
  RestRoutes routes_;
  RestAuthHook auth_;
};

// The JSON error body Milvus answers with: {"code": code, "message": message}.
std::string RestErrorBody(int32_t code, const std::string& message);

}  // namespace elanus::server
