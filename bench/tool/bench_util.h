// Shared pieces of elanus_bench: .fbin/.ibin files, command-line values, the timed query loop and
// the JSON it prints. Benchmark-only code (not part of the engine).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace elanus::bench {

using Args = std::map<std::string, std::string>;

struct Matrix {
  uint32_t n = 0, dim = 0;
  std::vector<float> data;
  const float* Row(size_t i) const { return data.data() + i * dim; }
};

bool ReadFbin(const std::string& path, Matrix* m);
// Raw little-endian int64 values, one per row (the harness writes scalar columns this way).
bool ReadI64(const std::string& path, std::vector<int64_t>* out);
// The whole file as bytes / a file holding exactly `data`.
bool ReadWholeFile(const std::string& path, std::string* out);
bool WriteWholeFile(const std::string& path, const std::string& data);
bool WriteIbin(const std::string& path, uint32_t n, uint32_t k, const std::vector<int32_t>& ids);

int Die(const std::string& what);
std::string Get(const Args& a, const std::string& key, const std::string& def);
std::vector<std::string> Split(const std::string& s, char sep);
std::string TempDir();
// Resident set size of this process (bytes), from /proc/self/statm.
size_t RssBytes();
std::string JsonEscape(const std::string& s);

// Runs every query once through `search(q, out_ids)` (which writes k ids, -1 padded) from
// `clients` threads, query i on thread i % clients, one query per call.
struct TimedRun {
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  std::vector<int32_t> ids;  // nq * k
  std::string error;         // first failure, if any
};
using SearchFn = std::function<std::string(uint32_t q, int32_t* out_ids)>;  // "" = ok
TimedRun RunQueries(uint32_t nq, int k, int clients, const SearchFn& search);
// `runs` timed runs (after 10 untimed warm-up queries), the fastest kept.
TimedRun BestOf(int runs, uint32_t nq, int k, int clients, const SearchFn& search);

}  // namespace elanus::bench
