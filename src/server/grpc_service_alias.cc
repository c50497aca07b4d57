// GrpcService: collection aliases.
#include <string>

#include "server/grpc_service.h"
#include "server/grpc_util.h"

namespace elanus::server {

grpc::Status GrpcService::CreateAlias(grpc::ServerContext* ctx,
                                      const pb_milvus::CreateAliasRequest* req,
                                      pb::common::Status* resp) {
  return Reply(service_->CreateAlias(Db(ctx, req->db_name()), req->alias(), req->collection_name()),
               resp);
}

grpc::Status GrpcService::DropAlias(grpc::ServerContext* ctx,
                                    const pb_milvus::DropAliasRequest* req,
                                    pb::common::Status* resp) {
  return Reply(service_->DropAlias(Db(ctx, req->db_name()), req->alias()), resp);
}

grpc::Status GrpcService::AlterAlias(grpc::ServerContext* ctx,
                                     const pb_milvus::AlterAliasRequest* req,
                                     pb::common::Status* resp) {
  return Reply(service_->AlterAlias(Db(ctx, req->db_name()), req->alias(), req->collection_name()),
               resp);
}

grpc::Status GrpcService::DescribeAlias(grpc::ServerContext* ctx,
                                        const pb_milvus::DescribeAliasRequest* req,
                                        pb_milvus::DescribeAliasResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  auto coll = service_->DescribeAlias(db, req->alias());
  if (!coll.ok()) return Reply(coll.status(), resp);
  resp->set_db_name(db);
  resp->set_alias(req->alias());
  resp->set_collection(*coll);
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::ListAliases(grpc::ServerContext* ctx,
                                      const pb_milvus::ListAliasesRequest* req,
                                      pb_milvus::ListAliasesResponse* resp) {
  std::string db = Db(ctx, req->db_name());
  auto list = service_->ListAliases(db, req->collection_name());
  if (!list.ok()) return Reply(list.status(), resp);
  resp->set_db_name(db);
  resp->set_collection_name(req->collection_name());
  for (const std::string& a : *list) resp->add_aliases(a);
  return Reply(Status::OK(), resp);
}

}  // namespace elanus::server
