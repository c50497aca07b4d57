#include "server/grpc_gated_service.h"

namespace elanus::server {
namespace {

#define ELANUS_COUNT_RPC(name, Req, Resp) +1
static_assert(0 ELANUS_GRPC_RPCS(ELANUS_COUNT_RPC) == static_cast<int>(RpcKind::kCount),
              "every RpcKind must be gated by GatedGrpcService");
#undef ELANUS_COUNT_RPC

std::string StringField(const google::protobuf::Message& msg, const char* name) {
  const auto* f = msg.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->is_repeated() ||
      f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  return msg.GetReflection()->GetString(msg, f);
}

grpc::Status ToGrpc(const Status& st) {
  switch (st.code()) {
    case StatusCode::kUnauthenticated:
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, st.message());
    case StatusCode::kPermissionDenied:
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, st.message());
    default:
      return grpc::Status(grpc::StatusCode::INTERNAL, "auth check failed: " + st.ToString());
  }
}

}  // namespace

grpc::Status GatedGrpcService::Check(const grpc::ServerContext* ctx, RpcKind kind,
                                     const google::protobuf::Message& req) {
  Status st = gate_->Check(AuthHeader(ctx), kind, Db(ctx, StringField(req, "db_name")),
                           StringField(req, "collection_name"), nullptr);
  return st.ok() ? grpc::Status::OK : ToGrpc(st);
}

}  // namespace elanus::server
