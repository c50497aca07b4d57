// elanus_bench: measurements of the engine through its public C++ API, driven by bench/run.py.
//
//   elanus_bench flat --base B.fbin --queries Q.fbin --metric L2|IP|COSINE --k 10 --threads N
//                     [--nq-batch 1] [--out ids.ibin]
//       Loads B into a fresh collection (sealed), searches every query of Q (nq-batch at a time)
//       and prints {"build_seconds", "qps", "ids"}: ids of the top-k per query in an .ibin file
//       (u32 n, u32 k, n*k int32), so the harness computes recall itself.
//   elanus_bench insert --rows 1000000 --dim 128 --batch 1000 [--sync 1] [--backend dir|file]
//       Inserts random rows in batches, each acknowledged after the log is synced; prints
//       {"rows", "seconds", "rows_per_second"}.
//   elanus_bench index --type HNSW|HNSW_SQ|IVF_FLAT|IVF_SQ8|... --base B.fbin --queries Q.fbin
//                      --metric L2 --k 10 --threads N --clients C [--param M=16 ...]
//                      [--sweep ef=10,20,40] [--runs R] [--out-dir D]
//       Builds the index type from the registry (src/index) once with N threads, then times one
//       pass over the queries per sweep value (one query per call, C client threads, best of R).
//       Prints {"build_seconds", "index_bytes", "rss_delta_bytes", "points": [{"params", "qps",
//       "latency_p50_ms", "latency_p99_ms", "ids"}, ...]} (tool/index_sweep.cc).
//   elanus_bench filtered ... [--attr sel_rank.i64] [--filters "sel_rank < 1000;sel_rank < 10000"]
//       The same through the engine: a collection (id, vec, sel_rank INT64), insert, flush,
//       CreateIndex, WaitForIndexes, then Engine::Search with each filter string and sweep value
//       (tool/filtered_sweep.cc). --attr: raw little-endian int64, one per base row.
//   elanus_bench compaction [--rows 200000] [--dim 128] [--segments 4] [--ef 64] [--threads 2]
//                           [--window-seconds 3]
//       Clustered random rows in S indexed sealed segments; one client searches before, during
//       and after Engine::Compact; then the merged segment without its index. Prints QPS,
//       p50/p99 latency and recall@10 per window (tool/compaction_handoff.cc).
//
// .fbin: u32 n, u32 dim, n*dim float32 (little-endian).
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "elanus/engine.h"
#include "tool/bench_util.h"
#include "tool/sweep.h"

namespace {

using Clock = std::chrono::steady_clock;
using elanus::bench::Die;
using elanus::bench::Matrix;
using elanus::bench::ReadFbin;
using elanus::bench::TempDir;

elanus::CollectionSchema Schema(uint32_t dim) {
  elanus::CollectionSchema s;
  s.name = "bench";
  s.fields = {
      elanus::FieldSchema{.name = "id", .type = elanus::DataType::kInt64, .is_primary_key = true},
      elanus::FieldSchema{.name = "vec", .type = elanus::DataType::kFloatVector, .dim = dim}};
  return s;
}

int Flat(std::map<std::string, std::string>& a) {
  Matrix base, queries;
  if (!ReadFbin(a["base"], &base)) return Die("cannot read --base " + a["base"]);
  if (!ReadFbin(a["queries"], &queries)) return Die("cannot read --queries " + a["queries"]);
  if (base.dim != queries.dim) return Die("base and queries differ in dim");
  int k = std::stoi(a.count("k") ? a["k"] : "10");
  int batch = std::stoi(a.count("nq-batch") ? a["nq-batch"] : "1");
  std::string dir = TempDir();
  elanus::EngineOptions o;
  o.path = dir + "/data";
  o.threads = std::stoul(a.count("threads") ? a["threads"] : "1");
  o.sync = false;
  auto e = elanus::Engine::Open(o);
  if (!e.ok()) return Die(e.status().ToString());
  auto t0 = Clock::now();
  if (auto st = (*e)->CreateCollection("default", Schema(base.dim)); !st.ok())
    return Die(st.ToString());
  for (uint32_t start = 0; start < base.n; start += 10000) {
    uint32_t n = std::min<uint32_t>(10000, base.n - start);
    elanus::FieldColumn ids{.name = "id", .type = elanus::DataType::kInt64};
    elanus::FieldColumn vec{.name = "vec", .type = elanus::DataType::kFloatVector, .dim = base.dim};
    for (uint32_t i = 0; i < n; ++i) ids.ints.push_back(start + i);
    vec.floats.assign(base.data.begin() + size_t{start} * base.dim,
                      base.data.begin() + size_t{start + n} * base.dim);
    auto r = (*e)->Insert("default", "bench", "", {ids, vec});
    if (!r.ok()) return Die(r.status().ToString());
  }
  if (auto st = (*e)->Flush("default", "bench"); !st.ok()) return Die(st.ToString());
  double build = std::chrono::duration<double>(Clock::now() - t0).count();

  elanus::SearchRequest req;
  req.collection = "bench";
  req.metric = elanus::ParseMetricType(a.count("metric") ? a["metric"] : "L2");
  req.limit = k;
  std::vector<int32_t> out(size_t{queries.n} * k, -1);
  auto t1 = Clock::now();
  for (uint32_t q = 0; q < queries.n; q += batch) {
    uint32_t nq = std::min<uint32_t>(batch, queries.n - q);
    req.queries = elanus::FieldColumn{.type = elanus::DataType::kFloatVector, .dim = queries.dim};
    req.queries.floats.assign(queries.data.begin() + size_t{q} * queries.dim,
                              queries.data.begin() + size_t{q + nq} * queries.dim);
    auto r = (*e)->Search(req);
    if (!r.ok()) return Die(r.status().ToString());
    size_t pos = 0;
    for (uint32_t i = 0; i < nq; ++i) {
      for (int64_t j = 0; j < r->topks[i]; ++j)
        out[size_t{q + i} * k + j] = static_cast<int32_t>(r->ids.ints[pos + j]);
      pos += r->topks[i];
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - t1).count();
  std::string ids_path = a.count("out") ? a["out"] : dir + "/ids.ibin";
  {
    std::ofstream f(ids_path, std::ios::binary);
    uint32_t hdr[2] = {queries.n, static_cast<uint32_t>(k)};
    f.write(reinterpret_cast<const char*>(hdr), 8);
    f.write(reinterpret_cast<const char*>(out.data()), out.size() * 4);
  }
  e->reset();
  std::filesystem::remove_all(dir + "/data");
  std::printf(
      "{\"build_seconds\": %.6f, \"qps\": %.3f, \"search_seconds\": %.6f, \"ids\": \"%s\"}\n",
      build, queries.n / secs, secs, ids_path.c_str());
  return 0;
}

int Insert(std::map<std::string, std::string>& a) {
  size_t rows = std::stoul(a.count("rows") ? a["rows"] : "1000000");
  uint32_t dim = std::stoul(a.count("dim") ? a["dim"] : "128");
  size_t batch = std::stoul(a.count("batch") ? a["batch"] : "1000");
  std::string dir = TempDir();
  elanus::EngineOptions o;
  bool file = a.count("backend") && a["backend"] == "file";
  o.backend =
      file ? elanus::EngineOptions::Backend::kSingleFile : elanus::EngineOptions::Backend::kDataDir;
  o.path = dir + (file ? "/lite.db" : "/data");
  o.sync = !a.count("sync") || a["sync"] != "0";
  auto e = elanus::Engine::Open(o);
  if (!e.ok()) return Die(e.status().ToString());
  if (auto st = (*e)->CreateCollection("default", Schema(dim)); !st.ok()) return Die(st.ToString());
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  // Pre-generate batches so generation is not timed.
  std::vector<float> pool(size_t{dim} * batch * 4);
  for (float& x : pool) x = u(rng);
  auto t0 = Clock::now();
  for (size_t start = 0; start < rows; start += batch) {
    size_t n = std::min(batch, rows - start);
    elanus::FieldColumn ids{.name = "id", .type = elanus::DataType::kInt64};
    elanus::FieldColumn vec{.name = "vec", .type = elanus::DataType::kFloatVector, .dim = dim};
    ids.ints.resize(n);
    for (size_t i = 0; i < n; ++i) ids.ints[i] = static_cast<int64_t>(start + i);
    size_t off = (start / batch % 4) * dim * batch;
    vec.floats.assign(pool.begin() + off, pool.begin() + off + n * dim);
    auto r = (*e)->Insert("default", "bench", "", {ids, vec});
    if (!r.ok()) return Die(r.status().ToString());
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  e->reset();
  std::filesystem::remove_all(dir);
  std::printf(
      "{\"rows\": %zu, \"dim\": %u, \"batch\": %zu, \"sync\": %s, \"backend\": \"%s\", "
      "\"seconds\": %.3f, \"rows_per_second\": %.1f}\n",
      rows, dim, batch, o.sync ? "true" : "false", file ? "file" : "dir", secs, rows / secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return Die("usage: elanus_bench flat|insert|index|filtered|compaction --key value ...");
  std::map<std::string, std::string> a;
  for (int i = 2; i < argc; i += 2) {
    if (std::strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc)
      return Die(std::string("bad argument ") + argv[i] + " (expected --name value)");
    std::string key = argv[i] + 2, val = argv[i + 1];
    if (key == "param") {  // repeated: --param M=16 --param efConstruction=200
      size_t eq = val.find('=');
      if (eq == std::string::npos || eq == 0)
        return Die("bad --param " + val + ", expected key=value");
      key = "param." + val.substr(0, eq);
      val = val.substr(eq + 1);
    }
    a[key] = val;
  }
  std::string cmd = argv[1];
  try {
    if (cmd == "flat") return Flat(a);
    if (cmd == "insert") return Insert(a);
    if (cmd == "index") return elanus::bench::IndexSweep(a);
    if (cmd == "filtered") return elanus::bench::FilteredSweep(a);
    if (cmd == "compaction") return elanus::bench::CompactionHandoff(a);
  } catch (const std::exception& ex) {  // std::stoi on a malformed number
    return Die(std::string("bad numeric argument: ") + ex.what());
  }
  return Die("unknown command " + cmd);
}
