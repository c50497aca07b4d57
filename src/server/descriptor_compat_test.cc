// Checks the pinned protocol descriptors (derived from the pymilvus wheel, cmake/proto.cmake)
// still carry every RPC the server implements and every field it reads or writes, with the
// numbers SDKs put on the wire. A descriptor bump that renumbers or drops one fails here.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "milvus.grpc.pb.h"

namespace {

using google::protobuf::DescriptorPool;

// Referencing a generated message links milvus.pb.o (and its dependencies) into the test, which
// registers the descriptors with the generated pool.
const DescriptorPool* Pool() {
  return milvus::proto::milvus::ConnectRequest::descriptor()->file()->pool();
}

struct Rpc {
  const char* name;
  const char* input;
  const char* output;
};

TEST(DescriptorCompatTest, ServiceHasEveryImplementedRpc) {
  const auto* svc = Pool()->FindServiceByName("milvus.proto.milvus.MilvusService");
  ASSERT_NE(svc, nullptr);
  const Rpc rpcs[] = {
      {"Connect", "ConnectRequest", "ConnectResponse"},
      {"GetVersion", "GetVersionRequest", "GetVersionResponse"},
      {"CheckHealth", "CheckHealthRequest", "CheckHealthResponse"},
      {"CreateCollection", "CreateCollectionRequest", "Status"},
      {"DescribeCollection", "DescribeCollectionRequest", "DescribeCollectionResponse"},
      {"HasCollection", "HasCollectionRequest", "BoolResponse"},
      {"ShowCollections", "ShowCollectionsRequest", "ShowCollectionsResponse"},
      {"DropCollection", "DropCollectionRequest", "Status"},
      {"RenameCollection", "RenameCollectionRequest", "Status"},
      {"GetCollectionStatistics", "GetCollectionStatisticsRequest",
       "GetCollectionStatisticsResponse"},
      {"CreatePartition", "CreatePartitionRequest", "Status"},
      {"DropPartition", "DropPartitionRequest", "Status"},
      {"HasPartition", "HasPartitionRequest", "BoolResponse"},
      {"ShowPartitions", "ShowPartitionsRequest", "ShowPartitionsResponse"},
      {"LoadPartitions", "LoadPartitionsRequest", "Status"},
      {"ReleasePartitions", "ReleasePartitionsRequest", "Status"},
      {"GetPartitionStatistics", "GetPartitionStatisticsRequest", "GetPartitionStatisticsResponse"},
      {"CreateDatabase", "CreateDatabaseRequest", "Status"},
      {"DropDatabase", "DropDatabaseRequest", "Status"},
      {"ListDatabases", "ListDatabasesRequest", "ListDatabasesResponse"},
      {"DescribeDatabase", "DescribeDatabaseRequest", "DescribeDatabaseResponse"},
      {"Insert", "InsertRequest", "MutationResult"},
      {"Upsert", "UpsertRequest", "MutationResult"},
      {"Delete", "DeleteRequest", "MutationResult"},
      {"Search", "SearchRequest", "SearchResults"},
      {"Query", "QueryRequest", "QueryResults"},
      {"Flush", "FlushRequest", "FlushResponse"},
      {"GetFlushState", "GetFlushStateRequest", "GetFlushStateResponse"},
      {"AllocTimestamp", "AllocTimestampRequest", "AllocTimestampResponse"},
      {"CreateIndex", "CreateIndexRequest", "Status"},
      {"DescribeIndex", "DescribeIndexRequest", "DescribeIndexResponse"},
      {"GetIndexState", "GetIndexStateRequest", "GetIndexStateResponse"},
      {"DropIndex", "DropIndexRequest", "Status"},
      {"LoadCollection", "LoadCollectionRequest", "Status"},
      {"ReleaseCollection", "ReleaseCollectionRequest", "Status"},
      {"GetLoadState", "GetLoadStateRequest", "GetLoadStateResponse"},
      {"GetLoadingProgress", "GetLoadingProgressRequest", "GetLoadingProgressResponse"},
      {"ManualCompaction", "ManualCompactionRequest", "ManualCompactionResponse"},
      {"GetCompactionState", "GetCompactionStateRequest", "GetCompactionStateResponse"},
      {"GetCompactionStateWithPlans", "GetCompactionPlansRequest", "GetCompactionPlansResponse"},
      {"HybridSearch", "HybridSearchRequest", "SearchResults"},
      {"AlterCollection", "AlterCollectionRequest", "Status"},
      {"CreateAlias", "CreateAliasRequest", "Status"},
      {"DropAlias", "DropAliasRequest", "Status"},
      {"AlterAlias", "AlterAliasRequest", "Status"},
      {"DescribeAlias", "DescribeAliasRequest", "DescribeAliasResponse"},
      {"ListAliases", "ListAliasesRequest", "ListAliasesResponse"},
  };
  for (const Rpc& r : rpcs) {
    const auto* m = svc->FindMethodByName(r.name);
    ASSERT_NE(m, nullptr) << r.name;
    EXPECT_EQ(m->input_type()->name(), r.input) << r.name;
    EXPECT_EQ(m->output_type()->name(), r.output) << r.name;
  }
}

struct Field {
  const char* message;
  const char* field;
  int number;
};

TEST(DescriptorCompatTest, FieldsTheServerUsesKeepTheirNumbers) {
  const Field fields[] = {
      {"milvus.proto.common.Status", "error_code", 1},
      {"milvus.proto.common.Status", "reason", 2},
      {"milvus.proto.common.Status", "code", 3},
      {"milvus.proto.common.Status", "retriable", 4},
      {"milvus.proto.common.PlaceholderValue", "type", 2},
      {"milvus.proto.common.PlaceholderValue", "values", 3},
      {"milvus.proto.milvus.ConnectResponse", "identifier", 3},
      {"milvus.proto.milvus.CreateCollectionRequest", "schema", 4},
      {"milvus.proto.milvus.CreateCollectionRequest", "consistency_level", 6},
      {"milvus.proto.milvus.CreateCollectionRequest", "num_partitions", 8},
      {"milvus.proto.milvus.DescribeCollectionResponse", "collectionID", 3},
      {"milvus.proto.milvus.DescribeCollectionResponse", "consistency_level", 11},
      {"milvus.proto.milvus.DescribeCollectionResponse", "num_partitions", 15},
      {"milvus.proto.milvus.InsertRequest", "fields_data", 5},
      {"milvus.proto.milvus.UpsertRequest", "partial_update", 9},
      {"milvus.proto.milvus.DeleteRequest", "expr", 5},
      {"milvus.proto.milvus.MutationResult", "IDs", 2},
      {"milvus.proto.milvus.MutationResult", "insert_cnt", 6},
      {"milvus.proto.milvus.MutationResult", "delete_cnt", 7},
      {"milvus.proto.milvus.MutationResult", "upsert_cnt", 8},
      {"milvus.proto.milvus.MutationResult", "timestamp", 9},
      {"milvus.proto.milvus.SearchRequest", "dsl", 5},
      {"milvus.proto.milvus.SearchRequest", "placeholder_group", 6},
      {"milvus.proto.milvus.SearchRequest", "output_fields", 8},
      {"milvus.proto.milvus.SearchRequest", "search_params", 9},
      {"milvus.proto.milvus.QueryRequest", "expr", 4},
      {"milvus.proto.milvus.QueryRequest", "query_params", 9},
      {"milvus.proto.milvus.QueryResults", "fields_data", 2},
      {"milvus.proto.milvus.QueryResults", "output_fields", 4},
      {"milvus.proto.milvus.FlushResponse", "coll_flush_ts", 6},
      {"milvus.proto.schema.FieldSchema", "type_params", 6},
      {"milvus.proto.schema.FieldSchema", "default_value", 11},
      {"milvus.proto.schema.FieldSchema", "nullable", 15},
      {"milvus.proto.schema.CollectionSchema", "enable_dynamic_field", 5},
      {"milvus.proto.schema.FieldData", "is_dynamic", 6},
      {"milvus.proto.schema.FieldData", "valid_data", 7},
      {"milvus.proto.schema.ScalarField", "json_data", 9},
      {"milvus.proto.schema.VectorField", "sparse_float_vector", 6},
      {"milvus.proto.schema.SearchResultData", "topks", 6},
      {"milvus.proto.schema.SearchResultData", "primary_field_name", 13},
      {"milvus.proto.schema.SearchResultData", "search_iterator_v2_results", 11},
      {"milvus.proto.schema.SearchIteratorV2Results", "token", 1},
      {"milvus.proto.schema.SearchIteratorV2Results", "last_bound", 2},
      {"milvus.proto.schema.TemplateValue", "bool_val", 1},
      {"milvus.proto.schema.TemplateValue", "int64_val", 2},
      {"milvus.proto.schema.TemplateValue", "float_val", 3},
      {"milvus.proto.schema.TemplateValue", "string_val", 4},
      {"milvus.proto.schema.TemplateValue", "array_val", 5},
      {"milvus.proto.schema.TemplateArrayValue", "json_data", 6},
      {"milvus.proto.milvus.SearchRequest", "guarantee_timestamp", 11},
      {"milvus.proto.milvus.SearchRequest", "consistency_level", 14},
      {"milvus.proto.milvus.SearchRequest", "use_default_consistency", 15},
      {"milvus.proto.milvus.SearchRequest", "expr_template_values", 18},
      {"milvus.proto.milvus.SearchResults", "session_ts", 4},
      {"milvus.proto.milvus.QueryRequest", "guarantee_timestamp", 8},
      {"milvus.proto.milvus.QueryRequest", "consistency_level", 11},
      {"milvus.proto.milvus.QueryRequest", "use_default_consistency", 12},
      {"milvus.proto.milvus.QueryRequest", "expr_template_values", 13},
      {"milvus.proto.milvus.QueryResults", "session_ts", 5},
      {"milvus.proto.milvus.DeleteRequest", "expr_template_values", 8},
      {"milvus.proto.milvus.HybridSearchRequest", "requests", 5},
      {"milvus.proto.milvus.HybridSearchRequest", "rank_params", 6},
      {"milvus.proto.milvus.HybridSearchRequest", "guarantee_timestamp", 8},
      {"milvus.proto.milvus.HybridSearchRequest", "output_fields", 10},
      {"milvus.proto.milvus.HybridSearchRequest", "consistency_level", 11},
      {"milvus.proto.milvus.HybridSearchRequest", "use_default_consistency", 12},
      {"milvus.proto.milvus.DescribeCollectionResponse", "aliases", 9},
      {"milvus.proto.milvus.AlterCollectionRequest", "properties", 5},
      {"milvus.proto.milvus.AlterCollectionRequest", "delete_keys", 6},
      {"milvus.proto.milvus.DescribeAliasResponse", "collection", 4},
      {"milvus.proto.milvus.ListAliasesResponse", "aliases", 4},
  };
  for (const Field& f : fields) {
    const auto* m = Pool()->FindMessageTypeByName(f.message);
    ASSERT_NE(m, nullptr) << f.message;
    const auto* fd = m->FindFieldByName(f.field);
    ASSERT_NE(fd, nullptr) << f.message << "." << f.field;
    EXPECT_EQ(fd->number(), f.number) << f.message << "." << f.field;
  }
}

}  // namespace
