#include "server/rest_api.h"

#include <strings.h>

#include <cstdlib>

#include "server/error_map.h"

namespace elanus::server {
namespace {

constexpr std::string_view kPrefix = "/v2/vectordb";

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

HttpResponse JsonResponse(int status, const Json& j) {
  HttpResponse r;
  r.status = status;
  r.body = Dump(j);
  return r;
}

HttpResponse ErrorResponse(int http_status, const Status& st) {
  MilvusError e = ToMilvusError(st);
  return JsonResponse(http_status, Json{{"code", e.code}, {"message", e.reason}});
}

// "Bearer <x>" -> x. Other schemes are refused so a misconfigured client notices.
Status ParseAuthorization(const std::string& header, std::string* credentials) {
  if (header.empty()) return Status::OK();
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() < kBearer.size() ||
      strncasecmp(header.c_str(), kBearer.data(), kBearer.size()) != 0) {
    return Status(StatusCode::kUnauthenticated,
                  "the Authorization header must be 'Bearer <user:password or token>'");
  }
  *credentials = header.substr(kBearer.size());
  return Status::OK();
}

Status ParseTimeout(const std::string& header, int64_t* timeout_ms) {
  if (header.empty()) return Status::OK();
  char* end = nullptr;
  double seconds = std::strtod(header.c_str(), &end);
  if (end == header.c_str() || *end != '\0' || !(seconds > 0) || seconds > 86400 * 365.0) {
    return Status::InvalidArgument("header Request-Timeout '" + header +
                                   "' must be a positive number of seconds");
  }
  *timeout_ms = static_cast<int64_t>(seconds * 1000);
  return Status::OK();
}

}  // namespace

std::string RestErrorBody(int32_t code, const std::string& message) {
  return Dump(Json{{"code", code}, {"message", message}});
}

RestApi::RestApi(ServiceLayer* service) : service_(service) {
  AddCollectionRoutes(&routes_);
  AddEntityRoutes(&routes_);
  AddAdminRoutes(&routes_);
}

HttpResponse RestApi::Handle(const HttpRequest& request) const {
  std::string_view path = request.path;
  auto route = routes_.end();
  if (path.substr(0, kPrefix.size()) == kPrefix) {
    route = routes_.find(std::string(path.substr(kPrefix.size())));
  }
  if (route == routes_.end()) {
    return JsonResponse(404, Json{{"code", 404},
                                  {"message", "path '" + request.path +
                                                  "' is not a Milvus v2 REST endpoint "
                                                  "(see docs/rest-api.md)"}});
  }
  if (request.method != "POST") {
    return JsonResponse(405, Json{{"code", 405},
                                  {"message", "method " + request.method + " is not allowed on " +
                                                  request.path + "; use POST"}});
  }
  RestContext ctx;
  ctx.path = request.path;
  Status st = ParseAuthorization(request.Header("authorization"), &ctx.credentials);
  if (st.ok()) st = ParseTimeout(request.Header("request-timeout"), &ctx.timeout_ms);
  Result<Json> body = st.ok() ? JsonView::ParseBody(request.body) : Result<Json>(st);
  if (!body.ok()) return ErrorResponse(200, body.status());
  JsonView view(*body);
  std::string db;
  st = view.GetString("dbName", &db);
  if (!st.ok()) return ErrorResponse(200, st);
  if (!db.empty()) ctx.db = db;
  if (auth_) {
    st = auth_(ctx);
    if (!st.ok()) return ErrorResponse(200, st);
  }
  Json resp = Json::object();
  st = route->second(service_, view, ctx, &resp);
  if (!st.ok()) return ErrorResponse(200, st);
  Json out = Json::object();
  out["code"] = 0;
  if (!resp.contains("data")) resp["data"] = Json::object();
  for (auto it = resp.begin(); it != resp.end(); ++it) out[it.key()] = std::move(*it);
  return JsonResponse(200, out);
}

}  // namespace elanus::server
