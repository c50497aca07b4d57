// Binary encodings of variable-length values stored in segments and the log:
//   ARRAY:  u32 count, then elements: BOOL/INT8 1 byte, INT16 2, INT32/FLOAT 4, INT64/DOUBLE 8
//           (little-endian); VARCHAR elements as u32 length + bytes.
//   SPARSE: u32 count, then count × (u32 index, f32 value), indices strictly increasing.
#pragma once

#include <string>
#include <string_view>

#include "elanus/column.h"
#include "elanus/status.h"

namespace elanus::types {

std::string EncodeArray(const ArrayValue& v, DataType element_type);
// Corruption if `data` is not a well-formed encoding.
Result<ArrayValue> DecodeArray(std::string_view data, DataType element_type);

std::string EncodeSparse(const SparseVector& v);
Result<SparseVector> DecodeSparse(std::string_view data);
// Zero-copy view of an encoded sparse vector. Precondition: `data` came from EncodeSparse.
struct SparseView {
  uint32_t count = 0;
  const uint8_t* pairs = nullptr;  // count * 8 bytes
  uint32_t index(size_t i) const;
  float value(size_t i) const;
};
SparseView ViewSparse(std::string_view data);

}  // namespace elanus::types
