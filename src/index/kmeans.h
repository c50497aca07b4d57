// K-means clustering for IVF coarse quantizers (L2). Deterministic for a given seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "common/thread_pool.h"

namespace elanus::index {

struct KMeansOptions {
  int iterations = 10;                   // Lloyd iterations
  size_t max_points_per_centroid = 256;  // training sample = min(n, k * this)
  uint64_t seed = 1234;
  // Spherical k-means: every centroid is scaled to unit length after each update (rows should be
  // unit length too, as COSINE rows are). FAISS trains inner-product IVF quantizers this way.
  bool spherical = false;
};

// Trains min(k, n) centroids on data [n][dim] (row-major) and returns them as [k'][dim]. Uses
// k-means++ seeding for k <= 256 (random distinct rows above), then Lloyd iterations on a random
// sample; empty clusters are re-seeded from random sample rows. `pool` may be null.
std::vector<float> TrainKMeans(const float* data, size_t n, size_t dim, size_t k,
                               const KMeansOptions& options, ThreadPool* pool);

// fn(begin, end) over [0, n) in chunks of `chunk` rows, spread over the pool (inline without one).
void ParallelChunks(size_t n, size_t chunk, ThreadPool* pool,
                    const std::function<void(size_t, size_t)>& fn);

// A uniform random sample of m distinct row ids out of [0, n) (m <= n), in the order drawn: the
// first m steps of a Fisher-Yates shuffle driven by `rng` (advanced by exactly m draws).
std::vector<size_t> SampleRowIds(size_t n, size_t m, std::mt19937_64* rng);

// out[i] = index of the centroid nearest (L2) to row i. data: [n][dim]; centroids: [k][dim], k > 0.
void AssignNearest(const float* data, size_t n, const float* centroids, size_t k, size_t dim,
                   uint32_t* out, ThreadPool* pool);

}  // namespace elanus::index
