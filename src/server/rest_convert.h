// REST JSON <-> engine types: schemas (the `schema` body of collections/create), collection
// descriptions, output rows, and query vectors.
//
// Data type names are the Milvus protocol's ("Int64", "VarChar", "FloatVector", ...), matched
// case-insensitively. Vectors in JSON: float lists for FloatVector, Float16Vector and
// BFloat16Vector; byte lists (0..255) for BinaryVector, int lists for Int8Vector; binary, float16,
// bfloat16 and int8 vectors may also be a base64 string of the raw little-endian bytes; sparse
// vectors are objects {"<index>": value}. Output uses the list forms.
#pragma once

#include <string>
#include <vector>

#include "elanus/column.h"
#include "elanus/schema.h"
#include "elanus/status.h"
#include "server/rest_json.h"

namespace elanus::server {

DataType ParseRestDataType(const std::string& name);  // kNone when unknown
// A float32 as the double with the same shortest decimal form (0.1f -> 0.1, not
// 0.10000000149011612), so JSON output reads like the float that was written.
double RestFloat(float f);
const char* RestDataTypeName(DataType t);  // "Int64", "FloatVector", ...

// `schema` object: autoId/autoID, enableDynamicField, description, fields[{fieldName, dataType,
// elementDataType, isPrimary, isPartitionKey, nullable, defaultValue, description,
// elementTypeParams{dim, max_length, max_capacity}}]. Unsupported field options (isClusteringKey
// true, functions) are NotSupported.
Result<CollectionSchema> RestSchemaFromJson(const std::string& name, const JsonView& schema);

// A JSON value (typed for `field`) for row `row` of `col`.
Json RestColumnValue(const FieldSchema* field, const FieldColumn& col, size_t row);

// Rows [begin, end) of `columns` as JSON objects; the "$meta" column's keys are merged into each
// row. `schema` gives field types (may be null: types come from the columns).
Json RestRows(const CollectionSchema& schema, const std::vector<FieldColumn>& columns, size_t begin,
              size_t end);

// Rewrites base64 strings given for binary/float16/bfloat16/int8 vector fields into the list
// forms, in every row object of `rows` (for inserts) — errors name the field and row.
Status RestDecodeVectorStrings(const CollectionSchema& schema, Json* rows);

// The search/`data` list (one vector per query) for `field` as a query column.
Result<FieldColumn> RestQueryVectors(const FieldSchema& field, const Json& data,
                                     const std::string& path);

}  // namespace elanus::server
