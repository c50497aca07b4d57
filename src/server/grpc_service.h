// The gRPC adapter: implements milvus.proto.milvus.MilvusService (the RPCs pymilvus's everyday
// workflow uses; the generated base class answers UNIMPLEMENTED for the rest) by translating
// messages to ServiceLayer calls and back. Application errors travel in common.Status with gRPC OK.
// Thread-safe: gRPC calls these from its bounded thread pool.
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "milvus.grpc.pb.h"
#include "server/auth.h"
#include "server/service.h"

namespace elanus::server {

namespace pb_milvus = ::milvus::proto::milvus;
namespace pb = ::milvus::proto;

class GrpcService : public pb_milvus::MilvusService::Service {
 public:
  // `service` and `gate` must outlive this. The credential RPCs use `gate` for the caller and
  // the user store; the check point itself is GatedGrpcService (grpc_gated_service.h).
  GrpcService(ServiceLayer* service, AuthGate* gate) : service_(service), gate_(gate) {}

  // The RPCs below are split over grpc_service_meta.cc (handshake, databases, collections,
  // partitions, load state, indexes), grpc_service_data.cc (writes, query, flush),
  // grpc_service_search.cc (search, hybrid search) and grpc_service_alias.cc (aliases).
  grpc::Status CreateCollection(grpc::ServerContext* ctx,
                                const pb_milvus::CreateCollectionRequest* req,
                                pb::common::Status* resp) override;
  grpc::Status DropCollection(grpc::ServerContext* ctx, const pb_milvus::DropCollectionRequest* req,
                              pb::common::Status* resp) override;
  grpc::Status HasCollection(grpc::ServerContext* ctx, const pb_milvus::HasCollectionRequest* req,
                             pb_milvus::BoolResponse* resp) override;
  grpc::Status LoadCollection(grpc::ServerContext* ctx, const pb_milvus::LoadCollectionRequest* req,
                              pb::common::Status* resp) override;
  grpc::Status ReleaseCollection(grpc::ServerContext* ctx,
                                 const pb_milvus::ReleaseCollectionRequest* req,
                                 pb::common::Status* resp) override;
  grpc::Status DescribeCollection(grpc::ServerContext* ctx,
                                  const pb_milvus::DescribeCollectionRequest* req,
                                  pb_milvus::DescribeCollectionResponse* resp) override;
  grpc::Status GetCollectionStatistics(grpc::ServerContext* ctx,
                                       const pb_milvus::GetCollectionStatisticsRequest* req,
                                       pb_milvus::GetCollectionStatisticsResponse* resp) override;
  grpc::Status ShowCollections(grpc::ServerContext* ctx,
                               const pb_milvus::ShowCollectionsRequest* req,
                               pb_milvus::ShowCollectionsResponse* resp) override;
  grpc::Status AlterCollection(grpc::ServerContext* ctx,
                               const pb_milvus::AlterCollectionRequest* req,
                               pb::common::Status* resp) override;
  grpc::Status RenameCollection(grpc::ServerContext* ctx,
                                const pb_milvus::RenameCollectionRequest* req,
                                pb::common::Status* resp) override;
  grpc::Status CreatePartition(grpc::ServerContext* ctx,
                               const pb_milvus::CreatePartitionRequest* req,
                               pb::common::Status* resp) override;
  grpc::Status DropPartition(grpc::ServerContext* ctx, const pb_milvus::DropPartitionRequest* req,
                             pb::common::Status* resp) override;
  grpc::Status HasPartition(grpc::ServerContext* ctx, const pb_milvus::HasPartitionRequest* req,
                            pb_milvus::BoolResponse* resp) override;
  grpc::Status LoadPartitions(grpc::ServerContext* ctx, const pb_milvus::LoadPartitionsRequest* req,
                              pb::common::Status* resp) override;
  grpc::Status ReleasePartitions(grpc::ServerContext* ctx,
                                 const pb_milvus::ReleasePartitionsRequest* req,
                                 pb::common::Status* resp) override;
  grpc::Status GetPartitionStatistics(grpc::ServerContext* ctx,
                                      const pb_milvus::GetPartitionStatisticsRequest* req,
                                      pb_milvus::GetPartitionStatisticsResponse* resp) override;
  grpc::Status ShowPartitions(grpc::ServerContext* ctx, const pb_milvus::ShowPartitionsRequest* req,
                              pb_milvus::ShowPartitionsResponse* resp) override;
  grpc::Status GetLoadingProgress(grpc::ServerContext* ctx,
                                  const pb_milvus::GetLoadingProgressRequest* req,
                                  pb_milvus::GetLoadingProgressResponse* resp) override;
  grpc::Status GetLoadState(grpc::ServerContext* ctx, const pb_milvus::GetLoadStateRequest* req,
                            pb_milvus::GetLoadStateResponse* resp) override;
  grpc::Status CreateIndex(grpc::ServerContext* ctx, const pb_milvus::CreateIndexRequest* req,
                           pb::common::Status* resp) override;
  grpc::Status DescribeIndex(grpc::ServerContext* ctx, const pb_milvus::DescribeIndexRequest* req,
                             pb_milvus::DescribeIndexResponse* resp) override;
  grpc::Status GetIndexState(grpc::ServerContext* ctx, const pb_milvus::GetIndexStateRequest* req,
                             pb_milvus::GetIndexStateResponse* resp) override;
  grpc::Status DropIndex(grpc::ServerContext* ctx, const pb_milvus::DropIndexRequest* req,
                         pb::common::Status* resp) override;
  grpc::Status Insert(grpc::ServerContext* ctx, const pb_milvus::InsertRequest* req,
                      pb_milvus::MutationResult* resp) override;
  grpc::Status Delete(grpc::ServerContext* ctx, const pb_milvus::DeleteRequest* req,
                      pb_milvus::MutationResult* resp) override;
  grpc::Status Upsert(grpc::ServerContext* ctx, const pb_milvus::UpsertRequest* req,
                      pb_milvus::MutationResult* resp) override;
  grpc::Status Search(grpc::ServerContext* ctx, const pb_milvus::SearchRequest* req,
                      pb_milvus::SearchResults* resp) override;
  grpc::Status HybridSearch(grpc::ServerContext* ctx, const pb_milvus::HybridSearchRequest* req,
                            pb_milvus::SearchResults* resp) override;
  grpc::Status CreateAlias(grpc::ServerContext* ctx, const pb_milvus::CreateAliasRequest* req,
                           pb::common::Status* resp) override;
  grpc::Status DropAlias(grpc::ServerContext* ctx, const pb_milvus::DropAliasRequest* req,
                         pb::common::Status* resp) override;
  grpc::Status AlterAlias(grpc::ServerContext* ctx, const pb_milvus::AlterAliasRequest* req,
                          pb::common::Status* resp) override;
  grpc::Status DescribeAlias(grpc::ServerContext* ctx, const pb_milvus::DescribeAliasRequest* req,
                             pb_milvus::DescribeAliasResponse* resp) override;
  grpc::Status ListAliases(grpc::ServerContext* ctx, const pb_milvus::ListAliasesRequest* req,
                           pb_milvus::ListAliasesResponse* resp) override;
  grpc::Status Flush(grpc::ServerContext* ctx, const pb_milvus::FlushRequest* req,
                     pb_milvus::FlushResponse* resp) override;
  grpc::Status Query(grpc::ServerContext* ctx, const pb_milvus::QueryRequest* req,
                     pb_milvus::QueryResults* resp) override;
  grpc::Status GetPersistentSegmentInfo(grpc::ServerContext* ctx,
                                        const pb_milvus::GetPersistentSegmentInfoRequest* req,
                                        pb_milvus::GetPersistentSegmentInfoResponse* resp) override;
  grpc::Status GetQuerySegmentInfo(grpc::ServerContext* ctx,
                                   const pb_milvus::GetQuerySegmentInfoRequest* req,
                                   pb_milvus::GetQuerySegmentInfoResponse* resp) override;
  grpc::Status GetFlushState(grpc::ServerContext* ctx, const pb_milvus::GetFlushStateRequest* req,
                             pb_milvus::GetFlushStateResponse* resp) override;
  grpc::Status ManualCompaction(grpc::ServerContext* ctx,
                                const pb_milvus::ManualCompactionRequest* req,
                                pb_milvus::ManualCompactionResponse* resp) override;
  grpc::Status GetCompactionState(grpc::ServerContext* ctx,
                                  const pb_milvus::GetCompactionStateRequest* req,
                                  pb_milvus::GetCompactionStateResponse* resp) override;
  grpc::Status GetCompactionStateWithPlans(grpc::ServerContext* ctx,
                                           const pb_milvus::GetCompactionPlansRequest* req,
                                           pb_milvus::GetCompactionPlansResponse* resp) override;
  grpc::Status GetVersion(grpc::ServerContext* ctx, const pb_milvus::GetVersionRequest* req,
                          pb_milvus::GetVersionResponse* resp) override;
  grpc::Status CheckHealth(grpc::ServerContext* ctx, const pb_milvus::CheckHealthRequest* req,
                           pb_milvus::CheckHealthResponse* resp) override;
  grpc::Status Connect(grpc::ServerContext* ctx, const pb_milvus::ConnectRequest* req,
                       pb_milvus::ConnectResponse* resp) override;
  grpc::Status AllocTimestamp(grpc::ServerContext* ctx, const pb_milvus::AllocTimestampRequest* req,
                              pb_milvus::AllocTimestampResponse* resp) override;
  grpc::Status CreateDatabase(grpc::ServerContext* ctx, const pb_milvus::CreateDatabaseRequest* req,
                              pb::common::Status* resp) override;
  grpc::Status DropDatabase(grpc::ServerContext* ctx, const pb_milvus::DropDatabaseRequest* req,
                            pb::common::Status* resp) override;
  grpc::Status ListDatabases(grpc::ServerContext* ctx, const pb_milvus::ListDatabasesRequest* req,
                             pb_milvus::ListDatabasesResponse* resp) override;
  grpc::Status DescribeDatabase(grpc::ServerContext* ctx,
                                const pb_milvus::DescribeDatabaseRequest* req,
                                pb_milvus::DescribeDatabaseResponse* resp) override;
  // Users (grpc_service_auth.cc). Passwords arrive base64-encoded, as pymilvus sends them.
  grpc::Status CreateCredential(grpc::ServerContext* ctx,
                                const pb_milvus::CreateCredentialRequest* req,
                                pb::common::Status* resp) override;
  grpc::Status UpdateCredential(grpc::ServerContext* ctx,
                                const pb_milvus::UpdateCredentialRequest* req,
                                pb::common::Status* resp) override;
  grpc::Status DeleteCredential(grpc::ServerContext* ctx,
                                const pb_milvus::DeleteCredentialRequest* req,
                                pb::common::Status* resp) override;
  grpc::Status ListCredUsers(grpc::ServerContext* ctx, const pb_milvus::ListCredUsersRequest* req,
                             pb_milvus::ListCredUsersResponse* resp) override;

 protected:
  // The request's database: body field, then the `dbname` header, then "default".
  static std::string Db(const grpc::ServerContext* ctx, const std::string& body_db);

  // The `authorization` header of the call, nullopt when absent.
  static std::optional<std::string> AuthHeader(const grpc::ServerContext* ctx);

 private:
  ServiceLayer* service_;
  AuthGate* gate_;
};

}  // namespace elanus::server
