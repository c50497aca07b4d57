// Conversions shared by the read RPCs (Search, HybridSearch, Query): search requests and
// parameters, consistency fields, filter templates and result columns.
#pragma once

#include <string>

#include "milvus.pb.h"
#include "server/grpc_convert.h"
#include "server/service.h"

namespace elanus::server {

namespace pb_milvus = ::milvus::proto::milvus;

// The consistency fields every read request carries (same names in Search, HybridSearch and
// Query requests). `iterator` marks a read that pins its snapshot at guarantee_timestamp.
template <typename Request>
ReadConsistency ConsistencyFromProto(const Request& req, bool iterator) {
  ReadConsistency rc;
  rc.level = static_cast<int32_t>(req.consistency_level());
  rc.use_default = req.use_default_consistency();
  rc.guarantee_ts = req.guarantee_timestamp();
  rc.iterator = iterator;
  return rc;
}

// True when `key` is present with a true value ("True"/"true"/"1").
bool KvFlag(const KvList& kvs, const std::string& key);

// A SearchRequest from its protocol form: collection, partitions, filter and templates, output
// fields, anns field, search params and the query vectors. The anns field defaults to the
// collection's only vector field.
Result<SearchRequest> SearchFromProto(const pb_milvus::SearchRequest& req, const std::string& db,
                                      const CollectionSchema& schema);

// Output columns to the protocol, plus the `output_fields` list pymilvus uses to find dynamic
// keys (see grpc_search.cc).
void FillOutputs(const std::vector<FieldColumn>& cols, const CollectionSchema& schema,
                 const google::protobuf::RepeatedPtrField<std::string>& requested,
                 google::protobuf::RepeatedPtrField<pb_schema::FieldData>* fields_out,
                 google::protobuf::RepeatedPtrField<std::string>* names_out);

void FillSearchResults(const SearchResult& res, const CollectionSchema& schema,
                       const google::protobuf::RepeatedPtrField<std::string>& requested_outputs,
                       pb_schema::SearchResultData* out);

}  // namespace elanus::server
