// K-means helpers: the training-row sample and clustering of well-separated data.
#include "index/kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
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

TEST(KMeansTest, SphericalCentroidsAreUnitDirectionsOfTheirClusters) {
  // Unit rows around three axes in 6 dims; plain means are shorter than 1, spherical ones are not.
  const size_t dim = 6, per = 300;
  std::vector<float> data;
  std::mt19937_64 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  for (size_t c = 0; c < 3; ++c) {
    for (size_t i = 0; i < per; ++i) {
      std::vector<float> x(dim);
      double n2 = 0;
      for (size_t j = 0; j < dim; ++j) {
        x[j] = (j == 2 * c ? 1.0f : 0.0f) + noise(rng);
        n2 += double{x[j]} * x[j];
      }
      for (float v : x) data.push_back(static_cast<float>(v / std::sqrt(n2)));
    }
  }
  auto norms = [&](const std::vector<float>& cent) {
    std::vector<double> out;
    for (size_t c = 0; c < cent.size() / dim; ++c) {
      double n2 = 0;
      for (size_t j = 0; j < dim; ++j) n2 += double{cent[c * dim + j]} * cent[c * dim + j];
      out.push_back(std::sqrt(n2));
    }
    return out;
  };
  const std::vector<float> plain = TrainKMeans(data.data(), 3 * per, dim, 3, {}, nullptr);
  const std::vector<float> sph =
      TrainKMeans(data.data(), 3 * per, dim, 3, KMeansOptions{.spherical = true}, nullptr);
  ASSERT_EQ(sph.size(), 3 * dim);
  for (double n : norms(plain)) EXPECT_LT(n, 0.95);
  for (double n : norms(sph)) EXPECT_NEAR(n, 1.0, 1e-5);
  // Each spherical centroid points along one of the three axes.
  std::set<size_t> axes;
  for (size_t c = 0; c < 3; ++c) {
    size_t best = 0;
    for (size_t j = 1; j < dim; ++j)
      if (sph[c * dim + j] > sph[c * dim + best]) best = j;
    EXPECT_GT(sph[c * dim + best], 0.9f);
    axes.insert(best);
  }
  EXPECT_EQ(axes, (std::set<size_t>{0, 2, 4}));
}

}  // namespace
}  // namespace elanus::index
