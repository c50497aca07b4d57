// kernel_bench: are the batch distance kernels memory-bound?
//
// Allocates a float32 buffer far larger than the last-level cache (default 1 GiB), measures the
// single-core read bandwidth over it with a plain SIMD sum (STREAM-style "read" kernel), then runs
// L2SqrBatch / InnerProductBatch (and, for comparison, one L2Sqr call per row) over the same buffer
// viewed as n rows of dim floats, and prints a markdown table of GB/s and kernel/stream ratios.
// Target: batch kernels >= 70% of the read bandwidth.
//
// Usage: kernel_bench [--gib=G] [--reps=R] [--target=NAME|all]
//   --gib     buffer size in GiB (default 1)
//   --reps    timed passes per kernel (default 7); each is preceded by a stream pass
//   --target  restrict dispatch to one SIMD target (e.g. AVX2), or run every available one
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "simd/distance.h"
#include "stream_read.h"

namespace {

using Clock = std::chrono::steady_clock;

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

// Keeps results alive so the compiler cannot drop the work.
volatile float g_sink;

double Seconds(const std::function<void()>& fn) {
  const auto t0 = Clock::now();
  fn();
  const std::chrono::duration<double> dt = Clock::now() - t0;
  return dt.count();
}

struct Row {
  std::string kernel;
  size_t dim;
  double stream_gbps;   // best stream pass interleaved with this kernel's passes
  double gbps;          // best kernel pass
  double median_ratio;  // median over passes of kernel GB/s / stream GB/s of the adjacent pass
};

// The machine may be shared: each kernel pass is paired with a stream pass just before it, so a
// ratio compares the two under the same background load.
Row Measure(const std::string& name, size_t dim, const float* buf, size_t total_floats,
            double kernel_bytes, int reps, const std::function<void()>& kernel) {
  const double stream_bytes = static_cast<double>(total_floats) * sizeof(float);
  Row row{name, dim, 0, 0, 0};
  std::vector<double> ratios;
  for (int r = 0; r < reps; ++r) {
    const double s =
        stream_bytes / Seconds([&] { g_sink = elanus::bench::StreamSum(buf, total_floats); }) / 1e9;
    const double k = kernel_bytes / Seconds(kernel) / 1e9;
    row.stream_gbps = std::max(row.stream_gbps, s);
    row.gbps = std::max(row.gbps, k);
    ratios.push_back(k / s);
  }
  std::sort(ratios.begin(), ratios.end());
  row.median_ratio = ratios[ratios.size() / 2];
  return row;
}

void RunAll(const float* buf, size_t total_floats, int reps) {
  namespace simd = elanus::simd;
  std::vector<Row> rows;
  for (size_t dim : {size_t{128}, size_t{768}, size_t{784}}) {
    const size_t n = total_floats / dim;
    const double kbytes = static_cast<double>(n) * dim * sizeof(float);
    std::vector<float> q(dim), out(n);
    for (size_t j = 0; j < dim; ++j) q[j] = 0.001f * static_cast<float>(j % 97);
    rows.push_back(Measure("L2SqrBatch", dim, buf, total_floats, kbytes, reps, [&] {
      simd::L2SqrBatch(q.data(), buf, n, dim, out.data());
      g_sink = out[n / 2];
    }));
    rows.push_back(Measure("InnerProductBatch", dim, buf, total_floats, kbytes, reps, [&] {
      simd::InnerProductBatch(q.data(), buf, n, dim, out.data());
      g_sink = out[n / 2];
    }));
    rows.push_back(Measure("L2Sqr, one call per row", dim, buf, total_floats, kbytes, reps, [&] {
      for (size_t i = 0; i < n; ++i) out[i] = simd::L2Sqr(q.data(), buf + i * dim, dim);
      g_sink = out[n / 2];
    }));
  }

  std::printf("\nTarget: %s, buffer %.2f GiB, %d passes per kernel, each after a stream pass\n\n",
              simd::ActiveTarget(), static_cast<double>(total_floats) * 4 / (1u << 30), reps);
  std::printf(
      "| kernel | dim | stream GB/s (best) | kernel GB/s (best) | best/best | median pass ratio "
      "|\n|---|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f |\n", r.kernel.c_str(), r.dim,
                r.stream_gbps, r.gbps, r.gbps / r.stream_gbps, r.median_ratio);
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  double gib = 1.0;
  int reps = 7;
  std::string target;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--gib=", 0) == 0) {
      gib = std::atof(arg.c_str() + 6);
    } else if (arg.rfind("--reps=", 0) == 0) {
      reps = std::atoi(arg.c_str() + 7);
    } else if (arg.rfind("--target=", 0) == 0) {
      target = arg.substr(9);
    } else {
      std::fprintf(stderr, "usage: %s [--gib=G] [--reps=R] [--target=NAME|all]\n", argv[0]);
      return 2;
    }
  }
  if (gib <= 0 || reps <= 0) {
    std::fprintf(stderr, "--gib and --reps must be positive\n");
    return 2;
  }

  const size_t total_floats =
      (static_cast<size_t>(gib * (1ull << 30)) / sizeof(float)) / 4096 * 4096;
  std::unique_ptr<float, FreeDeleter> buf(
      static_cast<float*>(std::aligned_alloc(64, total_floats * sizeof(float))));
  if (!buf) {
    std::fprintf(stderr, "cannot allocate %.2f GiB\n", gib);
    return 1;
  }
  // Touch every page (and give the kernels finite, varied data).
  uint32_t x = 12345;
  for (size_t i = 0; i < total_floats; ++i) {
    x = x * 1664525u + 1013904223u;
    buf.get()[i] = static_cast<float>(x >> 8) * (1.0f / 16777216.0f) - 0.5f;
  }

  std::vector<int64_t> targets = elanus::simd::AvailableTargets();
  if (target.empty()) {
    RunAll(buf.get(), total_floats, reps);
    return 0;
  }
  bool ran = false;
  for (int64_t t : targets) {
    if (target != "all" && target != elanus::simd::TargetName(t)) continue;
    elanus::simd::ForceTargetForTest(t);
    RunAll(buf.get(), total_floats, reps);
    elanus::simd::ForceTargetForTest(0);
    ran = true;
  }
  if (!ran) {
    std::fprintf(stderr, "unknown or unavailable target %s\n", target.c_str());
    return 2;
  }
  return 0;
}
