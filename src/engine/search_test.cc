// Randomized exact search against a brute-force reference computed in the test, over growing and
// sealed segments with deletes, for every vector type and metric.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "engine/test_util.h"
#include "simd/distance.h"
#include "types/half.h"

namespace elanus::engine {
namespace {

using namespace testing;

struct Case {
  DataType type;
  MetricType metric;
  int64_t dim;
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string s =
      std::string(DataTypeName(info.param.type)) + "_" + MetricTypeName(info.param.metric);
  std::erase(s, '_');
  return s;
}

class SearchTest : public ::testing::TestWithParam<Case> {};

// Reference score of two rows stored in the column encoding, in double precision.
double RefScore(const Case& c, const uint8_t* a, const uint8_t* b) {
  if (c.type == DataType::kBinaryVector) {
    return c.metric == MetricType::kHamming ? simd::ref::Hamming(a, b, c.dim / 8)
                                            : simd::ref::Jaccard(a, b, c.dim / 8);
  }
  auto value = [&](const uint8_t* p, int64_t i) -> double {
    switch (c.type) {
      case DataType::kFloatVector:
        return reinterpret_cast<const float*>(p)[i];
      case DataType::kFloat16Vector:
        return types::HalfToFloat(reinterpret_cast<const uint16_t*>(p)[i]);
      case DataType::kBFloat16Vector:
        return types::BFloat16ToFloat(reinterpret_cast<const uint16_t*>(p)[i]);
      default:
        return reinterpret_cast<const int8_t*>(p)[i];
    }
  };
  double l2 = 0, ip = 0, na = 0, nb = 0;
  for (int64_t i = 0; i < c.dim; ++i) {
    double x = value(a, i), y = value(b, i);
    l2 += (x - y) * (x - y);
    ip += x * y;
    na += x * x;
    nb += y * y;
  }
  if (c.metric == MetricType::kL2) return l2;
  if (c.metric == MetricType::kIP) return ip;
  return (na > 0 && nb > 0) ? ip / std::sqrt(na * nb) : 0;
}

TEST_P(SearchTest, MatchesBruteForceOverGrowingAndSealedSegmentsWithDeletes) {
  const Case c = GetParam();
  TempDir dir;
  auto e = MustOpen(Options(dir.path()));
  CollectionSchema s;
  s.name = "c";
  FieldSchema id = F("id", DataType::kInt64);
  id.is_primary_key = true;
  FieldSchema v = F("v", c.type);
  v.dim = c.dim;
  s.fields = {id, v};
  ASSERT_OK(e->CreateCollection("default", s));

  const size_t w = FixedWidth(c.type, c.dim);
  std::mt19937 rng(static_cast<unsigned>(c.dim * 31 + static_cast<int>(c.type) * 7 +
                                         static_cast<int>(c.metric)));
  std::uniform_int_distribution<int> byte(0, 255);
  std::normal_distribution<float> nd;
  auto random_vec = [&](std::vector<uint8_t>* out) {
    out->resize(w);
    for (int64_t i = 0; i < c.dim; ++i) {
      if (c.type == DataType::kFloatVector) {
        float f = nd(rng);
        std::memcpy(out->data() + 4 * i, &f, 4);
      } else if (c.type == DataType::kFloat16Vector || c.type == DataType::kBFloat16Vector) {
        uint16_t h = c.type == DataType::kFloat16Vector ? types::FloatToHalf(nd(rng))
                                                        : types::FloatToBFloat16(nd(rng));
        std::memcpy(out->data() + 2 * i, &h, 2);
      } else if (c.type == DataType::kInt8Vector) {
        (*out)[i] = static_cast<uint8_t>(byte(rng));
      }
    }
    if (c.type == DataType::kBinaryVector)
      for (auto& b : *out) b = static_cast<uint8_t>(byte(rng));
  };
  std::map<int64_t, std::vector<uint8_t>> live;
  auto insert = [&](int64_t from, int64_t n) {
    FieldColumn ids{.name = "id", .type = DataType::kInt64};
    FieldColumn vec{.name = "v", .type = c.type, .dim = c.dim};
    for (int64_t i = from; i < from + n; ++i) {
      std::vector<uint8_t> x;
      random_vec(&x);
      ids.ints.push_back(i);
      if (c.type == DataType::kFloatVector) {
        const float* f = reinterpret_cast<const float*>(x.data());
        vec.floats.insert(vec.floats.end(), f, f + c.dim);
      } else {
        vec.bytes.insert(vec.bytes.end(), x.begin(), x.end());
      }
      live[i] = x;
    }
    auto r = e->Insert("default", "c", "", {ids, vec});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  insert(0, 1500);
  ASSERT_OK(e->Flush("default", "c"));  // sealed segment
  insert(1500, 1200);                   // growing segment spanning several chunks
  PrimaryKeys del;
  for (int64_t i = 0; i < 2700; i += 7) {
    del.ints.push_back(i);
    live.erase(i);
  }
  ASSERT_OK(e->Delete("default", "c", "", del).status());

  const bool smaller = SmallerIsBetter(c.metric);
  for (int q = 0; q < 5; ++q) {
    std::vector<uint8_t> qv;
    random_vec(&qv);
    SearchRequest req;
    req.collection = "c";
    req.metric = c.metric;
    req.limit = 20;
    req.offset = q % 2 ? 3 : 0;
    req.queries = FieldColumn{.type = c.type, .dim = c.dim};
    if (c.type == DataType::kFloatVector) {
      const float* f = reinterpret_cast<const float*>(qv.data());
      req.queries.floats.assign(f, f + c.dim);
    } else {
      req.queries.bytes = qv;
    }
    auto res = e->Search(req);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ASSERT_EQ(res->nq, 1u);
    ASSERT_EQ(res->topks[0], 20);
    // Reference ranking: (score, id).
    std::vector<std::pair<double, int64_t>> ref;
    for (const auto& [k, x] : live)
      ref.push_back(
          {smaller ? RefScore(c, qv.data(), x.data()) : -RefScore(c, qv.data(), x.data()), k});
    std::sort(ref.begin(), ref.end());
    double tol =
        (c.type == DataType::kBinaryVector || c.type == DataType::kInt8Vector) ? 1e-6 : 1e-3;
    for (int k = 0; k < 20; ++k) {
      int64_t got = res->ids.ints[k];
      ASSERT_TRUE(live.count(got)) << "deleted or unknown id " << got;
      double want_score = smaller ? ref[req.offset + k].first : -ref[req.offset + k].first;
      EXPECT_NEAR(res->scores[k], want_score, tol * std::max(1.0, std::fabs(want_score)))
          << "rank " << k;
      double own = RefScore(c, qv.data(), live[got].data());
      EXPECT_NEAR(res->scores[k], own, tol * std::max(1.0, std::fabs(own)));
      if (k > 0) {
        EXPECT_TRUE(smaller ? res->scores[k - 1] <= res->scores[k]
                            : res->scores[k - 1] >= res->scores[k]);
        if (res->scores[k - 1] == res->scores[k]) {
          EXPECT_LT(res->ids.ints[k - 1], got) << "ties by key";
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, SearchTest,
                         ::testing::Values(Case{DataType::kFloatVector, MetricType::kL2, 37},
                                           Case{DataType::kFloatVector, MetricType::kIP, 128},
                                           Case{DataType::kFloatVector, MetricType::kCosine, 16},
                                           Case{DataType::kFloat16Vector, MetricType::kL2, 24},
                                           Case{DataType::kFloat16Vector, MetricType::kCosine, 24},
                                           Case{DataType::kBFloat16Vector, MetricType::kIP, 33},
                                           Case{DataType::kInt8Vector, MetricType::kL2, 40},
                                           Case{DataType::kInt8Vector, MetricType::kCosine, 40},
                                           Case{DataType::kBinaryVector, MetricType::kHamming, 64},
                                           Case{DataType::kBinaryVector, MetricType::kJaccard,
                                                128}),
                         CaseName);

TEST(SearchRulesTest, RangeSearchAndValidation) {
  TempDir dir;
  auto e = MustOpen(Options(dir.path()));
  ASSERT_OK(e->CreateCollection("default", BasicSchema("c", 2)));
  std::string rows = "[";
  for (int i = 0; i < 10; ++i)
    rows += (i ? "," : "") + std::string(R"({"id": )") + std::to_string(i) + R"(, "vec": [)" +
            std::to_string(i) + ", 0]}";
  ASSERT_OK(e->InsertRows("default", "c", "", rows + "]").status());
  SearchRequest req;
  req.collection = "c";
  req.metric = MetricType::kL2;
  req.queries = FieldColumn{.type = DataType::kFloatVector, .dim = 2, .floats = {0, 0}};
  req.limit = 10;
  req.radius = 17;       // d < 17  -> ids 0..4 (d = 0,1,4,9,16)
  req.range_filter = 1;  // d >= 1  -> drops id 0
  ASSERT_OK_AND_ASSIGN(auto r, e->Search(req));
  EXPECT_EQ(r.ids.ints, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(r.scores, (std::vector<float>{1, 4, 9, 16}));
  req.range_filter = 20;
  EXPECT_TRUE(e->Search(req).status().IsInvalidArgument());  // for L2 range_filter < radius
  req.range_filter.reset();
  req.radius.reset();
  req.output_fields = {"tag", "n"};
  req.round_decimal = 0;
  req.limit = 2;
  ASSERT_OK_AND_ASSIGN(r, e->Search(req));
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[1].ints, (std::vector<int64_t>{7, 7}));
  struct Bad {
    std::function<void(SearchRequest&)> edit;
    const char* message;
  } bad[] = {
      {[](SearchRequest& q) { q.limit = 0; }, "limit 0"},
      {[](SearchRequest& q) { q.limit = 16385; }, "limit 16385"},
      {[](SearchRequest& q) { q.offset = 16384; }, "offset"},
      {[](SearchRequest& q) {
         q.queries.floats = {1, 2, 3};
       },
       "does not match dim 2"},
      {[](SearchRequest& q) { q.metric = MetricType::kHamming; },
       "metric HAMMING is not supported"},
      {[](SearchRequest& q) { q.anns_field = "tag"; }, "anns_field 'tag'"},
      {[](SearchRequest& q) { q.output_fields = {"zz"}; }, "output field 'zz'"},
      {[](SearchRequest& q) { q.round_decimal = 9; }, "round_decimal"},
      {[](SearchRequest& q) { q.queries.type = DataType::kInt8Vector; }, "do not match field"},
  };
  for (const Bad& b : bad) {
    SearchRequest q = req;
    b.edit(q);
    auto res = e->Search(q);
    ASSERT_FALSE(res.ok()) << b.message;
    EXPECT_NE(res.status().message().find(b.message), std::string::npos) << res.status().ToString();
  }
}

TEST(SearchRulesTest, SparseInnerProduct) {
  TempDir dir;
  auto e = MustOpen(Options(dir.path()));
  CollectionSchema s;
  s.name = "c";
  FieldSchema id = F("id", DataType::kVarChar);
  id.is_primary_key = true;
  id.max_length = 8;
  s.fields = {id, F("sp", DataType::kSparseFloatVector)};
  ASSERT_OK(e->CreateCollection("default", s));
  ASSERT_OK(e->InsertRows("default", "c", "", R"([
      {"id": "a", "sp": {"1": 1.0, "5": 2.0}},
      {"id": "b", "sp": {"5": 1.0}},
      {"id": "c", "sp": {"7": 3.0}}])")
                .status());
  SearchRequest req;
  req.collection = "c";
  req.queries = FieldColumn{.type = DataType::kSparseFloatVector};
  req.queries.sparse.push_back(SparseVector{{5, 1}, {1.0f, 0.5f}});
  req.limit = 3;
  ASSERT_OK_AND_ASSIGN(auto r, e->Search(req));
  EXPECT_EQ(r.ids.strings, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.scores, (std::vector<float>{2.5f, 1.0f, 0.0f}));
}

}  // namespace
}  // namespace elanus::engine
