// Recognises the narrow filter pymilvus generates for get/delete by ids:
//   <pk> in [1, 2, 3]        (INT64 keys)
//   <pk> in ['a', "b"]       (VARCHAR keys; single or double quotes, backslash escapes)
// so they work before the full filter language lands. Anything else is left to the engine.
#pragma once

#include <optional>
#include <string_view>

#include "elanus/engine.h"
#include "elanus/schema.h"

namespace elanus::server {

// Returns the keys when `expr` is exactly "<pk name> in [literals]" with literals of the primary
// key's type; std::nullopt otherwise (including a malformed list: the engine reports the error).
std::optional<PrimaryKeys> ParsePkInFilter(std::string_view expr, const FieldSchema& pk);

}  // namespace elanus::server
