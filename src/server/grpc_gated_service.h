// The one check point of the gRPC adapter: every RPC GrpcService implements is overridden here
// to run AuthGate::Check (authentication, then the Authorizer policy) before the handler.
// Refusals are gRPC errors as in Milvus: UNAUTHENTICATED for bad or missing credentials,
// PERMISSION_DENIED for the policy; the handler does not run. RPCs GrpcService does not
// implement still answer UNIMPLEMENTED. server_test calls every MilvusService method with a
// deny-all policy to prove none bypasses the gate.
#pragma once

#include <google/protobuf/message.h>

#include "server/auth.h"
#include "server/grpc_service.h"

namespace elanus::server {

// (name, request, response) of every RPC in ELANUS_RPC_KINDS.
// clang-format off
#define ELANUS_GRPC_RPCS(X) \
  X(CreateCollection, pb_milvus::CreateCollectionRequest, pb::common::Status) \
  X(DropCollection, pb_milvus::DropCollectionRequest, pb::common::Status) \
  X(HasCollection, pb_milvus::HasCollectionRequest, pb_milvus::BoolResponse) \
  X(LoadCollection, pb_milvus::LoadCollectionRequest, pb::common::Status) \
  X(ReleaseCollection, pb_milvus::ReleaseCollectionRequest, pb::common::Status) \
  X(DescribeCollection, pb_milvus::DescribeCollectionRequest, pb_milvus::DescribeCollectionResponse) \
  X(GetCollectionStatistics, pb_milvus::GetCollectionStatisticsRequest, pb_milvus::GetCollectionStatisticsResponse) \
  X(ShowCollections, pb_milvus::ShowCollectionsRequest, pb_milvus::ShowCollectionsResponse) \
  X(AlterCollection, pb_milvus::AlterCollectionRequest, pb::common::Status) \
  X(RenameCollection, pb_milvus::RenameCollectionRequest, pb::common::Status) \
  X(CreatePartition, pb_milvus::CreatePartitionRequest, pb::common::Status) \
  X(DropPartition, pb_milvus::DropPartitionRequest, pb::common::Status) \
  X(HasPartition, pb_milvus::HasPartitionRequest, pb_milvus::BoolResponse) \
  X(LoadPartitions, pb_milvus::LoadPartitionsRequest, pb::common::Status) \
  X(ReleasePartitions, pb_milvus::ReleasePartitionsRequest, pb::common::Status) \
  X(GetPartitionStatistics, pb_milvus::GetPartitionStatisticsRequest, pb_milvus::GetPartitionStatisticsResponse) \
  X(ShowPartitions, pb_milvus::ShowPartitionsRequest, pb_milvus::ShowPartitionsResponse) \
  X(GetLoadingProgress, pb_milvus::GetLoadingProgressRequest, pb_milvus::GetLoadingProgressResponse) \
  X(GetLoadState, pb_milvus::GetLoadStateRequest, pb_milvus::GetLoadStateResponse) \
  X(CreateIndex, pb_milvus::CreateIndexRequest, pb::common::Status) \
  X(DescribeIndex, pb_milvus::DescribeIndexRequest, pb_milvus::DescribeIndexResponse) \
  X(GetIndexState, pb_milvus::GetIndexStateRequest, pb_milvus::GetIndexStateResponse) \
  X(DropIndex, pb_milvus::DropIndexRequest, pb::common::Status) \
  X(Insert, pb_milvus::InsertRequest, pb_milvus::MutationResult) \
  X(Delete, pb_milvus::DeleteRequest, pb_milvus::MutationResult) \
  X(Upsert, pb_milvus::UpsertRequest, pb_milvus::MutationResult) \
  X(Search, pb_milvus::SearchRequest, pb_milvus::SearchResults) \
  X(HybridSearch, pb_milvus::HybridSearchRequest, pb_milvus::SearchResults) \
  X(CreateAlias, pb_milvus::CreateAliasRequest, pb::common::Status) \
  X(DropAlias, pb_milvus::DropAliasRequest, pb::common::Status) \
  X(AlterAlias, pb_milvus::AlterAliasRequest, pb::common::Status) \
  X(DescribeAlias, pb_milvus::DescribeAliasRequest, pb_milvus::DescribeAliasResponse) \
  X(ListAliases, pb_milvus::ListAliasesRequest, pb_milvus::ListAliasesResponse) \
  X(Flush, pb_milvus::FlushRequest, pb_milvus::FlushResponse) \
  X(Query, pb_milvus::QueryRequest, pb_milvus::QueryResults) \
  X(GetFlushState, pb_milvus::GetFlushStateRequest, pb_milvus::GetFlushStateResponse) \
  X(GetPersistentSegmentInfo, pb_milvus::GetPersistentSegmentInfoRequest,                  \
    pb_milvus::GetPersistentSegmentInfoResponse)                                          \
  X(GetQuerySegmentInfo, pb_milvus::GetQuerySegmentInfoRequest,                            \
    pb_milvus::GetQuerySegmentInfoResponse)                                               \
  X(ManualCompaction, pb_milvus::ManualCompactionRequest, pb_milvus::ManualCompactionResponse) \
  X(GetCompactionState, pb_milvus::GetCompactionStateRequest, pb_milvus::GetCompactionStateResponse) \
  X(GetCompactionStateWithPlans, pb_milvus::GetCompactionPlansRequest, \
    pb_milvus::GetCompactionPlansResponse) \
  X(GetVersion, pb_milvus::GetVersionRequest, pb_milvus::GetVersionResponse) \
  X(CheckHealth, pb_milvus::CheckHealthRequest, pb_milvus::CheckHealthResponse) \
  X(Connect, pb_milvus::ConnectRequest, pb_milvus::ConnectResponse) \
  X(AllocTimestamp, pb_milvus::AllocTimestampRequest, pb_milvus::AllocTimestampResponse) \
  X(CreateDatabase, pb_milvus::CreateDatabaseRequest, pb::common::Status) \
  X(DropDatabase, pb_milvus::DropDatabaseRequest, pb::common::Status) \
  X(ListDatabases, pb_milvus::ListDatabasesRequest, pb_milvus::ListDatabasesResponse) \
  X(DescribeDatabase, pb_milvus::DescribeDatabaseRequest, pb_milvus::DescribeDatabaseResponse) \
  X(CreateCredential, pb_milvus::CreateCredentialRequest, pb::common::Status) \
  X(UpdateCredential, pb_milvus::UpdateCredentialRequest, pb::common::Status) \
  X(DeleteCredential, pb_milvus::DeleteCredentialRequest, pb::common::Status) \
  X(ListCredUsers, pb_milvus::ListCredUsersRequest, pb_milvus::ListCredUsersResponse)
// clang-format on

class GatedGrpcService final : public GrpcService {
 public:
  // `service` and `gate` must outlive this.
  GatedGrpcService(ServiceLayer* service, AuthGate* gate)
      : GrpcService(service, gate), gate_(gate) {}

#define ELANUS_GATED_RPC(name, Req, Resp)                                            \
  grpc::Status name(grpc::ServerContext* ctx, const Req* req, Resp* resp) override { \
    grpc::Status st = Check(ctx, RpcKind::k##name, *req);                            \
    return st.ok() ? GrpcService::name(ctx, req, resp) : st;                         \
  }
  ELANUS_GRPC_RPCS(ELANUS_GATED_RPC)
#undef ELANUS_GATED_RPC

 private:
  // Resolves db (body `db_name`, `dbname` header, "default") and `collection_name` when the
  // request has them, then asks the gate.
  grpc::Status Check(const grpc::ServerContext* ctx, RpcKind kind,
                     const google::protobuf::Message& req);

  AuthGate* gate_;
};

}  // namespace elanus::server
