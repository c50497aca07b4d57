// Authentication and the single authorization check point every RPC passes (protocol-neutral:
// the gRPC adapter calls it from GatedGrpcService, the REST adapter can call it too).
//
//   header  --Authenticate-->  CallContext  --Authorizer::Authorize(ctx, kind, db, coll)-->  OK
//
// Authentication (only when enabled): the credential is base64("user:password"), which is what
// pymilvus sends in the `authorization` metadata for both `user`/`password` and `token`.
// Failures are Unauthenticated with Milvus's reasons ("missing authorization in header",
// "invalid token format", "auth check failure, please check username and password are
// correct"); the gRPC adapter turns them into gRPC UNAUTHENTICATED as Milvus does.
//
// Authorization: an Authorizer policy. DefaultPolicy allows every authenticated caller (RBAC is
// not implemented), except that creating and deleting users needs root while authentication is
// on. Tests install their own policies to prove every RPC passes the check point.
#pragma once

#include <optional>
#include <string>

#include "server/credentials.h"

namespace elanus::server {

// Every RPC the server implements, in one list (the gRPC adapter gates exactly these).
// clang-format off
#define ELANUS_RPC_KINDS(X) \
  X(CreateCollection) \
  X(DropCollection) \
  X(HasCollection) \
  X(LoadCollection) \
  X(ReleaseCollection) \
  X(DescribeCollection) \
  X(GetCollectionStatistics) \
  X(ShowCollections) \
  X(AlterCollection) \
  X(RenameCollection) \
  X(CreatePartition) \
  X(DropPartition) \
  X(HasPartition) \
  X(LoadPartitions) \
  X(ReleasePartitions) \
  X(GetPartitionStatistics) \
  X(ShowPartitions) \
  X(GetLoadingProgress) \
  X(GetLoadState) \
  X(CreateIndex) \
  X(DescribeIndex) \
  X(GetIndexState) \
  X(DropIndex) \
  X(Insert) \
  X(Delete) \
  X(Upsert) \
  X(Search) \
  X(HybridSearch) \
  X(CreateAlias) \
  X(DropAlias) \
  X(AlterAlias) \
  X(DescribeAlias) \
  X(ListAliases) \
  X(Flush) \
  X(Query) \
  X(GetFlushState) \
  X(GetPersistentSegmentInfo) \
  X(GetQuerySegmentInfo) \
  X(ManualCompaction) \
  X(GetCompactionState) \
  X(GetCompactionStateWithPlans) \
  X(GetVersion) \
  X(CheckHealth) \
  X(Connect) \
  X(AllocTimestamp) \
  X(CreateDatabase) \
  X(DropDatabase) \
  X(ListDatabases) \
  X(DescribeDatabase) \
  X(CreateCredential) \
  X(UpdateCredential) \
  X(DeleteCredential) \
  X(ListCredUsers)
// clang-format on

enum class RpcKind : int {
#define ELANUS_RPC_KIND_ENUM(name) k##name,
  ELANUS_RPC_KINDS(ELANUS_RPC_KIND_ENUM)
#undef ELANUS_RPC_KIND_ENUM
      kCount
};

const char* RpcKindName(RpcKind kind);

struct CallContext {
  bool authenticated = false;  // false when authentication is off
  std::string user;            // the authenticated user, "" when authentication is off
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK to let the call run; PermissionDenied (naming the rule) to refuse it. `db` is the
  // resolved database; `collection` is "" for RPCs without one.
  virtual Status Authorize(const CallContext& ctx, RpcKind kind, const std::string& db,
                           const std::string& collection) = 0;
};

class DefaultPolicy final : public Authorizer {
 public:
  Status Authorize(const CallContext& ctx, RpcKind kind, const std::string& db,
                   const std::string& collection) override;
};

class AuthGate {
 public:
  // `creds` and `policy` must outlive the gate; `creds` may be null when `enabled` is false.
  AuthGate(CredentialStore* creds, bool enabled, Authorizer* policy)
      : creds_(creds), enabled_(enabled), policy_(policy) {}

  bool enabled() const { return enabled_; }
  CredentialStore* credentials() const { return creds_; }

  // `header`: the base64 credential, nullopt when the call carried none.
  Result<CallContext> Authenticate(const std::optional<std::string>& header);
  // Authenticate, then the policy. On success `*out` (may be null) gets the caller.
  Status Check(const std::optional<std::string>& header, RpcKind kind, const std::string& db,
               const std::string& collection, CallContext* out);

 private:
  CredentialStore* creds_;
  bool enabled_;
  Authorizer* policy_;
};

}  // namespace elanus::server
