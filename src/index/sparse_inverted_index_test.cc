#include "index/sparse_inverted_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "elanus/column.h"
#include "index/index_registry.h"
#include "types/value_codec.h"

namespace elanus::index {
namespace {

struct SparseData {
  std::vector<SparseVector> rows;
  std::vector<std::string> encoded;
  std::vector<std::string_view> views;
};

SparseVector RandomSparse(std::mt19937& rng, uint32_t dims, int nnz) {
  std::map<uint32_t, float> m;
  std::uniform_real_distribution<float> val(0.01f, 1.0f);
  // Skewed dimensions (small ids are frequent), as term frequencies are.
  std::geometric_distribution<uint32_t> dim_dist(8.0 / dims);
  while (static_cast<int>(m.size()) < nnz) m[std::min(dims - 1, dim_dist(rng))] = val(rng);
  SparseVector v;
  for (auto [d, x] : m) {
    v.indices.push_back(d);
    v.values.push_back(x);
  }
  return v;
}

SparseData MakeData(int64_t n, uint32_t dims, uint32_t seed) {
  std::mt19937 rng(seed);
  SparseData d;
  for (int64_t i = 0; i < n; ++i) {
    d.rows.push_back(RandomSparse(rng, dims, 1 + static_cast<int>(rng() % 30)));
    d.encoded.push_back(types::EncodeSparse(d.rows.back()));
  }
  for (const auto& e : d.encoded) d.views.push_back(e);
  return d;
}

float Dot(const SparseVector& a, const SparseVector& b) {
  float s = 0;
  size_t i = 0, j = 0;
  while (i < a.indices.size() && j < b.indices.size()) {
    if (a.indices[i] < b.indices[j]) {
      ++i;
    } else if (a.indices[i] > b.indices[j]) {
      ++j;
    } else {
      s += a.values[i++] * b.values[j++];
    }
  }
  return s;
}

std::vector<Neighbor> Exact(const SparseData& d, const SparseVector& q, int64_t k,
                            const Bitset* allowed) {
  TopK top(static_cast<size_t>(k));
  for (size_t i = 0; i < d.rows.size(); ++i) {
    if (allowed == nullptr || allowed->test(i))
      top.Push(-Dot(d.rows[i], q), static_cast<int64_t>(i));
  }
  std::vector<Neighbor> out;
  top.Drain(MetricType::kIP, &out);
  return out;
}

void ExpectSameResults(const std::vector<Neighbor>& got, const std::vector<Neighbor>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].score, want[i].score, 1e-4f * (1 + std::abs(want[i].score))) << i;
    // Rows agree except where float summation order swaps (near-)ties.
    if (got[i].row != want[i].row) {
      EXPECT_NEAR(got[i].score, want[i].score, 1e-5f) << "rank " << i;
    }
  }
}

std::unique_ptr<VectorIndex> Make(const ParamMap& params,
                                  std::string_view type = "SPARSE_INVERTED_INDEX") {
  auto r = IndexRegistry::Global().Create(type, {DataType::kSparseFloatVector, 0, MetricType::kIP},
                                          params);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

TEST(SparseInvertedIndexTest, EqualsExactSearchForEveryAlgorithm) {
  // 12000 rows: several 4096-row MaxScore windows, so terms turn non-essential mid-search.
  const SparseData d = MakeData(12000, 2000, 1);
  std::mt19937 rng(99);
  for (const char* algo : {"DAAT_MAXSCORE", "TAAT_NAIVE"}) {
    SCOPED_TRACE(algo);
    auto index = Make({{"inverted_index_algo", algo}});
    ASSERT_TRUE(index);
    ASSERT_TRUE(index->Build(d.views.data(), 8000, nullptr).ok());
    ASSERT_TRUE(index->Add(d.views.data() + 8000, 4000, nullptr).ok());
    EXPECT_EQ(index->Size(), 12000);
    auto sp = index->ParseSearchParams({}, 10);
    ASSERT_TRUE(sp.ok());
    for (int qi = 0; qi < 40; ++qi) {
      const SparseVector q = RandomSparse(rng, 2000, 1 + qi % 12);
      for (int64_t k : {1, 10, 100}) {
        std::vector<Neighbor> out;
        ASSERT_TRUE(index->Search(&q, k, nullptr, *sp, &out).ok());
        ExpectSameResults(out, Exact(d, q, k, nullptr));
      }
    }
  }
}

TEST(SparseInvertedIndexTest, FilterAndZeroScoreFill) {
  const SparseData d = MakeData(9000, 500, 2);
  auto index = Make({});
  ASSERT_TRUE(index);
  ASSERT_TRUE(index->Build(d.views.data(), 9000, nullptr).ok());
  std::mt19937 rng(5);
  for (double fraction : {0.01, 0.2, 0.9}) {
    Bitset allowed(9000);
    std::bernoulli_distribution keep(fraction);
    for (size_t i = 0; i < 9000; ++i) allowed.assign(i, keep(rng));
    for (int qi = 0; qi < 20; ++qi) {
      const SparseVector q = RandomSparse(rng, 500, 1 + qi % 5);
      std::vector<Neighbor> out;
      ASSERT_TRUE(index->Search(&q, 50, &allowed, {}, &out).ok());
      for (const Neighbor& nb : out) EXPECT_TRUE(allowed.test(static_cast<size_t>(nb.row)));
      ExpectSameResults(out, Exact(d, q, 50, &allowed));
    }
  }
  // A query sharing no dimension: k rows of score 0, smallest rows first (as the exact scan).
  SparseVector none{{100000}, {1.0f}};
  std::vector<Neighbor> out;
  ASSERT_TRUE(index->Search(&none, 3, nullptr, {}, &out).ok());
  EXPECT_EQ(out, (std::vector<Neighbor>{{0, 0.0f}, {1, 0.0f}, {2, 0.0f}}));
}

TEST(SparseInvertedIndexTest, DropRatios) {
  const SparseData d = MakeData(1500, 300, 3);
  auto full = Make({});
  auto dropped = Make({{"drop_ratio_build", "0.5"}});
  ASSERT_TRUE(full && dropped);
  ASSERT_TRUE(full->Build(d.views.data(), 1500, nullptr).ok());
  ASSERT_TRUE(dropped->Build(d.views.data(), 1500, nullptr).ok());
  const auto* f = static_cast<SparseInvertedIndex*>(full.get());
  const auto* h = static_cast<SparseInvertedIndex*>(dropped.get());
  EXPECT_NEAR(static_cast<double>(h->NumPostings()) / static_cast<double>(f->NumPostings()), 0.5,
              0.02);
  // drop_ratio_search = 0.5 equals an exact search with the larger half of the query weights.
  SparseVector q{{1, 2, 3, 4, 5, 6}, {0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f}};
  SparseVector top_half{{2, 4, 6}, {0.9f, 0.8f, 0.7f}};
  auto sp = full->ParseSearchParams({{"drop_ratio_search", "0.5"}}, 20);
  ASSERT_TRUE(sp.ok());
  EXPECT_FLOAT_EQ(sp->drop_ratio_search, 0.5f);
  std::vector<Neighbor> out;
  ASSERT_TRUE(full->Search(&q, 20, nullptr, *sp, &out).ok());
  ExpectSameResults(out, Exact(d, top_half, 20, nullptr));
  // dim_max_score_ratio < 1 prunes more aggressively: still valid rows and true scores.
  auto approx = full->ParseSearchParams({{"dim_max_score_ratio", "0.5"}}, 20);
  ASSERT_TRUE(approx.ok());
  ASSERT_TRUE(full->Search(&q, 20, nullptr, *approx, &out).ok());
  EXPECT_EQ(out.size(), 20u);
  for (const Neighbor& nb : out) {
    EXPECT_NEAR(nb.score, Dot(d.rows[static_cast<size_t>(nb.row)], q), 1e-4f);
  }
}

TEST(SparseInvertedIndexTest, RangeSearchIsExact) {
  const SparseData d = MakeData(1000, 200, 4);
  auto index = Make({});
  ASSERT_TRUE(index);
  ASSERT_TRUE(index->Build(d.views.data(), 1000, nullptr).ok());
  SparseVector q{{0, 3, 7, 20}, {0.5f, 1.0f, 0.25f, 0.75f}};
  std::vector<Neighbor> out;
  ASSERT_TRUE(index->RangeSearch(&q, 0.2f, 0.6f, 0, nullptr, {}, &out).ok());
  size_t want = 0;
  for (const auto& r : d.rows) {
    const float s = Dot(r, q);
    want += s > 0.2f && s <= 0.6f;
  }
  EXPECT_GT(want, 0u);
  EXPECT_EQ(out.size(), want);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_GT(out[i].score, 0.2f);
    EXPECT_LE(out[i].score, 0.6f);
    if (i > 0) {
      EXPECT_GE(out[i - 1].score, out[i].score);
    }
  }
}

TEST(SparseInvertedIndexTest, ParameterValidation) {
  auto err = [](const ParamMap& p, MetricType m = MetricType::kIP,
                DataType t = DataType::kSparseFloatVector) {
    auto r = IndexRegistry::Global().Create("SPARSE_INVERTED_INDEX",
                                            {t, t == DataType::kSparseFloatVector ? 0 : 8, m}, p);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(err({{"inverted_index_algo", "DAAT_WAND"}}).find("DAAT_WAND is not supported"),
            std::string::npos);
  EXPECT_NE(err({{"inverted_index_algo", "BOGUS"}}).find("inverted_index_algo=BOGUS"),
            std::string::npos);
  EXPECT_NE(err({{"drop_ratio_build", "1"}}).find("drop_ratio_build=1"), std::string::npos);
  EXPECT_NE(err({{"drop_ratio_build", "-0.1"}}).find("drop_ratio_build=-0.1"), std::string::npos);
  EXPECT_NE(err({{"drop_ratio_build", "abc"}}).find("drop_ratio_build=abc"), std::string::npos);
  EXPECT_NE(err({}, MetricType::kL2).find("only IP"), std::string::npos);
  EXPECT_NE(err({}, MetricType::kL2, DataType::kFloatVector).find("FLOAT_VECTOR"),
            std::string::npos);
  auto wand = Make({}, "SPARSE_WAND");  // alias
  ASSERT_TRUE(wand);
  EXPECT_EQ(wand->TypeName(), "SPARSE_INVERTED_INDEX");
  auto sp = wand->ParseSearchParams({{"drop_ratio_search", "1"}}, 10);
  ASSERT_FALSE(sp.ok());
  EXPECT_NE(sp.status().message().find("drop_ratio_search=1"), std::string::npos);
  sp = wand->ParseSearchParams({{"dim_max_score_ratio", "2"}}, 10);
  ASSERT_FALSE(sp.ok());
  EXPECT_NE(sp.status().message().find("dim_max_score_ratio=2"), std::string::npos);
  // Negative query weights are rejected by name.
  SparseVector neg{{1}, {-1.0f}};
  std::vector<Neighbor> out;
  EXPECT_TRUE(wand->Search(&neg, 1, nullptr, {}, &out).IsInvalidArgument());
}

TEST(SparseInvertedIndexTest, PersistenceRoundTripAndCorruption) {
  const SparseData d = MakeData(60, 40, 6);
  auto index = Make({{"drop_ratio_build", "0.1"}});
  ASSERT_TRUE(index);
  ASSERT_TRUE(index->Build(d.views.data(), 60, nullptr).ok());
  std::string image;
  ASSERT_TRUE(index->Serialize(&image).ok());
  const SparseVector q{{0, 1, 2, 5, 9}, {0.3f, 0.2f, 0.9f, 0.4f, 0.1f}};
  auto answers = [&](const VectorIndex& x) {
    std::vector<Neighbor> out;
    EXPECT_TRUE(x.Search(&q, 10, nullptr, {}, &out).ok());
    return out;
  };
  auto loaded = IndexRegistry::Global().Load(image);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->Size(), 60);
  EXPECT_EQ(answers(**loaded), answers(*index));
  std::string again;
  ASSERT_TRUE((*loaded)->Serialize(&again).ok());
  EXPECT_EQ(again, image);
  for (size_t i = 0; i < image.size(); ++i) {
    std::string bad = image;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    auto r = IndexRegistry::Global().Load(bad);
    if (r.ok()) {
      EXPECT_EQ(answers(**r), answers(*index)) << "byte " << i;
    } else {
      EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    }
  }
  for (size_t len = 0; len < image.size(); ++len) {
    auto r = IndexRegistry::Global().Load(std::string_view(image).substr(0, len));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruption());
  }
}

}  // namespace
}  // namespace elanus::index
