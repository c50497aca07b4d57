// ann_bench: ANN benchmark for one Elanus index type on .fbin/.ibin files.
//
//   ann_bench --index HNSW --base B.fbin --queries Q.fbin --gt G.ibin --metric L2
//             --M 16 --efConstruction 200 --ef 10,20,40,80,160 --threads 1
//   ann_bench --index IVF_FLAT ... --nlist 1024 --nprobe 1,4,16,64
//
// Files: .fbin = u32 n, u32 dim, n*dim float32; .ibin = u32 n, u32 k, n*k int32 (row-major, LE).
// Builds the index with --threads threads (1 = the calling thread only) and prints one JSON line
// for the build, then one per search-parameter value: recall@k against the ground truth's first k
// ids, and QPS of nq single queries issued sequentially on one thread (nq = 1 per call).
// Optional: --k (default 10), --nq (limit the number of queries), --repeat R (search passes; the
// best pass is reported), --index-file F (load the index from F if it exists, else build and save
// it there; the build line then reports "loaded":true and the load time).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/thread_pool.h"
#include "index/index_registry.h"

namespace {

using elanus::index::IndexRegistry;
using elanus::index::Neighbor;
using elanus::index::ParamMap;
using elanus::index::SearchParams;
using elanus::index::VectorIndex;

template <typename T>
bool ReadBin(const std::string& path, std::vector<T>* data, uint32_t* rows, uint32_t* cols) {
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(rows), 4) || !in.read(reinterpret_cast<char*>(cols), 4)) {
    std::fprintf(stderr, "ann_bench: cannot read header of %s\n", path.c_str());
    return false;
  }
  data->resize(static_cast<size_t>(*rows) * *cols);
  if (!in.read(reinterpret_cast<char*>(data->data()),
               static_cast<std::streamsize>(data->size() * sizeof(T)))) {
    std::fprintf(stderr, "ann_bench: %s is truncated\n", path.c_str());
    return false;
  }
  return true;
}

std::vector<int64_t> ParseList(const std::string& s) {
  std::vector<int64_t> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(std::stoll(s.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return out;
}

// CPU time of the calling thread: less sensitive than wall time to other processes on a shared
// machine (both are reported).
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int Usage() {
  std::fprintf(stderr,
               "usage: ann_bench --index HNSW|IVF_FLAT|FLAT --base B.fbin --queries Q.fbin "
               "--gt G.ibin [--metric L2|IP|COSINE] [--M 16] [--efConstruction 200] "
               "[--ef 10,20,...] [--nlist N] [--m M --nbits B (IVF_PQ)] [--nprobe 1,2,...] "
               "[--threads 1] [--k 10] [--nq N] "
               "[--repeat 1] [--index-file F]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {{"index", "HNSW"}, {"metric", "L2"}, {"threads", "1"},
                                              {"k", "10"},       {"repeat", "1"},  {"nq", "0"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strncmp(argv[i], "--", 2) != 0) return Usage();
    flags[argv[i] + 2] = argv[i + 1];
  }
  if ((argc - 1) % 2 != 0 || !flags.count("base") || !flags.count("queries") ||
      !flags.count("gt")) {
    return Usage();
  }
  std::vector<float> base, queries;
  std::vector<int32_t> gt;
  uint32_t n, dim, nq, qdim, gn, gk;
  if (!ReadBin(flags["base"], &base, &n, &dim) ||
      !ReadBin(flags["queries"], &queries, &nq, &qdim) || !ReadBin(flags["gt"], &gt, &gn, &gk)) {
    return 1;
  }
  const int64_t k = std::stoll(flags["k"]);
  if (qdim != dim || gn < nq || gk < k) {
    std::fprintf(stderr, "ann_bench: inconsistent files (dim %u/%u, gt %ux%u, nq %u, k %lld)\n",
                 dim, qdim, gn, gk, nq, static_cast<long long>(k));
    return 1;
  }
  if (int64_t limit = std::stoll(flags["nq"]); limit > 0 && limit < nq)
    nq = static_cast<uint32_t>(limit);

  elanus::MetricType metric = elanus::MetricType::kL2;
  if (flags["metric"] == "IP") metric = elanus::MetricType::kIP;
  if (flags["metric"] == "COSINE") metric = elanus::MetricType::kCosine;
  const std::string type = flags["index"];
  ParamMap build_params;
  for (const char* key : {"M", "efConstruction", "nlist", "m", "nbits"}) {
    if (flags.count(key)) build_params[key] = flags[key];
  }
  auto created = IndexRegistry::Global().Create(type, {elanus::DataType::kFloatVector, dim, metric},
                                                build_params);
  if (!created.ok()) {
    std::fprintf(stderr, "ann_bench: %s\n", created.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<VectorIndex> index = std::move(created).value();

  const int threads = std::max(1, std::stoi(flags["threads"]));
  std::unique_ptr<elanus::ThreadPool> pool;
  if (threads > 1) pool = std::make_unique<elanus::ThreadPool>(threads - 1);  // + calling thread
  auto t0 = std::chrono::steady_clock::now();
  const double build_cpu0 = ThreadCpuSeconds();
  elanus::Status st;
  bool loaded = false;
  if (flags.count("index-file")) {  // reuse a saved index (same data and parameters!)
    std::ifstream in(flags["index-file"], std::ios::binary);
    if (in) {
      std::string image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto r = IndexRegistry::Global().Load(image);
      if (!r.ok()) {
        std::fprintf(stderr, "ann_bench: loading %s: %s\n", flags["index-file"].c_str(),
                     r.status().ToString().c_str());
        return 1;
      }
      index = std::move(r).value();
      loaded = true;
    }
  }
  if (!loaded) st = index->Build(base.data(), n, pool.get());
  const double build_cpu = ThreadCpuSeconds() - build_cpu0;  // calling thread only
  auto t1 = std::chrono::steady_clock::now();
  if (!st.ok()) {
    std::fprintf(stderr, "ann_bench: build failed: %s\n", st.ToString().c_str());
    return 1;
  }
  if (!loaded && flags.count("index-file")) {
    std::string image;
    if (!index->Serialize(&image).ok()) return 1;
    std::ofstream(flags["index-file"], std::ios::binary) << image;
  }
  std::printf(
      "{\"event\":\"build\",\"index\":\"%s\",\"n\":%u,\"dim\":%u,\"metric\":\"%s\",\"params\":{",
      type.c_str(), n, dim, flags["metric"].c_str());
  bool first = true;
  for (const auto& [key, value] : build_params) {
    std::printf("%s\"%s\":%s", first ? "" : ",", key.c_str(), value.c_str());
    first = false;
  }
  std::printf(
      "},\"threads\":%d,\"loaded\":%s,\"build_seconds\":%.3f,\"build_cpu_seconds_main_thread\":%."
      "3f,"
      "\"memory_bytes\":%zu}\n",
      threads, loaded ? "true" : "false", Seconds(t0, t1), build_cpu, index->MemoryBytes());
  std::fflush(stdout);

  std::string param_name = type.find("IVF") != std::string::npos ? "nprobe" : "ef";
  std::vector<int64_t> values = {0};
  if (flags.count(param_name)) values = ParseList(flags[param_name]);
  const int repeat = std::max(1, std::stoi(flags["repeat"]));
  std::vector<Neighbor> out;
  for (int64_t v : values) {
    SearchParams sp;
    (param_name == "ef" ? sp.ef : sp.nprobe) = v;
    double best = 1e100, best_cpu = 1e100;
    std::vector<int64_t> found(static_cast<size_t>(nq) * static_cast<size_t>(k), -1);
    for (int r = 0; r < repeat; ++r) {
      auto s0 = std::chrono::steady_clock::now();
      const double c0 = ThreadCpuSeconds();
      for (uint32_t i = 0; i < nq; ++i) {
        st = index->Search(queries.data() + static_cast<size_t>(i) * dim, k, nullptr, sp, &out);
        if (!st.ok()) {
          std::fprintf(stderr, "ann_bench: search failed: %s\n", st.ToString().c_str());
          return 1;
        }
        for (size_t j = 0; j < out.size(); ++j) found[i * static_cast<size_t>(k) + j] = out[j].row;
      }
      best = std::min(best, Seconds(s0, std::chrono::steady_clock::now()));
      best_cpu = std::min(best_cpu, ThreadCpuSeconds() - c0);
    }
    size_t hits = 0;  // recall is computed outside the timed loop
    for (uint32_t i = 0; i < nq; ++i) {
      const int32_t* truth = gt.data() + static_cast<size_t>(i) * gk;
      std::set<int64_t> t(truth, truth + k);
      for (int64_t j = 0; j < k; ++j) hits += t.count(found[i * static_cast<size_t>(k) + j]);
    }
    std::printf(
        "{\"event\":\"search\",\"index\":\"%s\",\"%s\":%lld,\"k\":%lld,\"nq\":%u,\"recall\":%.4f,"
        "\"qps\":%.1f,\"qps_cpu\":%.1f,\"mean_latency_us\":%.2f}\n",
        type.c_str(), param_name.c_str(), static_cast<long long>(v), static_cast<long long>(k), nq,
        static_cast<double>(hits) / (static_cast<double>(nq) * static_cast<double>(k)), nq / best,
        nq / best_cpu, best / nq * 1e6);
    std::fflush(stdout);
  }
  return 0;
}
