// Vector indexes through the engine: background builds per sealed segment, index-backed search
// with filters and deletes, parameter validation, persistence, drop and compaction.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;
namespace fs = std::filesystem;

constexpr int64_t kDim = 16;
constexpr int kRows = 3000;

std::vector<float> Data() {
  std::mt19937 rng(5);
  std::normal_distribution<float> nd;
  std::vector<float> centers(20 * kDim);
  for (float& c : centers) c = nd(rng) * 4;
  std::vector<float> v(kRows * kDim);
  for (int i = 0; i < kRows; ++i)
    for (int d = 0; d < kDim; ++d) v[i * kDim + d] = centers[(i % 20) * kDim + d] + nd(rng);
  return v;
}

void Load(Engine& e, const std::vector<float>& v) {
  FieldColumn id{.name = "id", .type = DataType::kInt64};
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = kDim, .floats = v};
  FieldColumn n{.name = "n", .type = DataType::kInt32};
  for (int i = 0; i < kRows; ++i) {
    id.ints.push_back(i);
    n.ints.push_back(i % 100);
  }
  ASSERT_OK(e.Insert("default", "c", "", {id, vec, n}).status());
  ASSERT_OK(e.Flush("default", "c"));
}

std::vector<int64_t> BruteForce(const std::vector<float>& v, const float* q, int k,
                                const std::function<bool(int)>& keep) {
  std::vector<std::pair<float, int64_t>> d;
  for (int i = 0; i < kRows; ++i) {
    if (!keep(i)) continue;
    float s = 0;
    for (int j = 0; j < kDim; ++j) s += (v[i * kDim + j] - q[j]) * (v[i * kDim + j] - q[j]);
    d.push_back({s, i});
  }
  std::sort(d.begin(), d.end());
  std::vector<int64_t> out;
  for (int i = 0; i < k && i < static_cast<int>(d.size()); ++i) out.push_back(d[i].second);
  return out;
}

// The HNSW definition the recall tests build on `vec`.
IndexParams HnswL2() {
  return IndexParams{.field_name = "vec",
                     .index_type = "HNSW",
                     .metric = MetricType::kL2,
                     .params = {{"M", "16"}, {"efConstruction", "100"}}};
}

class IndexIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    ASSERT_OK(e_->CreateCollection("default", BasicSchema("c", kDim)));
    data_ = Data();
    Load(*e_, data_);
  }
  SearchRequest Req(int qi, int k = 10) {
    SearchRequest r;
    r.collection = "c";
    r.limit = k;
    r.queries = FieldColumn{.type = DataType::kFloatVector, .dim = kDim};
    r.queries.floats.assign(data_.begin() + qi * kDim, data_.begin() + (qi + 1) * kDim);
    for (float& x : r.queries.floats) x += 0.05f;
    return r;
  }
  double Recall(const std::function<bool(int)>& keep, const std::string& filter,
                std::map<std::string, std::string> params = {}) {
    double hits = 0, total = 0;
    for (int qi = 0; qi < 40; ++qi) {
      SearchRequest r = Req(qi * 7);
      r.filter = filter;
      r.search_params = params;
      auto res = e_->Search(r);
      EXPECT_TRUE(res.ok()) << res.status().ToString();
      if (!res.ok()) return 0;
      auto truth = BruteForce(data_, r.queries.floats.data(), 10, keep);
      EXPECT_EQ(res->topks[0], static_cast<int64_t>(truth.size()));
      std::set<int64_t> t(truth.begin(), truth.end());
      for (int64_t id : res->ids.ints) {
        EXPECT_TRUE(keep(static_cast<int>(id))) << "id " << id << " violates the filter/deletes";
        hits += t.count(id);
      }
      total += truth.size();
    }
    return hits / total;
  }
  TempDir dir_;
  std::unique_ptr<Engine> e_;
  std::vector<float> data_;
};

TEST_F(IndexIntegrationTest, HnswBuildsInBackgroundAndKeepsRecallUnderFiltersAndDeletes) {
  const IndexParams p = HnswL2();
  ASSERT_OK(e_->CreateIndex("default", "c", p));
  ASSERT_OK(e_->CreateIndex("default", "c", p));  // same definition again: no-op
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_TRUE(infos[0].finished);
  EXPECT_EQ(infos[0].indexed_rows, static_cast<uint64_t>(kRows));
  EXPECT_EQ(infos[0].params.index_name, "vec");

  EXPECT_GE(Recall([](int) { return true; }, "", {{"ef", "64"}}), 0.95);
  EXPECT_GE(Recall([](int i) { return i % 100 < 10; }, "n < 10", {{"ef", "64"}}), 0.9);
  EXPECT_GE(Recall([](int i) { return i % 100 == 3; }, "n == 3", {{"ef", "64"}}), 0.9);
  PrimaryKeys del;
  for (int i = 0; i < kRows; i += 3) del.ints.push_back(i);
  ASSERT_OK(e_->Delete("default", "c", "", del).status());
  EXPECT_GE(Recall([](int i) { return i % 3 != 0; }, "", {{"ef", "64"}}), 0.9);
  // Filter and deletes together: the filter's rows minus the deleted ones.
  EXPECT_GE(Recall([](int i) { return i % 3 != 0 && i % 100 < 10; }, "n < 10", {{"ef", "64"}}),
            0.9);
  // New rows are visible at once (growing segments are searched exactly).
  FieldColumn id{.name = "id", .type = DataType::kInt64, .ints = {100000}};
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = kDim};
  vec.floats.assign(kDim, 1000.0f);
  ASSERT_OK(e_->Insert("default", "c", "", {id, vec}).status());
  SearchRequest r = Req(0, 1);
  r.queries.floats.assign(kDim, 1000.0f);
  ASSERT_OK_AND_ASSIGN(auto res, e_->Search(r));
  EXPECT_EQ(res.ids.ints, std::vector<int64_t>{100000});
}

TEST_F(IndexIntegrationTest, ParametersAreValidatedAndNamed) {
  struct Bad {
    IndexParams p;
    const char* message;
  } bad[] = {
      {{.field_name = "vec", .index_type = "HNSW", .params = {{"M", "1"}}}, "M"},
      {{.field_name = "vec", .index_type = "NOPE"}, "NOPE"},
      {{.field_name = "n", .index_type = "HNSW"}, "not supported on INT32 field 'n'"},
      {{.field_name = "vec", .index_type = "HNSW", .metric = MetricType::kHamming}, "HAMMING"},
  };
  for (const Bad& b : bad) {
    Status st = e_->CreateIndex("default", "c", b.p);
    ASSERT_FALSE(st.ok()) << b.message;
    EXPECT_NE(st.message().find(b.message), std::string::npos) << st.ToString();
  }
  ASSERT_OK(e_->CreateIndex(
      "default", "c", {.field_name = "vec", .index_type = "HNSW", .metric = MetricType::kL2}));
  EXPECT_EQ(e_->CreateIndex("default", "c",
                            {.field_name = "vec", .index_name = "other", .index_type = "IVF_FLAT"})
                .code(),
            StatusCode::kAlreadyExists);
  SearchRequest r = Req(0);
  r.search_params = {{"ef", "5"}};  // ef must be >= limit
  auto res = e_->Search(r);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("ef"), std::string::npos) << res.status().ToString();
  r.search_params = {};
  r.metric = MetricType::kIP;
  res = e_->Search(r);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("does not match the metric L2"), std::string::npos);
}

TEST_F(IndexIntegrationTest, IndexesPersistAndCorruptionIsDetected) {
  ASSERT_OK(e_->CreateIndex("default", "c",
                            {.field_name = "vec",
                             .index_type = "IVF_FLAT",
                             .metric = MetricType::kL2,
                             .params = {{"nlist", "16"}}}));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  SearchRequest r = Req(3);
  r.search_params = {{"nprobe", "16"}};  // all lists: exact
  ASSERT_OK_AND_ASSIGN(auto before, e_->Search(r));
  EXPECT_EQ(before.ids.ints,
            BruteForce(data_, r.queries.floats.data(), 10, [](int) { return true; }));
  e_.reset();
  e_ = MustOpen(Options(dir_.path()));
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_TRUE(infos[0].finished);  // loaded, not rebuilt
  ASSERT_OK_AND_ASSIGN(auto after, e_->Search(r));
  EXPECT_EQ(after.ids.ints, before.ids.ints);
  e_.reset();
  std::string idx;
  for (const auto& p : fs::recursive_directory_iterator(Options(dir_.path()).path + "/blobs"))
    if (p.path().extension() == ".idx") idx = p.path();
  ASSERT_FALSE(idx.empty());
  {
    std::fstream f(idx, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  auto reopened = Engine::Open(Options(dir_.path()));
  ASSERT_FALSE(reopened.ok());
  EXPECT_TRUE(reopened.status().IsCorruption()) << reopened.status().ToString();
}

TEST_F(IndexIntegrationTest, DropIndexAndCompactionRebuild) {
  ASSERT_OK(e_->CreateIndex("default", "c",
                            {.field_name = "vec",
                             .index_name = "i",
                             .index_type = "AUTOINDEX",
                             .metric = MetricType::kL2}));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  EXPECT_EQ(infos[0].resolved_type, "HNSW");
  EXPECT_EQ(infos[0].params.params.at("M"), "18");
  // A second sealed segment, then compaction: the merged segment gets its index too.
  FieldColumn id{.name = "id", .type = DataType::kInt64, .ints = {5000, 5001}};
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = kDim};
  vec.floats.assign(2 * kDim, 0.5f);
  ASSERT_OK(e_->Insert("default", "c", "", {id, vec}).status());
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{{0, 1}, {}}).status());
  ASSERT_OK(e_->Compact("default", "c"));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  ASSERT_OK_AND_ASSIGN(infos, e_->DescribeIndexes("default", "c"));
  EXPECT_EQ(infos[0].indexed_rows, static_cast<uint64_t>(kRows));  // 3000 - 2 + 2
  EXPECT_GE(Recall([](int i) { return i > 1; }, "", {{"ef", "80"}}), 0.95);
  ASSERT_OK(e_->DropIndex("default", "c", "i"));
  EXPECT_TRUE(e_->DropIndex("default", "c", "i").IsNotFound());
  SearchRequest r = Req(9);
  r.metric = MetricType::kIP;  // no index any more: any metric, exact search
  ASSERT_OK(e_->Search(r).status());
}

// Several sealed segments, each with its own graph searched at the request's ef and merged by
// score: recall against the exact answer over all rows, filtered or not.
TEST_F(IndexIntegrationTest, HnswOverManySegmentsKeepsRecall) {
  ASSERT_OK(e_->DropCollection("default", "c"));
  ASSERT_OK(e_->CreateCollection("default", BasicSchema("c", kDim)));
  for (int part = 0; part < 6; ++part) {
    const int begin = part * kRows / 6, end = (part + 1) * kRows / 6;
    FieldColumn id{.name = "id", .type = DataType::kInt64};
    FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = kDim};
    FieldColumn n{.name = "n", .type = DataType::kInt32};
    vec.floats.assign(data_.begin() + begin * kDim, data_.begin() + end * kDim);
    for (int i = begin; i < end; ++i) {
      id.ints.push_back(i);
      n.ints.push_back(i % 100);
    }
    ASSERT_OK(e_->Insert("default", "c", "", {id, vec, n}).status());
    ASSERT_OK(e_->Flush("default", "c"));
  }
  ASSERT_OK_AND_ASSIGN(auto stats, e_->GetCollectionStats("default", "c"));
  ASSERT_EQ(stats.sealed_segments, 6u);
  const IndexParams p = HnswL2();
  ASSERT_OK(e_->CreateIndex("default", "c", p));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  EXPECT_GE(Recall([](int) { return true; }, "", {{"ef", "32"}}), 0.95);
  EXPECT_GE(Recall([](int i) { return i % 100 < 50; }, "n < 50", {{"ef", "32"}}), 0.95);
}

}  // namespace
}  // namespace elanus::engine
