// GrpcService: users (CreateCredential, UpdateCredential, DeleteCredential, ListCredUsers).
#include "server/grpc_service.h"
#include "server/grpc_util.h"
#include "server/password_hash.h"

namespace elanus::server {
namespace {

// pymilvus sends passwords base64-encoded (like Milvus expects).
Result<std::string> DecodePassword(const char* field, const std::string& b64) {
  std::optional<std::string> p = Base64Decode(b64);
  if (!p) return Status::InvalidArgument(std::string(field) + ": not valid base64");
  return *p;
}

}  // namespace

std::optional<std::string> GrpcService::AuthHeader(const grpc::ServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

grpc::Status GrpcService::CreateCredential(grpc::ServerContext*,
                                           const pb_milvus::CreateCredentialRequest* req,
                                           pb::common::Status* resp) {
  auto pw = DecodePassword("password", req->password());
  if (!pw.ok()) return Reply(pw.status(), resp);
  return Reply(gate_->credentials()->Create(req->username(), *pw), resp);
}

grpc::Status GrpcService::UpdateCredential(grpc::ServerContext* ctx,
                                           const pb_milvus::UpdateCredentialRequest* req,
                                           pb::common::Status* resp) {
  auto old_pw = DecodePassword("oldPassword", req->oldpassword());
  if (!old_pw.ok()) return Reply(old_pw.status(), resp);
  auto new_pw = DecodePassword("newPassword", req->newpassword());
  if (!new_pw.ok()) return Reply(new_pw.status(), resp);
  auto caller = gate_->Authenticate(AuthHeader(ctx));
  if (!caller.ok()) return Reply(caller.status(), resp);
  return Reply(gate_->credentials()->Update(caller->user, req->username(), *old_pw, *new_pw), resp);
}

grpc::Status GrpcService::DeleteCredential(grpc::ServerContext*,
                                           const pb_milvus::DeleteCredentialRequest* req,
                                           pb::common::Status* resp) {
  return Reply(gate_->credentials()->Delete(req->username()), resp);
}

grpc::Status GrpcService::ListCredUsers(grpc::ServerContext*,
                                        const pb_milvus::ListCredUsersRequest*,
                                        pb_milvus::ListCredUsersResponse* resp) {
  auto users = gate_->credentials()->List();
  if (!users.ok()) return Reply(users.status(), resp);
  for (const auto& u : *users) resp->add_usernames(u);
  return Reply(Status::OK(), resp);
}

}  // namespace elanus::server
