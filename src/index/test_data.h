// Test helpers: fixed-seed clustered data sets, brute-force ground truth and recall.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "common/bitset.h"
#include "index/index_util.h"
#include "index/vector_index.h"
#include "simd/distance.h"

namespace elanus::index::testing {

// n points around `clusters` Gaussian centres in [-1, 1]^dim (sigma 0.15), then nq query points
// drawn the same way.
struct Dataset {
  int64_t n = 0, nq = 0, dim = 0;
  std::vector<float> base, queries;
};

inline Dataset MakeClustered(int64_t n, int64_t nq, int64_t dim, int clusters, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::normal_distribution<float> noise(0.0f, 0.15f);
  std::vector<float> centres(static_cast<size_t>(clusters * dim));
  for (float& c : centres) c = uni(rng);
  Dataset ds{n, nq, dim, {}, {}};
  auto fill = [&](std::vector<float>* v, int64_t rows) {
    v->resize(static_cast<size_t>(rows * dim));
    for (int64_t i = 0; i < rows; ++i) {
      const size_t c = rng() % static_cast<size_t>(clusters);
      for (int64_t j = 0; j < dim; ++j) {
        (*v)[static_cast<size_t>(i * dim + j)] =
            centres[c * static_cast<size_t>(dim) + static_cast<size_t>(j)] + noise(rng);
      }
    }
  };
  fill(&ds.base, n);
  fill(&ds.queries, nq);
  return ds;
}

// Exact top-k rows (by the metric's internal distance) among the allowed rows of base.
inline std::vector<int64_t> BruteForce(const Dataset& ds, MetricType metric, const float* q,
                                       int64_t k, const Bitset* allowed = nullptr) {
  IndexSpec spec{DataType::kFloatVector, ds.dim, metric};
  std::vector<float> qn(static_cast<size_t>(ds.dim)), row(static_cast<size_t>(ds.dim));
  ToFloatRows(spec, q, 1, qn.data());
  TopK top(static_cast<size_t>(k));
  for (int64_t i = 0; i < ds.n; ++i) {
    if (allowed && !allowed->test(static_cast<size_t>(i))) continue;
    ToFloatRows(spec, ds.base.data() + i * ds.dim, 1, row.data());
    const float d =
        metric == MetricType::kL2
            ? simd::ref::L2Sqr(qn.data(), row.data(), static_cast<size_t>(ds.dim))
            : -simd::ref::InnerProduct(qn.data(), row.data(), static_cast<size_t>(ds.dim));
    top.Push(d, i);
  }
  std::vector<Neighbor> res;
  top.Drain(MetricType::kL2, &res);
  std::vector<int64_t> ids;
  for (const auto& r : res) ids.push_back(r.row);
  return ids;
}

// |found ∩ truth| / |truth|.
inline double Recall(const std::vector<Neighbor>& found, const std::vector<int64_t>& truth) {
  if (truth.empty()) return 1.0;
  std::set<int64_t> t(truth.begin(), truth.end());
  size_t hit = 0;
  for (const auto& f : found) hit += t.count(f.row);
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

// A filter with each row allowed independently with probability `fraction`.
inline Bitset RandomFilter(int64_t n, double fraction, uint32_t seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution keep(fraction);
  Bitset b(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) b.assign(static_cast<size_t>(i), keep(rng));
  return b;
}

}  // namespace elanus::index::testing
