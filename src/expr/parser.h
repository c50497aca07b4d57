// Recursive-descent / Pratt parser of the filter language. Precedence, tightest first
// (reference/milvus-features.md §2.2): primaries and postfix `like` / `is [not] null`, `exists`,
// `**` (rejected), unary `+ - not`, `* / %`, `+ -`, `<< >>` (rejected), `[not] in`, `< <= > >=`
// (two of them chain into a range), `== !=`, `& ^ |` (rejected), `and`, `or`.
#pragma once

#include <string_view>

#include "elanus/status.h"
#include "expr/ast.h"

namespace elanus::expr {

// Limits that keep hostile input from exhausting the stack or memory.
inline constexpr size_t kMaxExpressionBytes = 4 << 20;
inline constexpr int kMaxExpressionDepth =
    200;  // deep enough for any real filter, shallow enough for small (sanitizer) stacks

// Parses a non-empty filter. Fails with InvalidArgument ("line L, column C: ...") on syntax
// errors and with NotSupported for Milvus constructs that Elanus does not implement
// (text_match, phrase_match, random_sample, element_filter, match_*, st_*).
Result<AstPtr> Parse(std::string_view text);

}  // namespace elanus::expr
