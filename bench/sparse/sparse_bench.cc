// sparse_bench: builds SPARSE_INVERTED_INDEX over synthetic sparse vectors (dimension ids drawn
// from a Zipf(1.1) law over --dims ids, --nnz non-zeros per row, query --qnnz non-zeros) and
// prints one JSON line per configuration: build seconds, memory, recall@k against the exact
// (TAAT_NAIVE, drop ratios 0) results, and single-thread QPS by wall and thread-CPU time.
//
//   sparse_bench --n 100000 --dims 30000 --nnz 60 --qnnz 12 --nq 200 --k 10 [--idf 1]
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>

#include "elanus/column.h"
#include "index/index_registry.h"
#include "types/value_codec.h"

using elanus::SparseVector;
using elanus::index::IndexRegistry;
using elanus::index::Neighbor;
using elanus::index::ParamMap;

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// --idf 1 scales each value by log(1 + dims / (d + 1)): frequent dimensions get small weights, as
// in BM25 / learned sparse embeddings. --idf 0 (default): weights independent of frequency.
bool g_idf = false;

SparseVector Draw(std::mt19937_64& rng, const std::vector<double>& cdf, int nnz) {
  std::uniform_real_distribution<double> u(0, 1);
  std::map<uint32_t, float> m;
  while (static_cast<int>(m.size()) < nnz) {
    const auto d =
        static_cast<uint32_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
    const uint32_t dim = std::min<uint32_t>(d, static_cast<uint32_t>(cdf.size() - 1));
    const double scale =
        g_idf ? std::log(1.0 + static_cast<double>(cdf.size()) / (dim + 1.0)) : 1.0;
    m[dim] = static_cast<float>((0.05 + u(rng)) * scale);
  }
  SparseVector v;
  for (auto [d, x] : m) {
    v.indices.push_back(d);
    v.values.push_back(x);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {{"n", "100000"}, {"dims", "30000"}, {"nnz", "60"},
                                              {"qnnz", "12"},  {"nq", "200"},     {"k", "10"}};
  for (int i = 1; i + 1 < argc; i += 2) flags[std::string(argv[i]).substr(2)] = argv[i + 1];
  const int64_t n = std::stoll(flags["n"]), nq = std::stoll(flags["nq"]),
                k = std::stoll(flags["k"]);
  const int dims = std::stoi(flags["dims"]), nnz = std::stoi(flags["nnz"]);
  const int qnnz = std::stoi(flags["qnnz"]);
  g_idf = flags.count("idf") > 0 && flags["idf"] == "1";
  std::vector<double> cdf(static_cast<size_t>(dims));
  double total = 0;
  for (int d = 0; d < dims; ++d) cdf[static_cast<size_t>(d)] = total += 1.0 / std::pow(d + 1, 1.1);
  for (double& c : cdf) c /= total;
  std::mt19937_64 rng(42);
  std::vector<std::string> encoded;
  for (int64_t i = 0; i < n; ++i)
    encoded.push_back(elanus::types::EncodeSparse(Draw(rng, cdf, nnz)));
  std::vector<std::string_view> rows(encoded.begin(), encoded.end());
  std::vector<SparseVector> queries;
  for (int64_t i = 0; i < nq; ++i) queries.push_back(Draw(rng, cdf, qnnz));

  const elanus::index::IndexSpec spec{elanus::DataType::kSparseFloatVector, 0,
                                      elanus::MetricType::kIP};
  std::vector<std::vector<Neighbor>> truth;
  struct Config {
    const char* algo;
    ParamMap search;
  };
  const Config configs[] = {{"TAAT_NAIVE", {}},
                            {"DAAT_MAXSCORE", {}},
                            {"DAAT_MAXSCORE", {{"drop_ratio_search", "0.2"}}},
                            {"DAAT_MAXSCORE", {{"dim_max_score_ratio", "0.8"}}}};
  for (const Config& c : configs) {
    auto index = IndexRegistry::Global().Create("SPARSE_INVERTED_INDEX", spec,
                                                {{"inverted_index_algo", c.algo}});
    if (!index.ok()) {
      std::fprintf(stderr, "%s\n", index.status().ToString().c_str());
      return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    if (!(*index)->Build(rows.data(), n, nullptr).ok()) return 1;
    const double build =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto sp = (*index)->ParseSearchParams(c.search, k);
    if (!sp.ok()) return 1;
    std::vector<std::vector<Neighbor>> results(static_cast<size_t>(nq));
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    for (int64_t i = 0; i < nq; ++i) {
      if (!(*index)
               ->Search(&queries[static_cast<size_t>(i)], k, nullptr, *sp,
                        &results[static_cast<size_t>(i)])
               .ok()) {
        return 1;
      }
    }
    const double cpu = CpuSeconds() - c0;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    if (truth.empty()) truth = results;  // TAAT_NAIVE without drops is exact
    double hits = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      std::set<int64_t> t;
      for (const auto& nb : truth[i]) t.insert(nb.row);
      for (const auto& nb : results[i]) hits += static_cast<double>(t.count(nb.row));
    }
    std::string params;
    for (const auto& [key, v] : c.search) params += "\"" + key + "\":" + v;
    std::printf(
        "{\"index\":\"SPARSE_INVERTED_INDEX\",\"algo\":\"%s\",\"search_params\":{%s},\"n\":%lld,"
        "\"build_seconds\":%.3f,\"memory_bytes\":%zu,\"k\":%lld,\"nq\":%lld,\"recall\":%.4f,"
        "\"qps\":%.1f,\"qps_cpu\":%.1f}\n",
        c.algo, params.c_str(), static_cast<long long>(n), build, (*index)->MemoryBytes(),
        static_cast<long long>(k), static_cast<long long>(nq), hits / static_cast<double>(nq * k),
        static_cast<double>(nq) / wall, static_cast<double>(nq) / cpu);
  }
  return 0;
}
