#include "engine/filter.h"

#include <algorithm>

#include "expr/evaluator.h"

namespace elanus::engine {

Result<std::unique_ptr<const expr::Plan>> CompileFilter(const CollectionSchema& schema,
                                                        const std::string& filter,
                                                        const std::string& params_json) {
  if (filter.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (!params_json.empty() && params_json != "{}") {
      return Status::InvalidArgument("filter parameters given without a filter expression");
    }
    return std::unique_ptr<const expr::Plan>();
  }
  expr::TemplateParams params;
  if (!params_json.empty()) {
    ELANUS_ASSIGN_OR_RETURN(params, expr::ParseTemplateParamsJson(params_json));
  }
  auto plan = expr::Compile(filter, schema, params);
  if (!plan.ok()) return plan.status().WithContext("filter \"" + filter + "\"");
  if ((*plan)->MatchesAll()) return std::unique_ptr<const expr::Plan>();
  return std::move(plan).value();
}

std::vector<std::string> PrunePartitions(const Collection& coll, const expr::Plan* plan,
                                         const std::vector<std::string>& requested, bool* none) {
  *none = false;
  if (plan == nullptr || coll.schema().PartitionKey() == nullptr) return requested;
  const auto& values = plan->PartitionKeyValues();
  if (!values) return requested;
  std::vector<std::string> names = coll.PartitionsForKeys(*values);
  if (!requested.empty()) {
    std::erase_if(names, [&](const std::string& n) {
      return std::find(requested.begin(), requested.end(), n) == requested.end();
    });
  }
  *none = names.empty();
  return names;
}

Result<FilterBits> EvaluateFilter(const expr::Plan* plan, const CollectionSchema& schema,
                                  const ReadSet& rs, ThreadPool* pool, FilterCache* cache,
                                  const std::string& cache_key) {
  FilterBits bits;
  if (plan == nullptr) return bits;
  bits.reserve(rs.segments.size());
  struct Task {
    size_t seg, chunk;
  };
  std::vector<Task> tasks;
  // Sealed segments whose snapshot holds every row: their result may come from, or go to, the
  // cache (a snapshot taken just before the seal has the same rows only when it is complete).
  std::vector<bool> store(rs.segments.size(), false);
  for (size_t s = 0; s < rs.segments.size(); ++s) {
    const SegmentRead& sr = rs.segments[s];
    const bool cacheable = cache != nullptr && sr.segment->sealed() && sr.snap.chunks.size() == 1 &&
                           sr.snap.rows == sr.segment->NumRows();
    if (cacheable) {
      if (auto hit = cache->Get(sr.segment->id(), cache_key);
          hit != nullptr && hit->size() == sr.snap.rows) {
        bits.push_back(*hit);
        continue;
      }
      store[s] = true;
    }
    bits.emplace_back(sr.snap.rows);
    for (size_t c = 0; c < sr.snap.chunks.size(); ++c) tasks.push_back({s, c});
  }
  // Chunks of one segment write disjoint bit ranges, but may share a 64-bit word at their
  // boundary; chunk starts are multiples of 1024 rows (or 0), so words are never shared.
  // Sealed segments with scalar indexes get their own evaluator: the leaves an index answers are
  // computed once, from the index; growing segments always read the columns.
  std::vector<std::unique_ptr<expr::Evaluator>> evals(rs.segments.size());
  ELANUS_ASSIGN_OR_RETURN(auto plain, expr::Evaluator::Create(*plan, schema));
  for (const Task& t : tasks) {
    const Segment::Snapshot& snap = rs.segments[t.seg].snap;
    if (evals[t.seg] != nullptr || snap.chunks.size() != 1 || snap.scalar_indexes.empty()) continue;
    ELANUS_ASSIGN_OR_RETURN(
        evals[t.seg], expr::Evaluator::Create(*plan, schema, &snap.scalar_indexes, snap.rows));
  }
  std::vector<Status> errors(tasks.size());
  auto run = [&](size_t t) {
    const Task& task = tasks[t];
    const expr::Evaluator& e = evals[task.seg] ? *evals[task.seg] : *plain;
    errors[t] = e.Evaluate(rs.segments[task.seg].snap.chunks[task.chunk], &bits[task.seg]);
  };
  if (pool != nullptr && tasks.size() > 1) {
    pool->ParallelFor(tasks.size(), run);
  } else {
    for (size_t t = 0; t < tasks.size(); ++t) run(t);
  }
  for (const Status& st : errors) ELANUS_RETURN_IF_ERROR(st);
  for (size_t s = 0; s < rs.segments.size(); ++s) {
    if (store[s])
      cache->Put(rs.segments[s].segment->id(), cache_key, std::make_shared<const Bitset>(bits[s]));
  }
  return bits;
}

Result<FilterExplain> EstimateFilter(const expr::Plan* plan, const CollectionSchema& schema,
                                     const ReadSet& rs) {
  FilterExplain out;
  out.segments = rs.segments.size();
  for (const SegmentRead& sr : rs.segments) out.rows += sr.snap.rows;
  if (plan == nullptr) return out;
  out.plan = plan->ToString();
  if (out.rows == 0) return out;
  double passing = 0;
  for (const SegmentRead& sr : rs.segments) {
    const Segment::Snapshot& snap = sr.snap;
    if (snap.rows == 0 || snap.chunks.empty()) continue;
    const bool sealed = snap.chunks.size() == 1 && !snap.scalar_indexes.empty();
    ELANUS_ASSIGN_OR_RETURN(
        auto eval, sealed ? expr::Evaluator::Create(*plan, schema, &snap.scalar_indexes, snap.rows)
                          : expr::Evaluator::Create(*plan, schema));
    out.leaves += eval->leaves();
    out.indexed_leaves += eval->indexed_leaves();
    if (eval->indexed_leaves() > 0) ++out.indexed_segments;
    types::ChunkView chunk = snap.chunks[0];
    const bool exact = eval->leaves() > 0 && eval->indexed_leaves() == eval->leaves();
    if (!exact) chunk.rows = std::min(chunk.rows, kEstimateSampleRows);
    Bitset bits(chunk.row_begin + chunk.rows);
    ELANUS_RETURN_IF_ERROR(eval->Evaluate(chunk, &bits));
    double fraction = chunk.rows == 0 ? 0 : static_cast<double>(bits.count()) / chunk.rows;
    passing += fraction * static_cast<double>(snap.rows);
    (exact ? out.exact_rows : out.sampled_rows) += exact ? snap.rows : chunk.rows;
  }
  out.estimated_selectivity = std::clamp(passing / static_cast<double>(out.rows), 0.0, 1.0);
  return out;
}

}  // namespace elanus::engine
