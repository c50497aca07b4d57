#include "index/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "simd/distance.h"

namespace elanus::index {
namespace {

constexpr size_t kAssignChunk = 4096;
// k-means++ seeding reads the whole sample once per centre (k passes); above this k that cost more
// than the Lloyd iterations (fashion-mnist, k = 979: 29% of the build), so larger k starts from
// random distinct rows, as FAISS does for every k.
constexpr size_t kMaxSeededK = 256;

}  // namespace

void ParallelChunks(size_t n, size_t chunk, ThreadPool* pool,
                    const std::function<void(size_t, size_t)>& fn) {
  const size_t chunks = (n + chunk - 1) / chunk;
  auto run = [&](size_t c) { fn(c * chunk, std::min(n, (c + 1) * chunk)); };
  if (pool == nullptr) {
    for (size_t c = 0; c < chunks; ++c) run(c);
  } else {
    pool->ParallelFor(chunks, run);
  }
}

void AssignNearest(const float* data, size_t n, const float* centroids, size_t k, size_t dim,
                   uint32_t* out, ThreadPool* pool) {
  // Each call packs the centroids (k * dim floats) once: chunks are large enough to amortize it,
  // and there are still a few per thread.
  const size_t threads = pool == nullptr ? 1 : std::max<size_t>(1, pool->size());
  const size_t chunk = std::max(kAssignChunk, (n + 4 * threads - 1) / (4 * threads));
  ParallelChunks(n, chunk, pool, [&](size_t begin, size_t end) {
    simd::NearestL2(data + begin * dim, end - begin, centroids, k, dim, out + begin);
  });
}

std::vector<size_t> SampleRowIds(size_t n, size_t m, std::mt19937_64* rng) {
  std::vector<size_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0);
  for (size_t i = 0; i < m; ++i) std::swap(ids[i], ids[i + (*rng)() % (n - i)]);
  ids.resize(m);
  return ids;
}

std::vector<float> TrainKMeans(const float* data, size_t n, size_t dim, size_t k,
                               const KMeansOptions& options, ThreadPool* pool) {
  k = std::min(k, n);
  if (k == 0) return {};
  std::mt19937_64 rng(options.seed);
  // Training sample: a random subset of rows, copied contiguously.
  const size_t m = std::min(n, std::max(k, k * options.max_points_per_centroid));
  const std::vector<size_t> perm = SampleRowIds(n, m, &rng);
  std::vector<float> sample(m * dim);
  for (size_t i = 0; i < m; ++i) {
    std::copy_n(data + perm[i] * dim, dim, sample.data() + i * dim);
  }
  std::vector<float> cent(k * dim);
  if (k <= kMaxSeededK) {  // k-means++: each next centre drawn with probability ~ D(x)^2
    std::vector<float> best(m, std::numeric_limits<float>::infinity());
    size_t pick = rng() % m;
    for (size_t c = 0; c < k; ++c) {
      std::copy_n(sample.data() + pick * dim, dim, cent.data() + c * dim);
      double total = 0;
      ParallelChunks(m, 4096, pool, [&](size_t b, size_t e) {
        std::vector<float> d(e - b);
        simd::L2SqrBatch(cent.data() + c * dim, sample.data() + b * dim, e - b, dim, d.data());
        for (size_t i = b; i < e; ++i) best[i] = std::min(best[i], d[i - b]);
      });
      for (size_t i = 0; i < m; ++i) total += best[i];
      if (total <= 0) {
        pick = rng() % m;
        continue;
      }
      double r = std::uniform_real_distribution<double>(0, total)(rng);
      pick = m - 1;
      for (size_t i = 0; i < m; ++i) {
        r -= best[i];
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    }
  } else {  // the first k rows of the random permutation: distinct random rows
    std::copy_n(sample.data(), k * dim, cent.data());
  }
  std::vector<uint32_t> assign(m);
  std::vector<double> sums(k * dim);
  std::vector<size_t> counts(k);
  for (int it = 0; it < options.iterations; ++it) {
    AssignNearest(sample.data(), m, cent.data(), k, dim, assign.data(), pool);
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = 0; i < m; ++i) {
      ++counts[assign[i]];
      double* s = sums.data() + assign[i] * dim;
      const float* x = sample.data() + i * dim;
      for (size_t j = 0; j < dim; ++j) s[j] += x[j];
    }
    for (size_t c = 0; c < k; ++c) {
      float* ce = cent.data() + c * dim;
      if (counts[c] == 0) {  // empty: re-seed from a random sample row
        std::copy_n(sample.data() + (rng() % m) * dim, dim, ce);
        continue;
      }
      double norm2 = 0;
      for (size_t j = 0; j < dim; ++j) norm2 += sums[c * dim + j] * sums[c * dim + j];
      // Mean, or for spherical k-means the mean's direction (unless the rows cancel out).
      const double scale = options.spherical && norm2 > 0 ? 1.0 / std::sqrt(norm2)
                                                          : 1.0 / static_cast<double>(counts[c]);
      for (size_t j = 0; j < dim; ++j) ce[j] = static_cast<float>(sums[c * dim + j] * scale);
    }
  }
  return cent;
}

}  // namespace elanus::index
