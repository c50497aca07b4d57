// NormalizedBatch: a validated batch of rows laid out in the physical encodings of column.h, one
// column per schema field in schema order. It is what the log records and what segments append.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/column.h"
#include "elanus/schema.h"
#include "elanus/status.h"

namespace elanus::types {

struct NormColumn {
  std::string fixed;             // fixed-width types: rows * width bytes
  std::vector<std::string> var;  // variable-length types: one per row
  std::vector<uint8_t> valid;    // nullable fields: one per row; empty otherwise
};

struct NormalizedBatch {
  size_t num_rows = 0;
  std::vector<NormColumn> columns;  // indexed like schema.fields

  int64_t Int64At(size_t field_pos, size_t row) const;
  std::string_view VarAt(size_t field_pos, size_t row) const { return columns[field_pos].var[row]; }
};

// Validates `input` against `schema` (types, dims, lengths, capacities, nulls, defaults, UTF-8,
// JSON) and converts it. For an auto_id primary key the column must be absent and `next_id` is
// called once per row. Unknown columns are an error; a column named "$meta" holds the dynamic
// field's JSON objects. Every error names the field, the row and the rule.
Result<NormalizedBatch> NormalizeColumns(const CollectionSchema& schema,
                                         const std::vector<FieldColumn>& input,
                                         const std::function<int64_t()>& next_id);

// Converts JSON rows (a JSON array of objects, as the Milvus REST API and row-wise inserts send
// them) into columns. Keys outside the schema go to "$meta" when the dynamic field is enabled and
// are an error otherwise. Values are checked by NormalizeColumns afterwards.
Result<std::vector<FieldColumn>> RowsToColumns(const CollectionSchema& schema,
                                               std::string_view json_rows);

// Log encoding of a batch (no schema inside; decoding needs the same schema).
void EncodeBatch(const NormalizedBatch& batch, std::string* out);
Result<NormalizedBatch> DecodeBatch(const CollectionSchema& schema, std::string_view* in);

// Appends a row's value of a field (from a segment chunk) to an output column.
struct ColumnView;
void AppendValue(const FieldSchema& field, const ColumnView& col, size_t i, FieldColumn* out);
// An empty output column shaped for `field`.
FieldColumn MakeOutputColumn(const FieldSchema& field);

// Appends row `row` of `src` (which holds `rows` rows) to `dst`; `dst` takes src's name and
// type when it has none. Always appends the row's validity to `dst->valid`: clear it afterwards
// if every entry is 1.
void AppendColumnRow(const FieldColumn& src, size_t rows, size_t row, FieldColumn* dst);
// Clears `c->valid` when every entry is 1 (AppendColumnRow's rows were all non-NULL).
void ClearValidityIfAllValid(FieldColumn* c);

// Appends a zero value of `f`'s type (one slot, vectors of f.dim) without touching `valid`, so
// a missing or null value keeps the column's rows aligned.
void AppendPlaceholder(const FieldSchema& f, FieldColumn* c);

}  // namespace elanus::types
