// TopK: the bounded heap every exact and IVF scan pushes its rows through.
#include "index/index_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace elanus::index {
namespace {

// Keeps the k smallest (distance, row) pairs, NaN ranked as +inf, best first: the same as
// sorting everything pushed, for every k, with ties and NaN among the distances.
TEST(TopKTest, KeepsTheKSmallestPairsWithTiesAndNaN) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> level(0, 20);  // few distinct values: many ties
  for (size_t k : {0, 1, 2, 5, 64}) {
    for (int trial = 0; trial < 20; ++trial) {
      TopK top(k);
      std::vector<std::pair<float, int64_t>> all;
      const int n = 1 + trial * 13;
      for (int i = 0; i < n; ++i) {
        const int v = level(rng);
        const float d = v == 0 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(v);
        const int64_t row = static_cast<int64_t>(rng() % 1000);
        top.Push(d, row);
        all.emplace_back(std::isnan(d) ? std::numeric_limits<float>::infinity() : d, row);
      }
      std::sort(all.begin(), all.end());
      all.resize(std::min(all.size(), k));
      EXPECT_EQ(top.size(), all.size());
      EXPECT_EQ(top.Bound(), all.size() == k && k > 0 ? all.back().first
                                                      : std::numeric_limits<float>::infinity());
      std::vector<Neighbor> out;
      top.Drain(MetricType::kL2, &out);  // kL2: scores are the distances
      ASSERT_EQ(out.size(), all.size()) << "k=" << k;
      for (size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].row, all[i].second) << "k=" << k << " i=" << i;
        EXPECT_EQ(out[i].score, all[i].first) << "k=" << k << " i=" << i;
      }
    }
  }
}

}  // namespace
}  // namespace elanus::index
