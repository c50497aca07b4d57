// Filters in the read and delete paths: compile a request's expression once, prune partitions by
// the partition key, and evaluate the plan over every segment snapshot into bitsets.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/collection.h"
#include "engine/filter_cache.h"
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
// With a cache, sealed segments' results are looked up and stored under `cache_key`, which must
// determine the plan's result over a segment's rows (the filter text, its parameters and the
// schema version it was compiled against).
Result<FilterBits> EvaluateFilter(const expr::Plan* plan, const CollectionSchema& schema,
                                  const ReadSet& rs, ThreadPool* pool, FilterCache* cache = nullptr,
                                  const std::string& cache_key = "");

// Estimates the fraction of rows of `rs` that pass `plan` before any bitset is built. Per
// segment: exact when the segment's scalar indexes answer every leaf (the combination costs
// only word operations), otherwise the plan (using whatever indexes help) is evaluated on a
// sample, the first kEstimateSampleRows rows of the segment. Weighted by segment rows. A null
// plan has selectivity 1.
inline constexpr size_t kEstimateSampleRows = 2048;
Result<FilterExplain> EstimateFilter(const expr::Plan* plan, const CollectionSchema& schema,
                                     const ReadSet& rs);

}  // namespace elanus::engine
