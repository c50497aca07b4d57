// The typed, constant-folded filter plan produced by Compile(). Every field reference is resolved
// against the collection schema; every literal already has the representation the evaluator
// compares with (int64 for integer fields, double for FLOAT/DOUBLE, std::string for VARCHAR,
// bool for BOOL; JSON paths keep the literal's own type).
//
// NULL semantics (for the evaluator): a predicate on a NULL value, a missing JSON key or a JSON
// value of another type is false; `not` does not turn such a row true (three-valued logic, as
// in Milvus). Only IsNull matches NULL rows.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "elanus/schema.h"
#include "expr/value.h"

namespace elanus::expr {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp { kAdd, kSub, kMul, kDiv, kMod };
const char* CompareOpName(CompareOp op);  // "==", ...
const char* ArithOpName(ArithOp op);      // "+", ...
// `a op b` == `b Flip(op) a`.
CompareOp FlipCompareOp(CompareOp op);

// A resolved reference to a column, a JSON path or an ARRAY element.
struct FieldRef {
  int64_t field_id = 0;
  std::string name;                         // schema name ("$meta" for the dynamic field)
  DataType type = DataType::kNone;          // the column's type
  DataType element_type = DataType::kNone;  // ARRAY columns
  bool nullable = false;
  // JSON (incl. $meta): object keys / array indices, possibly empty (the whole value).
  // ARRAY: empty (the whole array) or a single int64 element index.
  std::vector<PathPart> path;

  bool IsJson() const { return type == DataType::kJson; }
  bool IsArrayElement() const { return type == DataType::kArray && !path.empty(); }
  // Type of the referenced value: the column type, the ARRAY element type for an element, or
  // JSON for any JSON path.
  DataType ValueType() const { return IsArrayElement() ? element_type : type; }
  std::string ToString() const;  // age, meta["a"][0], $meta["color"], temps[2]
};

struct PlanNode;
using PlanNodePtr = std::unique_ptr<PlanNode>;

struct ConstExpr {  // matches all rows or none
  bool value = true;
};
struct CompareExpr {  // field op value
  FieldRef field;
  CompareOp op = CompareOp::kEq;
  ScalarValue value;
};
struct RangeExpr {  // lower <(=) field <(=) upper
  FieldRef field;
  ScalarValue lower;
  bool lower_inclusive = false;
  ScalarValue upper;
  bool upper_inclusive = false;
};
struct CompareFieldsExpr {  // left op right; both scalar columns of compatible types
  FieldRef left;
  CompareOp op = CompareOp::kEq;
  FieldRef right;
};
struct ArithCompareExpr {  // (field arith operand) op value; operand != 0 for / and %
  FieldRef field;
  ArithOp arith = ArithOp::kAdd;
  ScalarValue operand;
  CompareOp op = CompareOp::kEq;
  ScalarValue value;
};
struct ArrayLengthExpr {  // array_length(field) op value; field is ARRAY or a JSON path
  FieldRef field;
  CompareOp op = CompareOp::kEq;
  int64_t value = 0;
};
struct InExpr {  // field [not] in values; values non-empty, duplicates removed
  FieldRef field;
  std::vector<ScalarValue> values;
  bool negated = false;
};
enum class LikeKind { kExact, kPrefix, kSuffix, kInfix, kGeneral };
const char* LikeKindName(LikeKind k);  // "exact", "prefix", ...
struct LikeExpr {
  FieldRef field;
  LikeKind kind = LikeKind::kGeneral;
  std::string pattern;  // the pattern as written (% _ and \ escapes), for kGeneral
  std::string operand;  // the unescaped literal for the other kinds
};
struct IsNullExpr {
  FieldRef field;
  bool negated = false;  // is not null
};
struct ExistsExpr {  // JSON path present (non-empty path)
  FieldRef field;
};
enum class ContainsKind { kContains, kAll, kAny };
struct ContainsExpr {  // json_contains*/array_contains*; field is a JSON path or an ARRAY
  FieldRef field;
  ContainsKind kind = ContainsKind::kContains;
  std::vector<Value> values;  // one value for kContains; 1+ for kAll / kAny
};
struct AndExpr {
  std::vector<PlanNodePtr> children;  // 2+
};
struct OrExpr {
  std::vector<PlanNodePtr> children;  // 2+
};
struct NotExpr {
  PlanNodePtr child;
};

struct PlanNode {
  std::variant<ConstExpr, CompareExpr, RangeExpr, CompareFieldsExpr, ArithCompareExpr,
               ArrayLengthExpr, InExpr, LikeExpr, IsNullExpr, ExistsExpr, ContainsExpr, AndExpr,
               OrExpr, NotExpr>
      node;

  template <typename T>
  static PlanNodePtr Make(T n) {
    auto p = std::make_unique<PlanNode>();
    p->node = std::move(n);
    return p;
  }
  std::string ToString() const;
};

// A compiled filter. Immutable and thread-safe to read after Compile returns.
class Plan {
 public:
  Plan(PlanNodePtr root, const CollectionSchema& schema);

  const PlanNode& root() const { return *root_; }
  // True when the plan is Const(true): the filter matches every row.
  bool MatchesAll() const;
  // Normalized text, e.g. `(18 <= age < 65 and name like_prefix "A")`.
  std::string ToString() const { return root_->ToString(); }
  // Ids of all fields the plan reads, ascending, without duplicates.
  const std::vector<int64_t>& ReferencedFieldIds() const { return field_ids_; }
  // When the filter restricts the partition-key field to a finite set of values (`pk == v`,
  // `pk in [...]`, and conjunctions/disjunctions of those), the set, sorted and de-duplicated;
  // an empty set means no row can match. nullopt: no restriction (or no partition key).
  const std::optional<std::vector<ScalarValue>>& PartitionKeyValues() const {
    return partition_key_values_;
  }

 private:
  PlanNodePtr root_;
  std::vector<int64_t> field_ids_;
  std::optional<std::vector<ScalarValue>> partition_key_values_;
};

}  // namespace elanus::expr
