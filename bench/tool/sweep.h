// The two sweeping modes of elanus_bench: build once, then one timed pass over the queries per
// search-parameter value (and per filter), printing one JSON object with a "points" list.
#pragma once

#include "bench_util.h"

namespace elanus::bench {

// elanus_bench index: an index type from the registry (src/index), driven directly.
int IndexSweep(const Args& a);
// elanus_bench filtered: the engine (Engine::Search with a filter string), index built by the
// engine, filter evaluated by the engine's expression path.
int FilteredSweep(const Args& a);
// elanus_bench compaction: search latency/recall before, during and after Engine::Compact of
// indexed sealed segments (tool/compaction_handoff.cc).
int CompactionHandoff(const Args& a);

// "--sweep ef=10,20,40" -> name "ef", values {"10","20","40"}; empty sweep -> one point, no params.
struct Sweep {
  std::string name;
  std::vector<std::string> values;
};
bool ParseSweep(const std::string& text, Sweep* out);
// Build parameters: every "--param key=value" is collected by main() as "param.key".
std::map<std::string, std::string> BuildParams(const Args& a);
// One point of the "points" list.
std::string PointJson(const std::string& param_json, const std::string& filter, uint32_t nq,
                      const TimedRun& r, const std::string& ids_path);

}  // namespace elanus::bench
