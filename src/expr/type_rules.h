// Typing rules shared by the type checker: literal casts per field type, comparability of
// fields, descriptions for error messages and the folding builders of and/or/not.
#pragma once

#include <string>
#include <vector>

#include "elanus/status.h"
#include "expr/lexer.h"
#include "expr/plan.h"
#include "expr/value.h"

namespace elanus::expr {

// The scalar alternative of `v` (monostate for lists and none).
ScalarValue ToScalar(const Value& v);

// "INT32 field 'age'", "JSON path 'meta[\"a\"]'", "INT64 element 'temps[0]'",
// "ARRAY<VARCHAR> field 'tags'".
std::string DescribeField(const FieldRef& f);

// Casts constant `v` for comparison with a value of type `t`, described by `what` in errors:
// integers need int literals (a float literal is an error), FLOAT/DOUBLE take ints and floats
// (as double), VARCHAR strings, BOOL booleans, JSON any scalar. Lists are never scalars.
Result<ScalarValue> CastTo(DataType t, const std::string& what, const Value& v, Position pos);

// Whole JSON and whole ARRAY values are not comparable; their elements are.
Status RequireScalar(const FieldRef& f, Position pos);

PlanNodePtr MakeConst(bool v);
// Flattens nested and/or, drops neutral constants and short-circuits absorbing ones.
PlanNodePtr MakeLogical(bool is_and, std::vector<PlanNodePtr> preds);
// Folds not(const) and not(not(x)).
PlanNodePtr MakeNot(PlanNodePtr p);

}  // namespace elanus::expr
