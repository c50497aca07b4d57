// Read-only views of a segment's columnar data, shared by growing (in-memory, chunked) and sealed
// (memory-mapped) segments. The filter evaluator, search and query read rows through these views.
//
// Physical encodings, per row:
//   BOOL, INT8                1 byte         INT16 2 bytes      INT32, FLOAT 4 bytes
//   INT64, DOUBLE             8 bytes        (little-endian, native layout)
//   FLOAT_VECTOR              4*dim bytes    FLOAT16/BFLOAT16_VECTOR 2*dim bytes
//   INT8_VECTOR               dim bytes      BINARY_VECTOR dim/8 bytes
//   VARCHAR                   var: UTF-8 bytes
//   JSON                      var: compact JSON text ("" for NULL)
//   ARRAY                     var: see value_codec.h
//   SPARSE_FLOAT_VECTOR       var: see value_codec.h
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace elanus::types {

struct ColumnView {
  const uint8_t* fixed = nullptr;         // fixed-width types: rows * width bytes
  const std::string_view* var = nullptr;  // variable-length types: one view per row
  const uint8_t* valid = nullptr;  // nullable fields: one byte per row (1 = value); else null

  template <typename T>
  const T* As() const {
    return reinterpret_cast<const T*>(fixed);
  }
  bool IsNull(size_t i) const { return valid != nullptr && valid[i] == 0; }
};

// A contiguous run of rows [row_begin, row_begin + rows) of one segment.
struct ChunkView {
  size_t row_begin = 0;
  size_t rows = 0;
  const uint64_t* ts = nullptr;     // insert timestamp per row
  std::vector<ColumnView> columns;  // indexed by the field's position in the schema
};

}  // namespace elanus::types
