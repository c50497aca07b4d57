// Output-field resolution and gathering shared by search and query.
#include "engine/output_fields.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/read_path.h"

namespace elanus::engine {

Status ResolveOutputFields(const CollectionSchema& schema, const std::vector<std::string>& names,
                           bool include_pk, std::vector<size_t>* positions,
                           std::vector<std::string>* dynamic_keys) {
  auto add = [&](size_t p) {
    if (std::find(positions->begin(), positions->end(), p) == positions->end())
      positions->push_back(p);
  };
  if (include_pk) {
    for (size_t p = 0; p < schema.fields.size(); ++p)
      if (schema.fields[p].is_primary_key) add(p);
  }
  for (const std::string& n : names) {
    if (n == "*") {
      for (size_t p = 0; p < schema.fields.size(); ++p) add(p);
      continue;
    }
    bool found = false;
    for (size_t p = 0; p < schema.fields.size(); ++p) {
      if (schema.fields[p].name == n) {
        add(p);
        found = true;
      }
    }
    if (found) continue;
    if (schema.DynamicField() == nullptr) {
      return Status::InvalidArgument("output field '" + n +
                                     "' is not in the schema of collection '" + schema.name + "'");
    }
    dynamic_keys->push_back(n);
  }
  if (!dynamic_keys->empty()) {
    for (size_t p = 0; p < schema.fields.size(); ++p)
      if (schema.fields[p].is_dynamic) add(p);
  }
  return Status::OK();
}

OutputGatherer::OutputGatherer(const CollectionSchema& schema, std::vector<size_t> positions,
                               std::vector<std::string> dynamic_keys, bool all_dynamic)
    : schema_(schema),
      positions_(std::move(positions)),
      dynamic_keys_(std::move(dynamic_keys)),
      all_dynamic_(all_dynamic) {
  for (size_t p : positions_) columns_.push_back(types::MakeOutputColumn(schema_.fields[p]));
}

void OutputGatherer::Add(const types::ChunkView& chunk, size_t i) {
  for (size_t k = 0; k < positions_.size(); ++k) {
    const FieldSchema& f = schema_.fields[positions_[k]];
    const types::ColumnView& cv = chunk.columns[positions_[k]];
    if (f.is_dynamic && !all_dynamic_) {
      // Only the requested dynamic keys.
      nlohmann::json in = nlohmann::json::parse(cv.var[i], nullptr, false);
      nlohmann::json out = nlohmann::json::object();
      if (in.is_object()) {
        for (const std::string& key : dynamic_keys_)
          if (in.contains(key)) out[key] = in[key];
      }
      columns_[k].strings.push_back(
          out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      continue;
    }
    types::AppendValue(f, cv, i, &columns_[k]);
  }
}

}  // namespace elanus::engine
