// The filter evaluator: runs a compiled Plan over a segment's columnar rows (types::ChunkView)
// and sets the bits of the rows that match.
//
//   ELANUS_ASSIGN_OR_RETURN(auto plan, expr::Compile("18 <= age < 65", schema));
//   ELANUS_ASSIGN_OR_RETURN(auto eval, expr::Evaluator::Create(*plan, schema));
//   for (const types::ChunkView& chunk : segment_chunks) {
//     ELANUS_RETURN_IF_ERROR(eval->Evaluate(chunk, &bits));
//   }
//
// Semantics (Milvus's; details in README.md): three-valued logic — a predicate on a NULL value,
// a missing JSON key or element, or a JSON value of another type is unknown, and `not` keeps it
// unknown; only `is [not] null` matches NULL rows; unknown rows do not match.
#pragma once

#include <memory>

#include "common/bitset.h"
#include "elanus/schema.h"
#include "elanus/status.h"
#include "expr/plan.h"
#include "expr/scalar_index.h"
#include "types/column.h"

namespace elanus::expr {

namespace internal {
struct EvalNode;
}

// A plan bound to a schema: field positions are resolved once and reused for every chunk.
// Borrows the Plan, which must outlive the Evaluator. Evaluate is const and thread-safe.
class Evaluator {
 public:
  // Internal when the plan references fields that are not in `schema` or whose type differs
  // (a plan compiled against another schema).
  static Result<std::unique_ptr<Evaluator>> Create(const Plan& plan,
                                                   const CollectionSchema& schema);
  // With the scalar indexes of one sealed segment of `segment_rows` rows: every leaf an index
  // can answer exactly (ScalarIndex::Answer) is answered from it once, here; the others read
  // the column per chunk. Results are identical to the index-free evaluator. Indexes whose row
  // count differs from segment_rows are ignored. Chunks given to Evaluate must then be chunks
  // of that segment.
  //
  // kWhenCheaper skips an index for a leaf over a fixed-width column (BOOL, INT*, FLOAT, DOUBLE)
  // whose answer would touch more than 1/32 of the rows' postings: the branch-free column
  // kernels scan ~5 G rows/s, faster than scattering that many row ids. VARCHAR, ARRAY and
  // JSON leaves always use an index that can answer them. kAlways is for tests.
  enum class IndexUse { kWhenCheaper, kAlways };
  static Result<std::unique_ptr<Evaluator>> Create(const Plan& plan, const CollectionSchema& schema,
                                                   const ScalarIndexMap* indexes,
                                                   size_t segment_rows,
                                                   IndexUse use = IndexUse::kWhenCheaper);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Sets bit (chunk.row_begin + i) of *out for every row i of the chunk that satisfies the
  // plan; leaves other bits untouched. Requires out->size() >= chunk.row_begin + chunk.rows and
  // chunk.columns laid out like the schema's fields. Never fails on data (malformed JSON or
  // ARRAY bytes count as missing); returns Internal only when the chunk does not match the
  // schema (missing column, missing data pointer, bitset too small).
  Status Evaluate(const types::ChunkView& chunk, Bitset* out) const;

  // Leaves of the plan, and how many of them an index answered.
  size_t leaves() const { return leaves_; }
  size_t indexed_leaves() const { return indexed_leaves_; }

 private:
  explicit Evaluator(std::unique_ptr<internal::EvalNode> root);
  std::unique_ptr<internal::EvalNode> root_;
  size_t leaves_ = 0;
  size_t indexed_leaves_ = 0;
};

// One-shot form: Create + Evaluate.
Status EvaluateChunk(const Plan& plan, const CollectionSchema& schema,
                     const types::ChunkView& chunk, Bitset* out);

}  // namespace elanus::expr
