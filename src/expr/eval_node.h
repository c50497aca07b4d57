// Internal structures of the evaluator shared by evaluator.cc (tree, logic, fixed columns) and
// eval_rows.cc (leaves decoded per row: VARCHAR, ARRAY, JSON).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "elanus/status.h"
#include "expr/plan.h"
#include "expr/scalar_index.h"
#include "expr/scalar_predicate.h"
#include "types/column.h"

namespace elanus::expr::internal {

// A plan node bound to column positions.
struct EvalNode {
  const PlanNode* plan = nullptr;    // borrowed from the Plan
  const FieldRef* field = nullptr;   // the leaf's field (left field of CompareFields)
  size_t col = 0;                    // position of `field` in schema.fields / chunk.columns
  const FieldRef* field2 = nullptr;  // CompareFields: right field
  size_t col2 = 0;
  std::unique_ptr<ScalarPredicate> pred;  // Compare/Range/In/Like/Arith on per-row sources
  // Set when a scalar index answered this leaf for the whole segment (segment row numbers).
  std::optional<IndexAnswer> indexed;
  std::vector<std::unique_ptr<EvalNode>> children;
};

// A node's result over one chunk: bit i of `t` = row i is true; `known` = row i is true or
// false (not unknown); an empty `known` means every row is known. Tail bits are zero.
struct TriBits {
  std::vector<uint64_t> t;
  std::vector<uint64_t> known;
};

// Evaluates a leaf whose field is a VARCHAR column, an ARRAY field or element, or a JSON path.
// `col` is the leaf's column; `col2` the right column of a VARCHAR CompareFields.
Status EvalRowLeaf(const EvalNode& node, const types::ColumnView& col,
                   const types::ColumnView* col2, size_t n, TriBits* out);

}  // namespace elanus::expr::internal
