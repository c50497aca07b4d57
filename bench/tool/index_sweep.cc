#include <chrono>
#include <cstdio>
#include <memory>

#include "common/thread_pool.h"
#include "index/index_registry.h"
#include "simd/distance.h"
#include "sweep.h"

namespace elanus::bench {

bool ParseSweep(const std::string& text, Sweep* out) {
  if (text.empty()) {
    out->values = {""};
    return true;
  }
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  out->name = text.substr(0, eq);
  out->values = Split(text.substr(eq + 1), ',');
  return !out->values.empty();
}

std::map<std::string, std::string> BuildParams(const Args& a) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : a)
    if (k.rfind("param.", 0) == 0) out[k.substr(6)] = v;
  return out;
}

std::string PointJson(const std::string& param_json, const std::string& filter, uint32_t nq,
                      const TimedRun& r, const std::string& ids_path) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "\"qps\": %.3f, \"search_seconds\": %.6f, \"latency_p50_ms\": %.4f, "
                "\"latency_p99_ms\": %.4f, \"ids\": \"%s\"}",
                nq / r.seconds, r.seconds, r.p50_ms, r.p99_ms, JsonEscape(ids_path).c_str());
  std::string out = "{\"params\": " + param_json + ", ";
  if (!filter.empty()) out += "\"filter\": \"" + JsonEscape(filter) + "\", ";
  return out + buf;
}

int IndexSweep(const Args& a) {
  using Clock = std::chrono::steady_clock;
  Matrix base, queries;
  if (!ReadFbin(Get(a, "base", ""), &base)) return Die("cannot read --base " + Get(a, "base", ""));
  if (!ReadFbin(Get(a, "queries", ""), &queries))
    return Die("cannot read --queries " + Get(a, "queries", ""));
  if (base.dim != queries.dim) return Die("--base and --queries differ in dim");
  int k = std::stoi(Get(a, "k", "10"));
  int threads = std::stoi(Get(a, "threads", "1"));
  int clients = std::stoi(Get(a, "clients", "1"));
  int runs = std::stoi(Get(a, "runs", "1"));
  std::string type = Get(a, "type", "HNSW");
  Sweep sweep;
  if (!ParseSweep(Get(a, "sweep", ""), &sweep)) return Die("bad --sweep, expected name=v1,v2,...");
  MetricType metric = ParseMetricType(Get(a, "metric", "L2"));
  if (metric == MetricType::kNone) return Die("unknown --metric " + Get(a, "metric", ""));

  index::IndexSpec spec{DataType::kFloatVector, base.dim, metric};
  auto created = index::IndexRegistry::Global().Create(type, spec, BuildParams(a));
  if (!created.ok()) return Die(created.status().ToString());
  std::unique_ptr<index::VectorIndex> idx = std::move(*created);
  std::unique_ptr<ThreadPool> pool;
  if (threads > 1) pool = std::make_unique<ThreadPool>(threads - 1);  // + the calling thread
  size_t rss0 = RssBytes();
  auto t0 = Clock::now();
  // --load-index reads an image written by --save-index (experiments on one graph skip the
  // build; build_seconds is then the load time); the base rows must be the ones it was built on.
  if (const std::string load = Get(a, "load-index", ""); !load.empty()) {
    std::string image;
    if (!ReadWholeFile(load, &image)) return Die("cannot read --load-index " + load);
    auto loaded = index::IndexRegistry::Global().Load(image);
    if (!loaded.ok()) return Die(loaded.status().ToString());
    if ((*loaded)->TypeName() != idx->TypeName() || (*loaded)->Size() != base.n)
      return Die("--load-index " + load + " is not a " + type + " index of the --base rows");
    idx = std::move(*loaded);
  } else if (auto st = idx->Build(base.data.data(), base.n, pool.get()); !st.ok()) {
    return Die(st.ToString());
  }
  double build = std::chrono::duration<double>(Clock::now() - t0).count();
  if (const std::string save = Get(a, "save-index", ""); !save.empty()) {
    std::string image;
    if (auto st = idx->Serialize(&image); !st.ok()) return Die(st.ToString());
    if (!WriteWholeFile(save, image)) return Die("cannot write --save-index " + save);
  }
  size_t rss1 = RssBytes();
  pool.reset();
  // Searches read the index only: the input rows go, so a large run (10M rows) holds one copy.
  std::vector<float>().swap(base.data);

  std::string dir = Get(a, "out-dir", ".");
  bool warmed = false;
  // One point: `runs` timed passes at search parameter name=value (none when name is empty).
  auto run_point = [&](const std::string& name, const std::string& value, int point_runs,
                       const std::string& ids_path, std::string* json) -> std::string {
    index::ParamMap sp;
    std::string pj = "{}";
    if (!name.empty()) {
      sp[name] = value;
      pj = "{\"" + JsonEscape(name) + "\": " + value + "}";
    }
    auto parsed = idx->ParseSearchParams(sp, k);
    if (!parsed.ok()) return parsed.status().ToString();
    index::SearchParams params = *parsed;
    SearchFn fn = [&](uint32_t q, int32_t* out) -> std::string {
      thread_local std::vector<index::Neighbor> res;
      res.clear();
      auto st = idx->Search(queries.Row(q), k, nullptr, params, &res);
      if (!st.ok()) return st.ToString();
      for (size_t j = 0; j < res.size() && j < static_cast<size_t>(k); ++j)
        out[j] = static_cast<int32_t>(res[j].row);
      return "";
    };
    if (!warmed) RunQueries(queries.n, k, 1, fn);  // untimed pass after build, as for every system
    warmed = true;
    TimedRun r = BestOf(point_runs, queries.n, k, clients, fn);
    if (!r.error.empty()) return r.error;
    if (!WriteIbin(ids_path, queries.n, k, r.ids)) return "cannot write " + ids_path;
    *json = PointJson(pj, "", queries.n, r, ids_path);
    return "";
  };
  if (Get(a, "serve", "0") == "1") {
    // Interleaved benchmarks (bench/ann_interleaved.py): report the build, then answer one
    // "name=value" line on stdin with one point (one timed pass) until "quit" or end of input.
    std::printf(
        "{\"type\": \"%s\", \"build_seconds\": %.6f, \"index_bytes\": %zu, "
        "\"rss_delta_bytes\": %zu, \"active_target\": \"%s\"}\n",
        JsonEscape(type).c_str(), build, idx->MemoryBytes(), rss1 > rss0 ? rss1 - rss0 : 0,
        simd::ActiveTarget());
    std::fflush(stdout);
    char line[256];
    for (int served = 0; std::fgets(line, sizeof line, stdin) != nullptr; ++served) {
      std::string cmd(line);
      while (!cmd.empty() && (cmd.back() == '\n' || cmd.back() == '\r')) cmd.pop_back();
      if (cmd.empty() || cmd == "quit") break;
      const size_t eq = cmd.find('=');
      std::string json;
      const std::string err =
          eq == std::string::npos
              ? "expected name=value, got " + cmd
              : run_point(cmd.substr(0, eq), cmd.substr(eq + 1), 1,
                          dir + "/ids-serve-" + std::to_string(served) + ".ibin", &json);
      if (!err.empty()) return Die(err);
      std::printf("%s\n", json.c_str());
      std::fflush(stdout);
    }
    return 0;
  }
  std::string points;
  for (size_t p = 0; p < sweep.values.size(); ++p) {
    std::string json;
    const std::string err = run_point(sweep.name, sweep.values[p], runs,
                                      dir + "/ids-" + std::to_string(p) + ".ibin", &json);
    if (!err.empty()) return Die(err);
    points += (p ? ", " : "") + json;
  }
  std::printf(
      "{\"type\": \"%s\", \"build_seconds\": %.6f, \"index_bytes\": %zu, \"rss_delta_bytes\": "
      "%zu, \"build_threads\": %d, \"clients\": %d, \"active_target\": \"%s\", \"points\": [%s]}\n",
      JsonEscape(type).c_str(), build, idx->MemoryBytes(), rss1 > rss0 ? rss1 - rss0 : 0, threads,
      clients, simd::ActiveTarget(), points.c_str());
  return 0;
}

}  // namespace elanus::bench
