#include "bench_util.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace elanus::bench {

bool ReadFbin(const std::string& path, Matrix* m) {
  std::ifstream f(path, std::ios::binary);
  if (!f.read(reinterpret_cast<char*>(&m->n), 4) || !f.read(reinterpret_cast<char*>(&m->dim), 4))
    return false;
  m->data.resize(size_t{m->n} * m->dim);
  return static_cast<bool>(f.read(reinterpret_cast<char*>(m->data.data()), m->data.size() * 4));
}

bool ReadI64(const std::string& path, std::vector<int64_t>* out) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return false;
  auto bytes = static_cast<size_t>(f.tellg());
  if (bytes % 8 != 0) return false;
  out->resize(bytes / 8);
  f.seekg(0);
  return static_cast<bool>(f.read(reinterpret_cast<char*>(out->data()), bytes));
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return false;
  out->resize(static_cast<size_t>(f.tellg()));
  f.seekg(0);
  return static_cast<bool>(f.read(out->data(), static_cast<std::streamsize>(out->size())));
}

bool WriteWholeFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(f.flush());
}

bool WriteIbin(const std::string& path, uint32_t n, uint32_t k, const std::vector<int32_t>& ids) {
  std::ofstream f(path, std::ios::binary);
  uint32_t hdr[2] = {n, k};
  f.write(reinterpret_cast<const char*>(hdr), 8);
  f.write(reinterpret_cast<const char*>(ids.data()), static_cast<std::streamsize>(ids.size() * 4));
  return static_cast<bool>(f);
}

int Die(const std::string& what) {
  std::fprintf(stderr, "elanus_bench: %s\n", what.c_str());
  return 1;
}

std::string Get(const Args& a, const std::string& key, const std::string& def) {
  auto it = a.find(key);
  return it == a.end() ? def : it->second;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string TempDir() {
  char tmpl[] = "/tmp/elanus_bench_XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "/tmp";
}

size_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

TimedRun RunQueries(uint32_t nq, int k, int clients, const SearchFn& search) {
  using Clock = std::chrono::steady_clock;
  TimedRun r;
  r.ids.assign(size_t{nq} * k, -1);
  std::vector<double> lat(nq, 0);
  std::vector<std::string> errors(clients);
  auto work = [&](int t) {
    for (uint32_t q = t; q < nq; q += clients) {
      auto s = Clock::now();
      std::string err = search(q, r.ids.data() + size_t{q} * k);
      lat[q] = std::chrono::duration<double, std::milli>(Clock::now() - s).count();
      if (!err.empty()) {
        errors[t] = err;
        return;
      }
    }
  };
  auto t0 = Clock::now();
  if (clients <= 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) threads.emplace_back(work, t);
    for (auto& th : threads) th.join();
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (auto& e : errors)
    if (!e.empty() && r.error.empty()) r.error = e;
  std::sort(lat.begin(), lat.end());
  if (nq > 0) {
    r.p50_ms = lat[nq / 2];
    r.p99_ms = lat[std::min<size_t>(nq - 1, static_cast<size_t>(nq * 0.99))];
  }
  return r;
}

TimedRun BestOf(int runs, uint32_t nq, int k, int clients, const SearchFn& search) {
  std::vector<int32_t> scratch(k);
  for (uint32_t q = 0; q < std::min<uint32_t>(10, nq); ++q) {
    if (std::string err = search(q, scratch.data()); !err.empty()) {
      TimedRun r;
      r.error = err;
      return r;
    }
  }
  TimedRun best;
  for (int i = 0; i < std::max(1, runs); ++i) {
    TimedRun r = RunQueries(nq, k, clients, search);
    if (!r.error.empty()) return r;
    if (i == 0 || r.seconds < best.seconds) best = std::move(r);
    if (best.seconds > 2.0) break;  // slow points: one timed run is enough
  }
  return best;
}

}  // namespace elanus::bench
