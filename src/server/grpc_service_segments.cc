// Segment listings: GetPersistentSegmentInfo (sealed, persisted segments) and GetQuerySegmentInfo
// (every segment a search reads, sealed and growing). One node serves everything, so node ids
// are 1; every segment is level L1 (deletes live inside segments, there are no L0 segments).
#include "server/grpc_service.h"
#include "server/grpc_util.h"

namespace elanus::server {

grpc::Status GrpcService::GetPersistentSegmentInfo(
    grpc::ServerContext* ctx, const pb_milvus::GetPersistentSegmentInfoRequest* req,
    pb_milvus::GetPersistentSegmentInfoResponse* resp) {
  std::string db = Db(ctx, req->dbname());
  auto d = service_->DescribeCollection(db, req->collectionname());
  if (!d.ok()) return Reply(d.status(), resp);
  auto segs = service_->ListSegments(db, req->collectionname());
  if (!segs.ok()) return Reply(segs.status(), resp);
  for (const SegmentInfo& s : *segs) {
    if (!s.sealed) continue;
    pb_milvus::PersistentSegmentInfo* info = resp->add_infos();
    info->set_segmentid(s.id);
    info->set_collectionid(d->info.id);
    info->set_partitionid(s.partition_id);
    info->set_num_rows(static_cast<int64_t>(s.rows));
    info->set_state(pb::common::Flushed);
    info->set_level(pb::common::L1);
    info->set_is_sorted(s.sorted);
  }
  return Reply(Status::OK(), resp);
}

grpc::Status GrpcService::GetQuerySegmentInfo(grpc::ServerContext* ctx,
                                              const pb_milvus::GetQuerySegmentInfoRequest* req,
                                              pb_milvus::GetQuerySegmentInfoResponse* resp) {
  std::string db = Db(ctx, req->dbname());
  auto d = service_->DescribeCollection(db, req->collectionname());
  if (!d.ok()) return Reply(d.status(), resp);
  auto segs = service_->ListSegments(db, req->collectionname());
  if (!segs.ok()) return Reply(segs.status(), resp);
  for (const SegmentInfo& s : *segs) {
    pb_milvus::QuerySegmentInfo* info = resp->add_infos();
    info->set_segmentid(s.id);
    info->set_collectionid(d->info.id);
    info->set_partitionid(s.partition_id);
    info->set_num_rows(static_cast<int64_t>(s.rows));
    info->set_state(s.sealed ? pb::common::Sealed : pb::common::Growing);
    info->set_level(pb::common::L1);
    info->set_nodeid(1);
    info->add_nodeids(1);
  }
  return Reply(Status::OK(), resp);
}

}  // namespace elanus::server
