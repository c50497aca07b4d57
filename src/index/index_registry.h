// The registry of index types: type name ("HNSW") -> factory that parses and validates the Milvus
// build parameters and creates an empty index. Index types register themselves from their own .cc
// file with ELANUS_REGISTER_INDEX_TYPE, so adding one touches only its own files. (The library is
// linked whole-archive so those registrations are never dropped by the linker; see CMakeLists.txt.)
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/status.h"
#include "index/vector_index.h"

namespace elanus::index {

struct IndexTypeInfo {
  std::string name;  // upper case, as Milvus spells it
  // Validates `spec` and the string build parameters (unknown keys are ignored) and returns an
  // empty index. InvalidArgument names the parameter, its value and the allowed range.
  std::function<Result<std::unique_ptr<VectorIndex>>(const IndexSpec& spec,
                                                     const ParamMap& build_params)>
      create;
  // Optional: creates the empty index that IndexRegistry::Load fills from an image, for types
  // with required build parameters (the image holds them). Unset: create(spec, {}).
  std::function<Result<std::unique_ptr<VectorIndex>>(const IndexSpec& spec)> create_for_load;
};

class IndexRegistry {
 public:
  // The process-wide registry that ELANUS_REGISTER_INDEX_TYPE fills during static initialization.
  static IndexRegistry& Global();

  // Adds a type; returns false (and keeps the first) when the name is already taken.
  bool Register(IndexTypeInfo info);
  // Case-insensitive lookup; null when unknown.
  const IndexTypeInfo* Find(std::string_view name) const;
  std::vector<std::string> Names() const;  // sorted

  // Creates an empty index of `type` (InvalidArgument for an unknown type or bad parameters).
  Result<std::unique_ptr<VectorIndex>> Create(std::string_view type, const IndexSpec& spec,
                                              const ParamMap& build_params) const;
  // Creates an index of the type recorded in `image` (written by VectorIndex::Serialize) and loads
  // it. Corruption for damaged images or unknown types.
  Result<std::unique_ptr<VectorIndex>> Load(std::string_view image) const;

 private:
  std::map<std::string, IndexTypeInfo, std::less<>> types_;  // not locked: filled before main()
};

// Parameter helpers shared by index types. Absent -> `def`; a non-integer or a value outside
// [lo, hi] -> InvalidArgument "invalid <kind> parameter <name>=<value>: must be an integer in
// [lo, hi]".
Result<int64_t> ParseIntParam(const ParamMap& params, const std::string& name, int64_t def,
                              int64_t lo, int64_t hi, std::string_view kind = "index");

}  // namespace elanus::index

#define ELANUS_INDEX_CONCAT_INNER_(a, b) a##b
#define ELANUS_INDEX_CONCAT_(a, b) ELANUS_INDEX_CONCAT_INNER_(a, b)
// Registers an IndexTypeInfo expression at static-initialization time. Use once per type, at
// namespace scope in the type's .cc file.
#define ELANUS_REGISTER_INDEX_TYPE(info_expr)                                                  \
  [[maybe_unused]] static const bool ELANUS_INDEX_CONCAT_(kElanusIndexRegistered_, __LINE__) = \
      ::elanus::index::IndexRegistry::Global().Register(info_expr)
