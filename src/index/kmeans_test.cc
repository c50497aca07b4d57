// K-means helpers: the training-row sample and clustering of well-separated data.
#include "index/kmeans.h"

#include <gtest/gtest.h>

#include <set>

namespace elanus::index {
namespace {

TEST(KMeansTest, SampleRowIdsIsADistinctReproducibleSample) {
  std::mt19937_64 a(7), b(7);
  const std::vector<size_t> s = SampleRowIds(1000, 300, &a);
  ASSERT_EQ(s.size(), 300u);
  std::set<size_t> distinct(s.begin(), s.end());
  EXPECT_EQ(distinct.size(), 300u);
  EXPECT_LT(*distinct.rbegin(), 1000u);
  EXPECT_EQ(SampleRowIds(1000, 300, &b), s);  // same seed, same sample
  EXPECT_EQ(a(), b());                        // and the generators advanced alike
  std::mt19937_64 c(7);
  const std::vector<size_t> all = SampleRowIds(50, 50, &c);  // m = n: a permutation
  EXPECT_EQ(std::set<size_t>(all.begin(), all.end()).size(), 50u);
  EXPECT_TRUE(SampleRowIds(10, 0, &c).empty());
}

TEST(KMeansTest, FindsWellSeparatedClusters) {
  // Four tight clusters at distance 100 from each other in 8 dims.
  const size_t dim = 8, per = 200;
  std::vector<float> data;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
  for (size_t c = 0; c < 4; ++c) {
    for (size_t i = 0; i < per; ++i) {
      for (size_t j = 0; j < dim; ++j) data.push_back((j == c ? 100.0f : 0.0f) + noise(rng));
    }
  }
  const std::vector<float> cent = TrainKMeans(data.data(), 4 * per, dim, 4, {}, nullptr);
  ASSERT_EQ(cent.size(), 4 * dim);
  std::vector<uint32_t> assign(4 * per);
  AssignNearest(data.data(), 4 * per, cent.data(), 4, dim, assign.data(), nullptr);
  for (size_t c = 0; c < 4; ++c) {  // every cluster maps to one centroid, a different one each
    for (size_t i = 1; i < per; ++i) EXPECT_EQ(assign[c * per + i], assign[c * per]);
  }
  EXPECT_EQ(std::set<uint32_t>(assign.begin(), assign.end()).size(), 4u);
}

}  // namespace
}  // namespace elanus::index
