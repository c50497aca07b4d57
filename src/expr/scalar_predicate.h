// Row-at-a-time predicates on one scalar value, for the sources that are decoded per row
// (VARCHAR columns, ARRAY elements, JSON paths). Fixed-width numeric columns use the column
// kernels of eval_kernels.h instead. Internal to src/expr.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "expr/like_matcher.h"
#include "expr/plan.h"

namespace elanus::expr::internal {

// Three-valued result: false, true, or unknown (NULL, missing, type mismatch).
enum class Tri : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };

// A value read from a row. kNone: NULL, a missing JSON key or element, or a JSON value that is
// not a scalar (null, array, object). Values of FLOAT columns/elements arrive as double.
struct RowScalar {
  enum Kind : uint8_t { kNone, kBool, kInt, kDouble, kString };
  Kind kind = kNone;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};

// Three-way comparison of numbers, exact across int64 and double (an int64 never rounds):
// -1, 0, 1, or 2 when unordered (NaN).
int CompareIntDouble(int64_t a, double b);
inline int CompareDoubles(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  return a == b ? 0 : 2;
}
inline int CompareInts(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }
// The result of `cmp3 op 0` (unordered: only != holds).
bool ApplyCompare(CompareOp op, int cmp3);

// Rounds to the nearest float (overflow gives +-inf, never UB).
float RoundToFloat(double d);

// A compiled predicate on RowScalar for one of Compare, Range, In, Like and ArithCompare, for a
// value of type `value_type` (the FieldRef's ValueType(): a column/element type or JSON).
// Typed sources (not JSON) only produce values of their own kind; a kind mismatch is unknown.
// FLOAT sources compare in float precision: constants are rounded to float first.
class ScalarPredicate {
 public:
  static std::unique_ptr<ScalarPredicate> Create(const PlanNode& leaf);
  Tri Eval(const RowScalar& v) const;

 private:
  enum class Kind { kCompare, kRange, kIn, kLike, kArith };
  struct Num {  // a numeric constant
    bool is_int = true;
    int64_t i = 0;
    double d = 0;
  };
  Num MakeNum(const ScalarValue& v) const;
  // cmp3 of v against n, or nullopt-like 3 when v is not numeric.
  int CompareNum(const RowScalar& v, const Num& n) const;
  Tri EvalCompare(const RowScalar& v, CompareOp op, const ScalarValue& raw, const Num& n) const;
  Tri EvalIn(const RowScalar& v) const;
  Tri EvalArith(const RowScalar& v) const;

  Kind kind_ = Kind::kCompare;
  bool float32_ = false;  // FLOAT-typed source
  CompareOp op_ = CompareOp::kEq;
  ScalarValue value_;  // compare value / range lower
  Num num_;
  ScalarValue upper_;  // range upper
  Num upper_num_;
  bool lower_inclusive_ = false, upper_inclusive_ = false;
  // In: members by kind (numbers exact across int/double).
  bool negated_ = false;
  std::vector<int64_t> in_ints_;    // sorted
  std::vector<double> in_doubles_;  // sorted, no NaN
  std::unordered_set<std::string_view> in_strings_;
  std::vector<std::string> in_string_storage_;
  bool in_has_true_ = false, in_has_false_ = false;
  bool in_has_numbers_ = false, in_has_strings_ = false, in_has_bools_ = false;
  // Like.
  LikeKind like_kind_ = LikeKind::kGeneral;
  std::string like_operand_;
  std::unique_ptr<LikeMatcher> like_;
  // Arith: (v arith operand) op value.
  ArithOp arith_ = ArithOp::kAdd;
  Num operand_;
};

}  // namespace elanus::expr::internal
