// Search and query execution over a ReadSet (segment snapshots) at a snapshot timestamp.
#pragma once

#include <vector>

#include "common/bitset.h"
#include "common/thread_pool.h"
#include "elanus/engine.h"
#include "engine/collection.h"
#include "index/vector_index.h"

namespace elanus::engine {

// Rows that pass the filter, one bitset per ReadSet segment over its snapshot rows; null = all.
using FilterBits = std::vector<Bitset>;

struct PreparedSearch {
  size_t field_pos = 0;  // the ANN field's position in the schema
  MetricType metric = MetricType::kNone;
  size_t nq = 0;
  size_t topk = 0;         // offset + limit
  bool use_index = false;  // the field has a vector index (used where built)
  index::SearchParams index_params;
};

// The field a search runs on: `anns_field`, or the collection's only vector field when empty.
Result<const FieldSchema*> ResolveAnnsField(const CollectionSchema& schema,
                                            const std::string& anns_field);

// Validates the request against the schema and the field's index definition if any (field, type,
// dim, nq, limit, metric, range, output fields, index search parameters such as ef/nprobe) and
// fills `out`. Every error names the parameter and the rule.
Status PrepareSearch(const CollectionSchema& schema, const std::vector<IndexDef>& indexes,
                     const SearchRequest& req, PreparedSearch* out);

// Exact search; `filter` may be null. Results ordered best first, ties by smaller primary key.
Result<SearchResult> ExecuteSearch(const CollectionSchema& schema, const SearchRequest& req,
                                   const PreparedSearch& prep, const ReadSet& rs,
                                   const FilterBits* filter, uint64_t ts, ThreadPool* pool);

// Grouping search (req.group_by_field set): validates the group field and size, then searches
// a growing candidate list until each query's wanted groups are full or the hits run out.
Result<SearchResult> ExecuteGroupedSearch(const CollectionSchema& schema,
                                          const std::vector<IndexDef>& indexes,
                                          const SearchRequest& req, const ReadSet& rs,
                                          const FilterBits* filter, uint64_t ts, ThreadPool* pool);

Result<QueryResult> ExecuteQuery(const CollectionSchema& schema, const QueryRequest& req,
                                 const ReadSet& rs, const FilterBits* filter, uint64_t ts);

// Resolves output field names: "*" means every field; names outside the schema are dynamic keys
// (allowed when the dynamic field is on). Returns schema positions and the dynamic keys.
Status ResolveOutputFields(const CollectionSchema& schema, const std::vector<std::string>& names,
                           bool include_pk, std::vector<size_t>* positions,
                           std::vector<std::string>* dynamic_keys);

}  // namespace elanus::engine
