// Entry point of the filter expression module: compiles a Milvus 2.6 boolean filter
// (reference/milvus-features.md §2) into a typed Plan.
//
//   ELANUS_ASSIGN_OR_RETURN(auto plan, expr::Compile("age > {a}", schema, {{"a", 25}}));
//   plan->ToString();  // "age > 25"
#pragma once

#include <memory>
#include <string_view>

#include "elanus/schema.h"
#include "elanus/status.h"
#include "expr/plan.h"
#include "expr/value.h"

namespace elanus::expr {

// Parses, type-checks and constant-folds `text` against `schema`, substituting `{name}`
// templates from `params`. Empty or whitespace-only text yields a plan matching all rows.
// Errors: InvalidArgument "line L, column C: <reason>" for invalid filters; NotSupported for
// Milvus constructs Elanus does not implement (text_match, phrase_match, random_sample,
// element_filter, match_*, st_*). Never throws; safe on arbitrary bytes (depth and size limits
// in parser.h).
Result<std::unique_ptr<const Plan>> Compile(std::string_view text, const CollectionSchema& schema,
                                            const TemplateParams& params = {});

// Converts a JSON object {"name": value, ...} (filter_params of the REST API) into template
// parameters. Numbers without a fraction or exponent become int64, others double; arrays become
// lists; null and objects are rejected.
Result<TemplateParams> ParseTemplateParamsJson(std::string_view json);

}  // namespace elanus::expr
