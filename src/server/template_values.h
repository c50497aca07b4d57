// Filter templates: the `expr_template_values` map pymilvus sends for `filter_params` (search,
// query, delete) converted to the engine's `filter_params` JSON object ({"name": value, ...}).
#pragma once

#include <string>

#include "elanus/status.h"
#include "google/protobuf/map.h"
#include "schema.pb.h"

namespace elanus::server {

using TemplateValueMap =
    ::google::protobuf::Map<std::string, ::milvus::proto::schema::TemplateValue>;

// Returns "" for an empty map. Errors: InvalidArgument naming the template for values that have
// no JSON form (an unset value, a JSON element that does not parse).
Result<std::string> TemplateValuesToJson(const TemplateValueMap& values);

}  // namespace elanus::server
