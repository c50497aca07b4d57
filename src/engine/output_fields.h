// Collects output-field values of selected rows into public FieldColumns.
#pragma once

#include <string>
#include <vector>

#include "elanus/column.h"
#include "elanus/schema.h"
#include "types/batch.h"
#include "types/column.h"

namespace elanus::engine {

class OutputGatherer {
 public:
  // all_dynamic: "*" was requested, so `$meta` is returned whole.
  OutputGatherer(const CollectionSchema& schema, std::vector<size_t> positions,
                 std::vector<std::string> dynamic_keys, bool all_dynamic);
  void Add(const types::ChunkView& chunk, size_t i);
  std::vector<FieldColumn> Take() { return std::move(columns_); }

 private:
  const CollectionSchema& schema_;
  std::vector<size_t> positions_;
  std::vector<std::string> dynamic_keys_;
  bool all_dynamic_;
  std::vector<FieldColumn> columns_;
};

}  // namespace elanus::engine
