// Filters in the read and delete paths: compile a request's expression once, prune partitions by
// the partition key, and evaluate the plan over every segment snapshot into bitsets.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/collection.h"
#include "engine/read_path.h"
#include "expr/expr.h"

namespace elanus::engine {

// Compiles `filter` (empty: null plan, meaning all rows) with template parameters given as a JSON
// object text (empty: none).
Result<std::unique_ptr<const expr::Plan>> CompileFilter(const CollectionSchema& schema,
                                                        const std::string& filter,
                                                        const std::string& params_json);

// The partitions to read: the requested ones, narrowed to those the plan's partition-key values
// hash to. Sets *none when no partition can match.
std::vector<std::string> PrunePartitions(const Collection& coll, const expr::Plan* plan,
                                         const std::vector<std::string>& requested, bool* none);

// One bitset per ReadSet segment over its snapshot rows. Null plan: returns an empty vector.
Result<FilterBits> EvaluateFilter(const expr::Plan* plan, const CollectionSchema& schema,
                                  const ReadSet& rs, ThreadPool* pool);

}  // namespace elanus::engine
