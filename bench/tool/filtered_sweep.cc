#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "elanus/engine.h"
#include "simd/distance.h"
#include "sweep.h"

namespace elanus::bench {
namespace {

CollectionSchema Schema(uint32_t dim, bool with_attr) {
  CollectionSchema s;
  s.name = "bench";
  s.fields = {FieldSchema{.name = "id", .type = DataType::kInt64, .is_primary_key = true},
              FieldSchema{.name = "vec", .type = DataType::kFloatVector, .dim = dim}};
  if (with_attr) s.fields.push_back(FieldSchema{.name = "sel_rank", .type = DataType::kInt64});
  return s;
}

}  // namespace

int FilteredSweep(const Args& a) {
  using Clock = std::chrono::steady_clock;
  Matrix base, queries;
  if (!ReadFbin(Get(a, "base", ""), &base)) return Die("cannot read --base " + Get(a, "base", ""));
  if (!ReadFbin(Get(a, "queries", ""), &queries))
    return Die("cannot read --queries " + Get(a, "queries", ""));
  if (base.dim != queries.dim) return Die("--base and --queries differ in dim");
  std::vector<int64_t> attr;
  bool with_attr = !Get(a, "attr", "").empty();
  if (with_attr && !ReadI64(Get(a, "attr", ""), &attr))
    return Die("cannot read --attr " + Get(a, "attr", ""));
  if (with_attr && attr.size() != base.n)
    return Die("--attr has " + std::to_string(attr.size()) + " values, --base " +
               std::to_string(base.n) + " rows");
  std::vector<std::string> filters = Split(Get(a, "filters", ""), ';');
  if (filters.empty()) filters.push_back("");
  int k = std::stoi(Get(a, "k", "10"));
  int clients = std::stoi(Get(a, "clients", "1"));
  int runs = std::stoi(Get(a, "runs", "1"));
  Sweep sweep;
  if (!ParseSweep(Get(a, "sweep", ""), &sweep)) return Die("bad --sweep, expected name=v1,v2,...");
  MetricType metric = ParseMetricType(Get(a, "metric", "L2"));
  if (metric == MetricType::kNone) return Die("unknown --metric " + Get(a, "metric", ""));

  // Removed on every return, after the engine (declared later, so destroyed first) is closed.
  struct DirGuard {
    std::string dir;
    ~DirGuard() { std::filesystem::remove_all(dir); }
  } guard{TempDir()};
  const std::string& dir = guard.dir;
  EngineOptions o;
  o.path = dir + "/data";
  o.threads = std::stoul(Get(a, "threads", "1"));
  o.sync = false;
  o.filter_cache_bytes = std::stoull(Get(a, "filter-cache-mb", "64")) << 20;
  auto opened = Engine::Open(o);
  if (!opened.ok()) return Die(opened.status().ToString());
  Engine& e = **opened;
  size_t rss0 = RssBytes();
  auto t0 = Clock::now();
  if (auto st = e.CreateCollection("default", Schema(base.dim, with_attr)); !st.ok())
    return Die(st.ToString());
  for (uint32_t start = 0; start < base.n; start += 10000) {
    uint32_t n = std::min<uint32_t>(10000, base.n - start);
    FieldColumn ids{.name = "id", .type = DataType::kInt64};
    FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = base.dim};
    for (uint32_t i = 0; i < n; ++i) ids.ints.push_back(start + i);
    vec.floats.assign(base.Row(start), base.Row(start) + size_t{n} * base.dim);
    std::vector<FieldColumn> cols = {ids, vec};
    if (with_attr) {
      FieldColumn rank{.name = "sel_rank", .type = DataType::kInt64};
      rank.ints.assign(attr.begin() + start, attr.begin() + start + n);
      cols.push_back(std::move(rank));
    }
    auto r = e.Insert("default", "bench", "", cols);
    if (!r.ok()) return Die(r.status().ToString());
  }
  if (auto st = e.Flush("default", "bench"); !st.ok()) return Die(st.ToString());
  // --compact: merge the sealed segments before the index is built, as VectorDBBench's Milvus
  // client does (insert, flush, compact, wait for the index). Counted in build_seconds.
  const bool compact = Get(a, "compact", "0") != "0";
  if (compact) {
    if (auto st = e.Compact("default", "bench"); !st.ok()) return Die(st.ToString());
  }
  IndexParams ip;
  ip.field_name = "vec";
  ip.index_type = Get(a, "type", "HNSW");
  ip.metric = metric;
  ip.params = BuildParams(a);
  if (auto st = e.CreateIndex("default", "bench", ip); !st.ok()) return Die(st.ToString());
  if (auto st = e.WaitForIndexes("default", "bench"); !st.ok()) return Die(st.ToString());
  auto info = e.DescribeIndexes("default", "bench");
  if (!info.ok()) return Die(info.status().ToString());
  for (const auto& i : *info)
    if (!i.fail_reason.empty() || !i.finished) return Die("index build failed: " + i.fail_reason);
  double build = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t rss1 = RssBytes();
  auto stats = e.GetCollectionStats("default", "bench");
  if (!stats.ok()) return Die(stats.status().ToString());

  std::string out_dir = Get(a, "out-dir", ".");
  std::string points;
  size_t point = 0;
  for (const std::string& filter : filters) {
    for (size_t p = 0; p < sweep.values.size(); ++p) {
      SearchRequest req;
      req.collection = "bench";
      req.metric = metric;
      req.limit = k;
      req.filter = filter;
      std::string pj = "{}";
      if (!sweep.name.empty()) {
        req.search_params[sweep.name] = sweep.values[p];
        pj = "{\"" + JsonEscape(sweep.name) + "\": " + sweep.values[p] + "}";
      }
      SearchFn fn = [&](uint32_t q, int32_t* out) -> std::string {
        SearchRequest r = req;  // per call, as a server request would be
        r.queries = FieldColumn{.type = DataType::kFloatVector, .dim = queries.dim};
        r.queries.floats.assign(queries.Row(q), queries.Row(q) + queries.dim);
        auto res = e.Search(r);
        if (!res.ok()) return res.status().ToString();
        for (int64_t j = 0; j < res->topks[0] && j < k; ++j)
          out[j] = static_cast<int32_t>(res->ids.ints[j]);
        return "";
      };
      if (point == 0) RunQueries(queries.n, k, 1, fn);  // untimed pass after build
      TimedRun r = BestOf(runs, queries.n, k, clients, fn);
      if (!r.error.empty()) return Die(r.error);
      std::string ids_path = out_dir + "/ids-" + std::to_string(point) + ".ibin";
      if (!WriteIbin(ids_path, queries.n, k, r.ids)) return Die("cannot write " + ids_path);
      points += (point ? ", " : "") + PointJson(pj, filter, queries.n, r, ids_path);
      ++point;
    }
  }
  std::printf(
      "{\"type\": \"%s\", \"path\": \"Engine::Search\", \"build_seconds\": %.6f, "
      "\"rss_delta_bytes\": %zu, \"sealed_segments\": %zu, \"engine_threads\": %zu, \"clients\": "
      "%d, \"filter_cache_bytes\": %zu, \"compacted\": %s, \"active_target\": \"%s\", "
      "\"points\": [%s]}\n",
      JsonEscape(ip.index_type).c_str(), build, rss1 > rss0 ? rss1 - rss0 : 0,
      stats->sealed_segments, o.threads, clients, o.filter_cache_bytes, compact ? "true" : "false",
      simd::ActiveTarget(), points.c_str());
  return 0;
}

}  // namespace elanus::bench
