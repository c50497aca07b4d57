// Validates a collection schema against Milvus's rules and normalizes it (field ids, the dynamic
// `$meta` field, partition count). Every error is InvalidArgument naming the field, value and rule.
#pragma once

#include <string_view>

#include "elanus/schema.h"
#include "elanus/status.h"

namespace elanus::types {

// Checks a database, collection, partition, alias or field name: 1..255 characters from
// [A-Za-z0-9_], not starting with a digit. `what` names the kind in the error ("collection name").
Status ValidateName(std::string_view name, std::string_view what);

// Validates `schema` in place and fills what the engine assigns: field ids (100, 101, ...), the
// `$meta` field when the dynamic field is enabled, num_partitions for partition-key collections.
Status ValidateAndNormalizeSchema(CollectionSchema& schema);

}  // namespace elanus::types
