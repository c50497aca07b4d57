// Test-only: a brute-force, row-at-a-time interpreter of a Plan over rows given as JSON objects
// (the insert format of the REST API). Written independently of the evaluator (no shared code
// beyond the Plan types) so the two can check each other. Not linked into the library.
#pragma once

#include <nlohmann/json.hpp>

#include "elanus/schema.h"
#include "expr/plan.h"

namespace elanus::expr::testing {

enum class Truth { kFalse, kTrue, kUnknown };

// Evaluates `plan` on one row. Keys of `row` outside the schema are dynamic-field keys; an
// absent or null value of a nullable field is NULL. FLOAT fields are rounded to float.
Truth ReferenceEval(const Plan& plan, const CollectionSchema& schema, const nlohmann::json& row);

}  // namespace elanus::expr::testing
