// Constant folding and LIKE-pattern analysis: pure functions on literal values. Errors are
// InvalidArgument without a position; the type checker prefixes "line L, column C: ".
#pragma once

#include <string>
#include <string_view>

#include "elanus/status.h"
#include "expr/plan.h"
#include "expr/value.h"

namespace elanus::expr {

// a op b for numeric constants. int64 op int64 stays int64 (`/` truncates toward zero, `%` takes
// the dividend's sign, as in C and Go); any float operand makes a double. Errors: non-numeric
// operand, '%' with a float, division or modulo by zero, int64 overflow, non-finite result.
Result<Value> FoldArith(ArithOp op, const Value& a, const Value& b);

// -a for a numeric constant (errors: non-numeric, negating INT64_MIN).
Result<Value> FoldNegate(const Value& a);

// a op b for scalar constants: numbers (int/int exactly, otherwise as doubles), strings
// (byte-wise lexicographic), booleans (== and != only).
Result<bool> FoldCompare(CompareOp op, const Value& a, const Value& b);

// Classifies a LIKE pattern. `%` matches any run of bytes, `_` exactly one character, and a
// backslash makes the next character literal (`\%`, `\_`, `\\`). A trailing lone backslash is an
// error. kExact/kPrefix/kSuffix/kInfix carry the unescaped literal in `operand`.
struct LikePattern {
  LikeKind kind = LikeKind::kGeneral;
  std::string operand;
};
Result<LikePattern> AnalyzeLikePattern(std::string_view pattern);

}  // namespace elanus::expr
