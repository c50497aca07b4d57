// int8, binary, sparse and batch kernels against their references, on every available target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "simd/distance.h"
#include "simd/test_targets.h"

namespace elanus::simd {
namespace {

std::vector<int8_t> RandomI8(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

std::vector<uint8_t> RandomBytes(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> dist(0, 255);
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = static_cast<uint8_t>(dist(rng));
  return v;
}

void CheckI8(const std::vector<int8_t>& a, const std::vector<int8_t>& b) {
  const size_t d = a.size();
  EXPECT_EQ(L2SqrI8(a.data(), b.data(), d), ref::L2SqrI8(a.data(), b.data(), d)) << "d=" << d;
  EXPECT_EQ(InnerProductI8(a.data(), b.data(), d), ref::InnerProductI8(a.data(), b.data(), d))
      << "d=" << d;
  EXPECT_EQ(NormI8(a.data(), d), ref::NormI8(a.data(), d)) << "d=" << d;
  // The four-row kernels, with four different rows (b, a and both reversed) against query a.
  const std::vector<int8_t> rb(b.rbegin(), b.rend()), ra(a.rbegin(), a.rend());
  const int8_t* rows[4] = {b.data(), a.data(), rb.data(), ra.data()};
  float l2[4], ip[4];
  L2SqrI8Rows4(a.data(), rows, d, l2);
  InnerProductI8Rows4(a.data(), rows, d, ip);
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(l2[r], ref::L2SqrI8(a.data(), rows[r], d)) << "d=" << d << " r=" << r;
    EXPECT_EQ(ip[r], ref::InnerProductI8(a.data(), rows[r], d)) << "d=" << d << " r=" << r;
  }
}

TEST(DistanceTest, Int8MatchesReferenceExactly) {
  ForEachTarget([] {
    std::mt19937 rng(10);
    for (size_t d : kDims) CheckI8(RandomI8(d, rng), RandomI8(d, rng));
  });
}

TEST(DistanceTest, Int8ExtremesDoNotOverflow) {
  ForEachTarget([] {
    for (size_t d : kDims) {
      const std::vector<int8_t> lo(d, -128), hi(d, 127);
      CheckI8(lo, hi);
      CheckI8(lo, lo);
      EXPECT_EQ(L2SqrI8(lo.data(), hi.data(), d), 65025.0f * d);
      EXPECT_EQ(InnerProductI8(lo.data(), lo.data(), d), 16384.0f * d);
      EXPECT_EQ(InnerProductI8(lo.data(), hi.data(), d), -16256.0f * d);
    }
    // Past 2^31 in total: 100000 * 255^2 = 6.5e9 needs the int64 accumulation.
    const size_t d = 100000;
    const std::vector<int8_t> lo(d, -128), hi(d, 127);
    EXPECT_EQ(L2SqrI8(lo.data(), hi.data(), d), static_cast<float>(int64_t{65025} * 100000));
    EXPECT_EQ(NormI8(lo.data(), d), static_cast<float>(std::sqrt(16384.0 * 100000)));
    CheckI8(lo, hi);
    std::mt19937 rng(11);
    CheckI8(RandomI8(d, rng), RandomI8(d, rng));
  });
}

TEST(DistanceTest, BinaryMatchesReferenceExactly) {
  ForEachTarget([] {
    std::mt19937 rng(20);
    for (size_t d : kDims) {  // used as byte counts here
      const auto a = RandomBytes(d, rng), b = RandomBytes(d, rng);
      EXPECT_EQ(Hamming(a.data(), b.data(), d), ref::Hamming(a.data(), b.data(), d)) << d;
      EXPECT_EQ(Jaccard(a.data(), b.data(), d), ref::Jaccard(a.data(), b.data(), d)) << d;
      EXPECT_GT(Hamming(a.data(), b.data(), d), 0u) << d;
    }
  });
}

// The batch kernels against the one-row kernels, over blocks whose sizes leave every remainder of
// the four-row grouping (and, for Jaccard, cross its internal 256-row blocks).
TEST(DistanceTest, BatchKernelsEqualTheOneRowKernels) {
  ForEachTarget([] {
    std::mt19937 rng(30);
    for (size_t d : kDims) {
      for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{4}, size_t{7}, size_t{300}}) {
        if (d >= 1000 && n > 7) continue;  // keep the test short
        const auto q8 = RandomI8(d, rng);
        const auto rows8 = RandomI8(n * d, rng);
        std::vector<float> ip(n + 1, -1.0f);
        InnerProductI8Batch(q8.data(), rows8.data(), n, d, ip.data());
        for (size_t i = 0; i < n; ++i) {
          EXPECT_EQ(ip[i], InnerProductI8(q8.data(), rows8.data() + i * d, d)) << d << " " << i;
        }
        EXPECT_EQ(ip[n], -1.0f) << "wrote past n";
        const auto qb = RandomBytes(d, rng);
        const auto rowsb = RandomBytes(n * d, rng);
        std::vector<uint32_t> ham(n + 1, 7u);
        std::vector<float> jac(n + 1, -1.0f);
        HammingBatch(qb.data(), rowsb.data(), n, d, ham.data());
        JaccardBatch(qb.data(), rowsb.data(), n, d, jac.data());
        for (size_t i = 0; i < n; ++i) {
          EXPECT_EQ(ham[i], Hamming(qb.data(), rowsb.data() + i * d, d)) << d << " " << i;
          EXPECT_EQ(jac[i], Jaccard(qb.data(), rowsb.data() + i * d, d)) << d << " " << i;
        }
        EXPECT_EQ(ham[n], 7u);
        EXPECT_EQ(jac[n], -1.0f);
      }
    }
  });
}

TEST(DistanceTest, BinaryEdgeCases) {
  ForEachTarget([] {
    for (size_t d : kDims) {
      const std::vector<uint8_t> ones(d, 0xFF), zeros(d, 0);
      EXPECT_EQ(Hamming(ones.data(), zeros.data(), d), 8 * d);
      EXPECT_EQ(Hamming(ones.data(), ones.data(), d), 0u);
      EXPECT_EQ(Jaccard(ones.data(), ones.data(), d), 0.0f);
      EXPECT_EQ(Jaccard(ones.data(), zeros.data(), d), 1.0f);
      EXPECT_EQ(Jaccard(zeros.data(), zeros.data(), d), 0.0f);  // both empty
      // Exactly one bit set in the last byte: the tail is counted.
      std::vector<uint8_t> last(d, 0);
      last[d - 1] = 0x80;
      EXPECT_EQ(Hamming(last.data(), zeros.data(), d), 1u);
      // Half the bits shared: |a&b| = 4d, |a|b| = 8d.
      const std::vector<uint8_t> lo_nibbles(d, 0x0F);
      EXPECT_EQ(Jaccard(lo_nibbles.data(), ones.data(), d), 0.5f);
    }
    EXPECT_EQ(Hamming(nullptr, nullptr, 0), 0u);
    EXPECT_EQ(Jaccard(nullptr, nullptr, 0), 0.0f);
  });
}

struct Sparse {
  std::vector<uint32_t> idx;
  std::vector<float> val;
};

// nnz distinct indices below `universe`, sorted, with random values.
Sparse RandomSparse(size_t nnz, uint32_t universe, std::mt19937& rng) {
  std::set<uint32_t> s;
  std::uniform_int_distribution<uint32_t> pick(0, universe - 1);
  while (s.size() < nnz) s.insert(pick(rng));
  Sparse out;
  out.idx.assign(s.begin(), s.end());
  std::uniform_real_distribution<float> v(-1, 1);
  for (size_t i = 0; i < nnz; ++i) out.val.push_back(v(rng));
  return out;
}

float SparseIp(const Sparse& a, const Sparse& b) {
  return SparseInnerProduct(a.idx.data(), a.val.data(), a.idx.size(), b.idx.data(), b.val.data(),
                            b.idx.size());
}
float RefSparseIp(const Sparse& a, const Sparse& b) {
  return ref::SparseInnerProduct(a.idx.data(), a.val.data(), a.idx.size(), b.idx.data(),
                                 b.val.data(), b.idx.size());
}

TEST(DistanceTest, SparseInnerProductMatchesReference) {
  std::mt19937 rng(30);
  // Similar sizes (merge path) and very different sizes (galloping path), both argument orders.
  const std::vector<std::pair<size_t, size_t>> sizes = {
      {1, 1}, {5, 7}, {100, 120}, {1000, 900}, {3, 5000}, {20, 20000}, {1, 100000}};
  for (auto [an, bn] : sizes) {
    for (uint32_t universe : {200000u, 2 * static_cast<uint32_t>(std::max(an, bn))}) {
      const Sparse a = RandomSparse(an, universe, rng), b = RandomSparse(bn, universe, rng);
      EXPECT_EQ(SparseIp(a, b), RefSparseIp(a, b)) << an << "x" << bn;
      EXPECT_EQ(SparseIp(b, a), RefSparseIp(a, b)) << bn << "x" << an;
    }
  }
  // Every element of a short query present in a long document (galloping must find each one).
  // Includes the first and the last element of the document.
  Sparse doc = RandomSparse(50000, 1000000, rng), query;
  std::vector<size_t> picks;
  for (size_t i = 0; i < doc.idx.size(); i += 4999) picks.push_back(i);
  picks.push_back(doc.idx.size() - 1);
  double want = 0;
  for (size_t i : picks) {
    query.idx.push_back(doc.idx[i]);
    query.val.push_back(1.0f);
    want += doc.val[i];
  }
  EXPECT_EQ(SparseIp(query, doc), static_cast<float>(want));
  EXPECT_EQ(SparseIp(doc, query), static_cast<float>(want));
}

TEST(DistanceTest, SparseInnerProductEdgeCases) {
  const Sparse empty;
  const Sparse a{{1, 5, 9}, {1.0f, 2.0f, 3.0f}};
  const Sparse disjoint{{0, 2, 4, 6, 8, 10}, {1, 1, 1, 1, 1, 1}};
  const Sparse overlap{{0, 5, 9, 100}, {7.0f, 10.0f, -1.0f, 4.0f}};
  EXPECT_EQ(SparseIp(empty, empty), 0.0f);
  EXPECT_EQ(SparseIp(a, empty), 0.0f);
  EXPECT_EQ(SparseIp(empty, a), 0.0f);
  EXPECT_EQ(SparseIp(a, disjoint), 0.0f);
  EXPECT_EQ(SparseIp(a, overlap), 2.0f * 10.0f + 3.0f * -1.0f);
  EXPECT_EQ(SparseIp(a, a), 1.0f + 4.0f + 9.0f);
  EXPECT_EQ(RefSparseIp(a, overlap), 17.0f);
}

TEST(DistanceTest, BatchMatchesReferenceAndSingleKernels) {
  ForEachTarget([] {
    std::mt19937 rng(40);
    for (size_t d : kDims) {
      for (size_t n : {0, 1, 3, 4, 5, 8, 11, 12, 13, 17, 33}) {
        std::vector<float> q(d), base(n * d);
        std::uniform_real_distribution<float> dist(-1, 1);
        for (auto& x : q) x = dist(rng);
        for (auto& x : base) x = dist(rng);
        const float kSentinel = -12345.0f;
        std::vector<float> l2(n + 1, kSentinel), ip(n + 1, kSentinel);
        std::vector<float> want_l2(n), want_ip(n);
        L2SqrBatch(q.data(), base.data(), n, d, l2.data());
        InnerProductBatch(q.data(), base.data(), n, d, ip.data());
        ref::L2SqrBatch(q.data(), base.data(), n, d, want_l2.data());
        ref::InnerProductBatch(q.data(), base.data(), n, d, want_ip.data());
        EXPECT_EQ(l2[n], kSentinel) << "wrote past out[n-1]";
        EXPECT_EQ(ip[n], kSentinel) << "wrote past out[n-1]";
        for (size_t i = 0; i < n; ++i) {
          const float* row = base.data() + i * d;
          double abs_l2 = 0, abs_ip = 0;
          for (size_t j = 0; j < d; ++j) {
            abs_l2 += (double{q[j]} - row[j]) * (double{q[j]} - row[j]);
            abs_ip += std::fabs(double{q[j]} * row[j]);
          }
          const double tol_scale = (d + 4) * FLT_EPSILON;
          EXPECT_NEAR(l2[i], want_l2[i], tol_scale * abs_l2)
              << "d=" << d << " n=" << n << " i=" << i;
          EXPECT_NEAR(ip[i], want_ip[i], tol_scale * abs_ip)
              << "d=" << d << " n=" << n << " i=" << i;
          EXPECT_NEAR(l2[i], L2Sqr(q.data(), row, d), tol_scale * abs_l2);
          EXPECT_NEAR(ip[i], InnerProduct(q.data(), row, d), tol_scale * abs_ip);
        }
      }
    }
  });
}

// Integer-valued rows: exact, so each out[i] must be paired with exactly row i.
TEST(DistanceTest, BatchIsExactOnSmallIntegersAndKeepsRowOrder) {
  ForEachTarget([] {
    for (size_t d : {size_t{7}, size_t{16}, size_t{33}, size_t{128}, size_t{784}}) {
      const size_t n = 23;
      std::vector<float> q(d, 1.0f), base(n * d);
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < d; ++j) base[i * d + j] = static_cast<float>((i * 3 + j * j) % 13);
      }
      std::vector<float> l2(n), ip(n), want_l2(n), want_ip(n);
      L2SqrBatch(q.data(), base.data(), n, d, l2.data());
      InnerProductBatch(q.data(), base.data(), n, d, ip.data());
      ref::L2SqrBatch(q.data(), base.data(), n, d, want_l2.data());
      ref::InnerProductBatch(q.data(), base.data(), n, d, want_ip.data());
      EXPECT_EQ(l2, want_l2) << "d=" << d;
      EXPECT_EQ(ip, want_ip) << "d=" << d;
    }
  });
}

// Enough short rows that the prefetch-ahead path (16 KiB ahead) is taken, plus dim 0.
TEST(DistanceTest, BatchHandlesManyShortRowsAndZeroDim) {
  ForEachTarget([] {
    std::mt19937 rng(41);
    std::uniform_real_distribution<float> dist(-1, 1);
    for (size_t d : {size_t{1}, size_t{3}, size_t{16}}) {
      const size_t n = 5003;
      std::vector<float> q(d), base(n * d);
      for (auto& x : q) x = dist(rng);
      for (auto& x : base) x = dist(rng);
      std::vector<float> got(n), want(n);
      L2SqrBatch(q.data(), base.data(), n, d, got.data());
      ref::L2SqrBatch(q.data(), base.data(), n, d, want.data());
      for (size_t i = 0; i < n; ++i) ASSERT_NEAR(got[i], want[i], 1e-5f * d) << d << " " << i;
      InnerProductBatch(q.data(), base.data(), n, d, got.data());
      ref::InnerProductBatch(q.data(), base.data(), n, d, want.data());
      for (size_t i = 0; i < n; ++i) ASSERT_NEAR(got[i], want[i], 1e-5f * d) << d << " " << i;
    }
    std::vector<float> out(9, -1.0f);
    const float dummy = 1.0f;
    L2SqrBatch(&dummy, &dummy, 9, 0, out.data());
    EXPECT_EQ(out, std::vector<float>(9, 0.0f));
    InnerProductBatch(&dummy, &dummy, 9, 0, out.data());
    EXPECT_EQ(out, std::vector<float>(9, 0.0f));
    EXPECT_EQ(L2Sqr(nullptr, nullptr, 0), 0.0f);
    EXPECT_EQ(InnerProductF16(nullptr, nullptr, 0), 0.0f);
    EXPECT_EQ(NormBF16(nullptr, 0), 0.0f);
    EXPECT_EQ(L2SqrI8(nullptr, nullptr, 0), 0.0f);
    EXPECT_EQ(NormI8(nullptr, 0), 0.0f);
  });
}

}  // namespace
}  // namespace elanus::simd
