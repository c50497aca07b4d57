// Small helpers shared by the gRPC adapter files.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common.pb.h"
#include "server/error_map.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // legacy error_code: still read

namespace elanus::server {

// Fills a common.Status from an engine/service status (ToMilvusError is the only mapping).
inline void FillStatus(const Status& st, ::milvus::proto::common::Status* out) {
  MilvusError e = ToMilvusError(st);
  out->set_code(e.code);
  out->set_error_code(static_cast<::milvus::proto::common::ErrorCode>(e.legacy_code));
  out->set_reason(e.reason);
  out->set_retriable(e.retriable);
}

// Application errors always travel inside the response with gRPC OK.
template <typename Response>
grpc::Status Reply(const Status& st, Response* resp) {
  FillStatus(st, resp->mutable_status());
  return grpc::Status::OK;
}

inline grpc::Status Reply(const Status& st, ::milvus::proto::common::Status* resp) {
  FillStatus(st, resp);
  return grpc::Status::OK;
}

}  // namespace elanus::server

#pragma GCC diagnostic pop
