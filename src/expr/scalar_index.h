// Scalar indexes over one segment's column: INVERTED, BITMAP, STL_SORT and Trie (Milvus names).
// Built on sealed segments, persisted as a versioned, checksummed image (docs/format/
// scalar_index.md), and used by the Evaluator to answer plan leaves without reading the column.
//
// All four types share one structure, a sorted dictionary of distinct keys with a sorted posting
// list of row ids per key (CSR layout), plus the set of rows that hold a value ("present"):
//   - INVERTED: keys -> postings; any scalar column, ARRAY elements, or a JSON path with a cast.
//   - BITMAP:   the same, limited to low cardinality (bitmap_cardinality_limit distinct keys).
//   - STL_SORT: a sorted (value, row) array; ranges by binary search (numeric and VARCHAR).
//   - Trie:     VARCHAR keys in byte order; equality, `in` and prefix `like` by binary search
//               over the sorted keys (a sorted-array trie: prefixes are contiguous ranges).
// The types differ in which fields and parameters they accept (ResolveScalarIndexSpec).
//
// Thread-safety: immutable after Build/Load; every const method may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/schema.h"
#include "elanus/status.h"
#include "expr/plan.h"
#include "types/column.h"

namespace elanus::expr {

enum class ScalarIndexType : uint8_t { kInverted = 1, kBitmap = 2, kStlSort = 3, kTrie = 4 };
const char* ScalarIndexTypeName(ScalarIndexType t);  // "INVERTED", ...

// The value a JSON index extracts (Milvus `json_cast_type`). kNone for non-JSON fields.
enum class JsonCast : uint8_t {
  kNone = 0,
  kBool,
  kDouble,
  kVarchar,
  kArrayBool,
  kArrayDouble,
  kArrayVarchar
};
const char* JsonCastName(JsonCast c);  // "BOOL", "DOUBLE", ... as Milvus spells them

inline constexpr uint32_t kDefaultBitmapCardinalityLimit = 500;
inline constexpr uint32_t kMaxBitmapCardinalityLimit = 1000;

// What to index: a resolved, validated index definition for one field.
struct ScalarIndexSpec {
  ScalarIndexType type = ScalarIndexType::kInverted;
  int64_t field_id = 0;
  DataType field_type = DataType::kNone;
  DataType element_type = DataType::kNone;  // ARRAY fields
  std::vector<PathPart> json_path;          // JSON fields: keys below the field (may be empty)
  JsonCast cast = JsonCast::kNone;
  uint32_t bitmap_cardinality_limit = 0;  // BITMAP only
};

// True for index type names this module handles ("INVERTED", "BITMAP", "STL_SORT", "TRIE", any
// case). AUTOINDEX on a scalar field is resolved by the caller to INVERTED (Milvus's default).
bool IsScalarIndexType(const std::string& upper_name);

// Validates an index request on `field` of `schema` as Milvus does: which types accept which
// fields, `json_path` / `json_cast_type` for JSON fields, `bitmap_cardinality_limit` for BITMAP.
// `upper_type` is the index type in upper case. InvalidArgument names the field, value and rule;
// NotSupported for Milvus options Elanus lacks (json_cast_function).
Result<ScalarIndexSpec> ResolveScalarIndexSpec(const std::string& upper_type,
                                               const FieldSchema& field,
                                               const CollectionSchema& schema,
                                               const std::map<std::string, std::string>& params);

// A leaf answered from an index over a whole segment: bit i of `t` = row i matches; `known` =
// row i is true or false (empty = every row known). Tail bits are zero.
struct IndexAnswer {
  std::vector<uint64_t> t;
  std::vector<uint64_t> known;
};

class ScalarIndex {
 public:
  enum class KeyKind : uint8_t { kBool = 0, kInt = 1, kDouble = 2, kString = 3 };

  // Indexes rows [0, rows) of `col` (laid out as `spec.field_type`). InvalidArgument when a
  // BITMAP index would exceed its cardinality limit.
  static Result<std::unique_ptr<ScalarIndex>> Build(const ScalarIndexSpec& spec,
                                                    const types::ColumnView& col, size_t rows);
  // Parses an image written by Serialize. Corruption on any damage (magic, version, CRC,
  // counts, order, row ids out of range).
  static Result<std::unique_ptr<ScalarIndex>> Load(std::string_view image);
  void Serialize(std::string* out) const;

  const ScalarIndexSpec& spec() const { return spec_; }
  size_t rows() const { return rows_; }
  size_t num_keys() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // Whether the index holds several keys per row (ARRAY fields, JSON array casts).
  bool multi_valued() const;

  // Answers a plan leaf over this index's field, or nullopt when the index cannot answer it
  // exactly as the column evaluator would (other field or path, predicate form or constant kind
  // it does not cover). The answer is bit-identical to the evaluator's, NULLs included.
  // `max_postings` bounds the work: when answering would touch more posting entries than this,
  // nullopt (the caller's column kernel is cheaper for such unselective leaves).
  std::optional<IndexAnswer> Answer(const PlanNode& leaf, size_t max_postings = SIZE_MAX) const;

 private:
  ScalarIndex() = default;
  bool Matches(const FieldRef& f) const;
  std::optional<IndexAnswer> AnswerSingle(const PlanNode& leaf, size_t max_postings) const;
  std::optional<IndexAnswer> AnswerContains(const ContainsExpr& c) const;
  // First key index in [from, n) for which below(key) is false (keys are sorted).
  template <typename Pred>
  size_t PartitionPoint(size_t from, Pred&& pred) const;
  void OrPostings(size_t key_begin, size_t key_end, uint64_t* words) const;
  std::optional<size_t> FindKey(const Value& v) const;

  ScalarIndexSpec spec_;
  KeyKind key_kind_ = KeyKind::kInt;
  bool lossy_ = false;  // JSON integers beyond 2^53 were rounded to double: never answer
  uint64_t rows_ = 0;
  std::vector<int64_t> int_keys_;         // kBool (0/1) and kInt, ascending
  std::vector<double> double_keys_;       // ascending, no NaN
  std::vector<std::string> string_keys_;  // ascending in byte order
  std::vector<uint64_t> offsets_;         // num_keys + 1; postings of key k: [offsets_[k], [k+1])
  std::vector<uint32_t> row_ids_;         // ascending within each key
  std::vector<uint32_t> nan_rows_;        // rows holding NaN (not in the dictionary)
  std::vector<uint64_t> present_;         // rows with a (non-NULL, right-kind) value
};

// Indexes of one sealed segment by field id.
using ScalarIndexMap = std::map<int64_t, std::shared_ptr<const ScalarIndex>>;

}  // namespace elanus::expr
