#include "server/auth.h"

namespace elanus::server {
namespace {

constexpr const char* kBadCredentials =
    "auth check failure, please check username and password are correct";

Status Unauthenticated(std::string m) { return Status(StatusCode::kUnauthenticated, std::move(m)); }

}  // namespace

const char* RpcKindName(RpcKind kind) {
  switch (kind) {
#define ELANUS_RPC_KIND_NAME(name) \
  case RpcKind::k##name:           \
    return #name;
    ELANUS_RPC_KINDS(ELANUS_RPC_KIND_NAME)
#undef ELANUS_RPC_KIND_NAME
    case RpcKind::kCount:
      break;
  }
  return "?";
}

Status DefaultPolicy::Authorize(const CallContext& ctx, RpcKind kind, const std::string&,
                                const std::string&) {
  if (ctx.authenticated && ctx.user != kRootUser &&
      (kind == RpcKind::kCreateCredential || kind == RpcKind::kDeleteCredential)) {
    return Status(StatusCode::kPermissionDenied,
                  std::string(RpcKindName(kind)) +
                      ": only root may create or delete users (user '" + ctx.user + "')");
  }
  return Status::OK();
}

Result<CallContext> AuthGate::Authenticate(const std::optional<std::string>& header) {
  CallContext ctx;
  if (!enabled_) return ctx;
  if (!header || header->empty()) return Unauthenticated("missing authorization in header");
  std::optional<std::string> raw = Base64Decode(*header);
  if (!raw) return Unauthenticated("invalid token format");
  size_t colon = raw->find(':');
  if (colon == std::string::npos) return Unauthenticated(kBadCredentials);
  std::string user = raw->substr(0, colon);
  ELANUS_ASSIGN_OR_RETURN(bool ok, creds_->Verify(user, raw->substr(colon + 1)));
  if (!ok) return Unauthenticated(kBadCredentials);
  ctx.authenticated = true;
  ctx.user = std::move(user);
  return ctx;
}

Status AuthGate::Check(const std::optional<std::string>& header, RpcKind kind,
                       const std::string& db, const std::string& collection, CallContext* out) {
  ELANUS_ASSIGN_OR_RETURN(CallContext ctx, Authenticate(header));
  ELANUS_RETURN_IF_ERROR(policy_->Authorize(ctx, kind, db, collection));
  if (out != nullptr) *out = std::move(ctx);
  return Status::OK();
}

}  // namespace elanus::server
