// elanus_bench compaction: search latency and recall before, during and after a compaction of
// indexed sealed segments, with one client searching all along; plus the latency of the merged
// segment searched without its index (what a search meets when an output is swapped in before
// its index is built).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "elanus/engine.h"
#include "simd/distance.h"
#include "sweep.h"

namespace elanus::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One timed search: when it started (seconds since the run began), its latency and recall.
struct Sample {
  double at = 0, ms = 0, recall = 0;
};

struct Window {
  size_t n = 0;
  double qps = 0, p50_ms = 0, p99_ms = 0, recall = 0;
};

Window Summarize(std::vector<Sample> s, double seconds) {
  Window w;
  w.n = s.size();
  if (s.empty()) return w;
  std::sort(s.begin(), s.end(), [](const Sample& a, const Sample& b) { return a.ms < b.ms; });
  w.qps = seconds > 0 ? static_cast<double>(s.size()) / seconds : 0;
  w.p50_ms = s[s.size() / 2].ms;
  w.p99_ms = s[std::min(s.size() - 1, s.size() * 99 / 100)].ms;
  for (const Sample& x : s) w.recall += x.recall;
  w.recall /= static_cast<double>(s.size());
  return w;
}

std::string WindowJson(const char* name, const Window& w) {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "\"%s\": {\"queries\": %zu, \"qps\": %.1f, \"latency_p50_ms\": %.3f, "
                "\"latency_p99_ms\": %.3f, \"recall\": %.4f}",
                name, w.n, w.qps, w.p50_ms, w.p99_ms, w.recall);
  return buf;
}

}  // namespace

int CompactionHandoff(const Args& a) {
  const uint32_t rows = std::stoul(Get(a, "rows", "200000"));
  const uint32_t dim = std::stoul(Get(a, "dim", "128"));
  const uint32_t segments = std::stoul(Get(a, "segments", "4"));
  const uint32_t nq = std::stoul(Get(a, "nq", "200"));
  const int k = 10;
  const double window_s = std::stod(Get(a, "window-seconds", "3"));
  if (rows == 0 || dim == 0 || segments == 0 || nq == 0) return Die("sizes must be positive");
  // Clustered rows (64 Gaussian clusters) and queries drawn like them, seeded.
  std::mt19937 rng(42);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> centers(64 * size_t{dim});
  for (float& c : centers) c = 4.0f * g(rng);
  auto draw = [&](float* out) {
    const float* c = centers.data() + (rng() % 64) * size_t{dim};
    for (uint32_t d = 0; d < dim; ++d) out[d] = c[d] + g(rng);
  };
  std::vector<float> base(size_t{rows} * dim), queries(size_t{nq} * dim);
  for (uint32_t i = 0; i < rows; ++i) draw(base.data() + size_t{i} * dim);
  for (uint32_t i = 0; i < nq; ++i) draw(queries.data() + size_t{i} * dim);
  // Exact top-k per query.
  std::vector<std::vector<int64_t>> truth(nq);
  for (uint32_t q = 0; q < nq; ++q) {
    std::vector<std::pair<float, int64_t>> d(rows);
    for (uint32_t i = 0; i < rows; ++i)
      d[i] = {simd::L2Sqr(queries.data() + size_t{q} * dim, base.data() + size_t{i} * dim, dim), i};
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    for (int j = 0; j < k; ++j) truth[q].push_back(d[j].second);
  }

  struct DirGuard {
    std::string dir;
    ~DirGuard() { std::filesystem::remove_all(dir); }
  } guard{TempDir()};
  EngineOptions o;
  o.path = guard.dir + "/data";
  o.threads = std::stoul(Get(a, "threads", "2"));
  o.sync = false;
  o.compact_min_segments = 0;  // only the compaction this tool asks for
  auto opened = Engine::Open(o);
  if (!opened.ok()) return Die(opened.status().ToString());
  Engine& e = **opened;
  CollectionSchema schema;
  schema.name = "bench";
  schema.fields = {FieldSchema{.name = "id", .type = DataType::kInt64, .is_primary_key = true},
                   FieldSchema{.name = "vec", .type = DataType::kFloatVector, .dim = dim}};
  if (auto st = e.CreateCollection("default", schema); !st.ok()) return Die(st.ToString());
  IndexParams ip;
  ip.field_name = "vec";
  ip.index_type = "HNSW";
  ip.metric = MetricType::kL2;
  ip.params = {{"M", Get(a, "M", "16")}, {"efConstruction", Get(a, "efConstruction", "100")}};
  if (auto st = e.CreateIndex("default", "bench", ip); !st.ok()) return Die(st.ToString());
  const uint32_t per_segment = (rows + segments - 1) / segments;
  for (uint32_t start = 0; start < rows; start += per_segment) {
    const uint32_t n = std::min(per_segment, rows - start);
    FieldColumn ids{.name = "id", .type = DataType::kInt64};
    FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = dim};
    for (uint32_t i = 0; i < n; ++i) ids.ints.push_back(start + i);
    vec.floats.assign(base.data() + size_t{start} * dim, base.data() + size_t{start + n} * dim);
    if (auto r = e.Insert("default", "bench", "", {ids, vec}); !r.ok())
      return Die(r.status().ToString());
    if (auto st = e.Flush("default", "bench"); !st.ok()) return Die(st.ToString());
  }
  if (auto st = e.WaitForIndexes("default", "bench"); !st.ok()) return Die(st.ToString());

  const std::string ef = Get(a, "ef", "64");
  auto search_one = [&](uint32_t q, Sample* s) -> std::string {
    SearchRequest req;
    req.collection = "bench";
    req.metric = MetricType::kL2;
    req.limit = k;
    req.search_params["ef"] = ef;
    req.queries = FieldColumn{.type = DataType::kFloatVector, .dim = dim};
    req.queries.floats.assign(queries.data() + size_t{q} * dim,
                              queries.data() + size_t{q + 1} * dim);
    auto t = Clock::now();
    auto res = e.Search(req);
    s->ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    if (!res.ok()) return res.status().ToString();
    int hits = 0;
    for (int64_t id : res->ids.ints)
      hits += std::find(truth[q].begin(), truth[q].end(), id) != truth[q].end();
    s->recall = static_cast<double>(hits) / k;
    return "";
  };

  // One client searches from `t0` until told to stop; the main thread compacts in between.
  const auto t0 = Clock::now();
  auto since = [&](Clock::time_point t) { return std::chrono::duration<double>(t - t0).count(); };
  std::vector<Sample> samples;
  std::string error;
  std::atomic<bool> stop{false};
  std::thread client([&] {
    for (uint32_t i = 0; !stop.load(); ++i) {
      Sample s;
      s.at = since(Clock::now());
      std::string err = search_one(i % nq, &s);
      if (!err.empty()) {
        error = err;
        return;
      }
      samples.push_back(s);
    }
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(window_s));
  const double c_begin = since(Clock::now());
  auto plans = e.Compact("default", "bench", CompactOptions{});
  const double c_end = since(Clock::now());
  std::this_thread::sleep_for(std::chrono::duration<double>(window_s));
  stop = true;
  client.join();
  if (!error.empty()) return Die(error);
  if (!plans.ok()) return Die(plans.status().ToString());
  const double t_end = since(Clock::now());
  std::vector<Sample> before, during, after;
  for (const Sample& s : samples) {
    (s.at < c_begin ? before : s.at < c_end ? during : after).push_back(s);
  }
  auto stats = e.GetCollectionStats("default", "bench");
  if (!stats.ok()) return Die(stats.status().ToString());

  // The merged segment without its index: an exact scan per search.
  if (auto st = e.DropIndex("default", "bench", "vec"); !st.ok()) return Die(st.ToString());
  std::vector<Sample> exact;
  const auto x0 = Clock::now();
  for (uint32_t q = 0; q < std::min<uint32_t>(nq, 50); ++q) {
    Sample s;
    if (std::string err = search_one(q, &s); !err.empty()) return Die(err);
    exact.push_back(s);
  }
  const double x_s = since(Clock::now()) - since(x0);

  std::printf(
      "{\"rows\": %u, \"dim\": %u, \"segments_before\": %u, \"sealed_segments_after\": %zu, "
      "\"ef\": %s, \"engine_threads\": %zu, \"compact_seconds\": %.3f, %s, %s, %s, %s, "
      "\"active_target\": \"%s\"}\n",
      rows, dim, segments, stats->sealed_segments, ef.c_str(), o.threads, c_end - c_begin,
      WindowJson("before", Summarize(before, c_begin)).c_str(),
      WindowJson("during", Summarize(during, c_end - c_begin)).c_str(),
      WindowJson("after", Summarize(after, t_end - c_end)).c_str(),
      WindowJson("merged_without_index", Summarize(exact, x_s)).c_str(), simd::ActiveTarget());
  return 0;
}

}  // namespace elanus::bench
