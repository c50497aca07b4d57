// Conversions between Milvus protocol messages (generated from the pinned pymilvus descriptors)
// and Elanus engine types. Pure functions; errors are InvalidArgument/NotSupported naming the
// field, the value and the rule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common.pb.h"
#include "elanus/column.h"
#include "elanus/engine.h"
#include "elanus/schema.h"
#include "schema.pb.h"

namespace elanus::server {

namespace pb_common = ::milvus::proto::common;
namespace pb_schema = ::milvus::proto::schema;

// Schemas. The hidden `$meta` field is not returned (pymilvus would treat it as an input field);
// the dynamic flag travels in `enable_dynamic_field`.
Result<CollectionSchema> SchemaFromProto(const pb_schema::CollectionSchema& in);
void SchemaToProto(const CollectionSchema& in, pb_schema::CollectionSchema* out);

// Columns. `field` is the schema field the column is for (nullptr: unknown name, the engine
// reports it). Nullable columns may arrive compact (values for valid rows only) or full.
Result<FieldColumn> ColumnFromProto(const pb_schema::FieldData& in, const FieldSchema* field);
void ColumnToProto(const FieldColumn& in, const FieldSchema* field, pb_schema::FieldData* out);

void IdsToProto(const PrimaryKeys& ids, DataType pk_type, pb_schema::IDs* out);

// Decodes a serialized PlaceholderGroup into nq query vectors for `field`.
Result<FieldColumn> QueriesFromPlaceholder(const std::string& bytes, const FieldSchema& field);

// Key-value parameter lists.
using KvList = ::google::protobuf::RepeatedPtrField<pb_common::KeyValuePair>;
std::optional<std::string> FindKv(const KvList& kvs, const std::string& key);
Result<int64_t> ParseInt(const std::string& key, const std::string& value);

}  // namespace elanus::server
