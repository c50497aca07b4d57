// FieldColumn: one field's values for a batch of rows, the exchange format of the public API for
// inserts, query results and search outputs. Which member holds the data depends on the type:
//
//   BOOL, INT8, INT16, INT32, INT64     ints        (one per row; BOOL as 0/1)
//   FLOAT                               floats      (one per row)
//   FLOAT_VECTOR                        floats      (rows * dim, row-major)
//   DOUBLE                              doubles
//   VARCHAR                             strings
//   JSON                                strings     (JSON text, one document per row)
//   BINARY_VECTOR                       bytes       (rows * dim/8, packed bits)
//   FLOAT16_VECTOR, BFLOAT16_VECTOR     bytes       (rows * dim * 2, little-endian bit patterns)
//   INT8_VECTOR                         bytes       (rows * dim, int8 as uint8)
//   SPARSE_FLOAT_VECTOR                 sparse
//   ARRAY                               arrays
//
// Nullable fields: `valid` has one entry per row (1 = value, 0 = null); the data member still has
// one (ignored) slot per row. An empty `valid` means every row has a value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "elanus/schema.h"

namespace elanus {

struct SparseVector {
  std::vector<uint32_t> indices;  // strictly increasing after validation
  std::vector<float> values;      // non-negative, same length as indices
};

struct ArrayValue {
  std::vector<int64_t> ints;         // BOOL (0/1) and integer elements
  std::vector<float> floats;         // FLOAT elements
  std::vector<double> doubles;       // DOUBLE elements
  std::vector<std::string> strings;  // VARCHAR elements
  size_t size(DataType element_type) const;
};

struct FieldColumn {
  std::string name;
  DataType type = DataType::kNone;
  int64_t dim = 0;                          // vectors (not sparse)
  DataType element_type = DataType::kNone;  // ARRAY

  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<double> doubles;
  std::vector<std::string> strings;
  std::vector<uint8_t> bytes;
  std::vector<SparseVector> sparse;
  std::vector<ArrayValue> arrays;
  std::vector<uint8_t> valid;

  // Rows implied by the populated member for `type` (0 if dim is 0 for a dense vector).
  size_t NumRows() const;
  bool IsNull(size_t row) const { return !valid.empty() && valid[row] == 0; }
};

}  // namespace elanus
