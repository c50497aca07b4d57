// Tests of elanus_bench's sweeping modes on small random data: the ids files they write are the
// real answers (checked against brute force and against the filter), and bad input is refused.
#include "tool/sweep.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>

#include "tool/bench_util.h"

namespace elanus::bench {
namespace {

constexpr uint32_t kN = 600, kQ = 20, kDim = 16;

void WriteFbin(const std::string& path, uint32_t n, uint32_t dim, const std::vector<float>& v) {
  std::ofstream f(path, std::ios::binary);
  uint32_t hdr[2] = {n, dim};
  f.write(reinterpret_cast<const char*>(hdr), 8);
  f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
}

std::vector<int32_t> ReadIbin(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  uint32_t hdr[2] = {0, 0};
  f.read(reinterpret_cast<char*>(hdr), 8);
  std::vector<int32_t> ids(size_t{hdr[0]} * hdr[1]);
  f.read(reinterpret_cast<char*>(ids.data()), static_cast<std::streamsize>(ids.size() * 4));
  return ids;
}

class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    std::mt19937 rng(7);
    std::normal_distribution<float> g;
    base_.resize(size_t{kN} * kDim);
    queries_.resize(size_t{kQ} * kDim);
    for (float& x : base_) x = g(rng);
    for (float& x : queries_) x = g(rng);
    WriteFbin(dir_ + "/base.fbin", kN, kDim, base_);
    WriteFbin(dir_ + "/queries.fbin", kQ, kDim, queries_);
    std::vector<int64_t> rank(kN);
    std::iota(rank.begin(), rank.end(), 0);  // sel_rank = row = primary key
    std::ofstream(dir_ + "/rank.i64", std::ios::binary)
        .write(reinterpret_cast<const char*>(rank.data()), kN * 8);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Args Common(const std::string& type) {
    return {{"base", dir_ + "/base.fbin"},
            {"queries", dir_ + "/queries.fbin"},
            {"metric", "L2"},
            {"k", "10"},
            {"type", type},
            {"out-dir", dir_}};
  }
  // Exact top-10 rows per query (L2), among rows < `limit`.
  std::set<int32_t> Exact(uint32_t q, uint32_t limit) {
    std::vector<std::pair<float, int32_t>> d;
    for (uint32_t i = 0; i < limit; ++i) {
      float s = 0;
      for (uint32_t j = 0; j < kDim; ++j) {
        float t = base_[size_t{i} * kDim + j] - queries_[size_t{q} * kDim + j];
        s += t * t;
      }
      d.emplace_back(s, static_cast<int32_t>(i));
    }
    std::partial_sort(d.begin(), d.begin() + 10, d.end());
    std::set<int32_t> out;
    for (int i = 0; i < 10; ++i) out.insert(d[i].second);
    return out;
  }

  // How many of the kQ x 10 ids are among their query's exact top 10 over all rows.
  size_t HitsOfExactTop10(const std::vector<int32_t>& ids) {
    size_t hits = 0;
    for (uint32_t q = 0; q < kQ; ++q) {
      std::set<int32_t> truth = Exact(q, kN);
      for (int j = 0; j < 10; ++j) hits += truth.count(ids[q * 10 + j]);
    }
    return hits;
  }

  std::string dir_;
  std::vector<float> base_, queries_;
};

TEST(SweepParse, ParsesNameAndValues) {
  Sweep s;
  ASSERT_TRUE(ParseSweep("ef=10,20,40", &s));
  EXPECT_EQ(s.name, "ef");
  EXPECT_EQ(s.values, (std::vector<std::string>{"10", "20", "40"}));
  ASSERT_TRUE(ParseSweep("", &s));
  EXPECT_EQ(s.values.size(), 1u);
  EXPECT_FALSE(ParseSweep("ef", &s));
  EXPECT_FALSE(ParseSweep("=1", &s));
  EXPECT_FALSE(ParseSweep("ef=", &s));
}

TEST(SweepParse, BuildParamsTakeOnlyParamKeys) {
  Args a{{"param.M", "16"}, {"type", "HNSW"}, {"param.efConstruction", "64"}};
  auto p = BuildParams(a);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p["M"], "16");
  EXPECT_EQ(p["efConstruction"], "64");
}

TEST(RunQueries, EveryQueryAnsweredOnceAcrossClients) {
  TimedRun r = RunQueries(101, 2, 3, [](uint32_t q, int32_t* out) {
    out[0] = static_cast<int32_t>(q);
    out[1] = -7;
    return std::string();
  });
  ASSERT_TRUE(r.error.empty());
  for (uint32_t q = 0; q < 101; ++q) {
    EXPECT_EQ(r.ids[q * 2], static_cast<int32_t>(q));
    EXPECT_EQ(r.ids[q * 2 + 1], -7);
  }
  EXPECT_LE(r.p50_ms, r.p99_ms);
}

TEST(RunQueries, ReportsTheFirstError) {
  TimedRun r = BestOf(3, 50, 1, 2, [](uint32_t q, int32_t*) {
    return q == 5 ? std::string("boom at 5") : std::string();
  });
  EXPECT_EQ(r.error, "boom at 5");
}

TEST_F(SweepTest, IndexSweepWritesTheSearchAnswers) {
  Args a = Common("HNSW");
  a["param.M"] = "16";
  a["param.efConstruction"] = "100";
  a["sweep"] = "ef=10,200";
  testing::internal::CaptureStdout();
  ASSERT_EQ(IndexSweep(a), 0);
  std::string json = testing::internal::GetCapturedStdout();
  EXPECT_NE(json.find("\"index_bytes\": "), std::string::npos) << json;
  EXPECT_NE(json.find("\"ef\": 200"), std::string::npos) << json;
  std::vector<int32_t> ids = ReadIbin(dir_ + "/ids-1.ibin");
  ASSERT_EQ(ids.size(), size_t{kQ} * 10);
  EXPECT_GE(HitsOfExactTop10(ids), kQ * 10 * 95 / 100);  // ef=200 on 600 rows: near-exact
}

// --save-index then --load-index: the loaded image answers exactly as the built index did; an
// image of another type or other rows is refused.
TEST_F(SweepTest, IndexSavedThenLoadedGivesTheSameAnswers) {
  Args a = Common("HNSW");
  a["param.M"] = "16";
  a["param.efConstruction"] = "100";
  a["sweep"] = "ef=20";
  a["save-index"] = dir_ + "/hnsw.idx";
  testing::internal::CaptureStdout();
  ASSERT_EQ(IndexSweep(a), 0);
  testing::internal::GetCapturedStdout();
  const std::vector<int32_t> built = ReadIbin(dir_ + "/ids-0.ibin");
  ASSERT_TRUE(std::filesystem::exists(dir_ + "/hnsw.idx"));
  a.erase("save-index");
  a["load-index"] = dir_ + "/hnsw.idx";
  std::filesystem::remove(dir_ + "/ids-0.ibin");
  testing::internal::CaptureStdout();
  ASSERT_EQ(IndexSweep(a), 0);
  testing::internal::GetCapturedStdout();
  EXPECT_EQ(ReadIbin(dir_ + "/ids-0.ibin"), built);
  EXPECT_GE(HitsOfExactTop10(built), kQ * 10 * 80 / 100);
  a["type"] = "IVF_FLAT";  // not the type of the image
  testing::internal::CaptureStderr();
  EXPECT_EQ(IndexSweep(a), 1);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("is not a IVF_FLAT index"),
            std::string::npos);
  a["type"] = "HNSW";
  a["load-index"] = dir_ + "/missing.idx";
  testing::internal::CaptureStderr();
  EXPECT_EQ(IndexSweep(a), 1);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("cannot read --load-index"),
            std::string::npos);
}

// --serve 1 (bench/ann_interleaved.py): one build line, then one point per stdin line.
TEST_F(SweepTest, IndexServeAnswersOnePointPerLine) {
  Args a = Common("HNSW");
  a["param.M"] = "16";
  a["param.efConstruction"] = "100";
  a["serve"] = "1";
  std::ofstream(dir_ + "/stdin.txt") << "ef=200\nef=10\nquit\nef=20\n";
  ASSERT_NE(std::freopen((dir_ + "/stdin.txt").c_str(), "r", stdin), nullptr);
  testing::internal::CaptureStdout();
  ASSERT_EQ(IndexSweep(a), 0);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out;  // build + 2 points; quit stops
  EXPECT_NE(out.find("\"build_seconds\": "), std::string::npos) << out;
  EXPECT_NE(out.find("\"ef\": 200"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/ids-serve-2.ibin"));
  std::vector<int32_t> ids = ReadIbin(dir_ + "/ids-serve-0.ibin");
  ASSERT_EQ(ids.size(), size_t{kQ} * 10);
  EXPECT_GE(HitsOfExactTop10(ids), kQ * 10 * 95 / 100);
  std::ofstream(dir_ + "/stdin.txt") << "nonsense\n";  // a line without '=' is an error
  ASSERT_NE(std::freopen((dir_ + "/stdin.txt").c_str(), "r", stdin), nullptr);
  testing::internal::CaptureStdout();
  EXPECT_EQ(IndexSweep(a), 1);
  testing::internal::GetCapturedStdout();
}

TEST_F(SweepTest, IndexSweepRefusesBadInput) {
  Args a = Common("NO_SUCH_INDEX");
  EXPECT_EQ(IndexSweep(a), 1);
  a = Common("IVF_FLAT");
  a["sweep"] = "nprobe=0";  // nprobe must be >= 1
  a["param.nlist"] = "8";
  testing::internal::CaptureStdout();
  EXPECT_EQ(IndexSweep(a), 1);
  testing::internal::GetCapturedStdout();
  a = Common("HNSW");
  a["base"] = dir_ + "/missing.fbin";
  EXPECT_EQ(IndexSweep(a), 1);
}

TEST_F(SweepTest, FilteredSweepReturnsOnlyRowsPassingTheFilter) {
  Args a = Common("HNSW");
  a["param.M"] = "16";
  a["param.efConstruction"] = "100";
  a["sweep"] = "ef=64";
  a["attr"] = dir_ + "/rank.i64";
  a["filters"] = "sel_rank < 30;sel_rank < 600";
  testing::internal::CaptureStdout();
  ASSERT_EQ(FilteredSweep(a), 0);
  std::string json = testing::internal::GetCapturedStdout();
  EXPECT_NE(json.find("\"filter\": \"sel_rank < 30\""), std::string::npos) << json;
  std::vector<int32_t> ids = ReadIbin(dir_ + "/ids-0.ibin");
  ASSERT_EQ(ids.size(), size_t{kQ} * 10);
  size_t hits = 0;
  for (uint32_t q = 0; q < kQ; ++q) {
    std::set<int32_t> truth = Exact(q, 30);
    for (int j = 0; j < 10; ++j) {
      EXPECT_GE(ids[q * 10 + j], 0);
      EXPECT_LT(ids[q * 10 + j], 30);
      hits += truth.count(ids[q * 10 + j]);
    }
  }
  EXPECT_GE(hits, kQ * 10 * 95 / 100);
}

TEST_F(SweepTest, FilteredSweepRefusesBadFiltersAndColumns) {
  Args a = Common("HNSW");
  a["attr"] = dir_ + "/rank.i64";
  a["filters"] = "sel_rank <<< 3";
  testing::internal::CaptureStdout();
  EXPECT_EQ(FilteredSweep(a), 1);
  testing::internal::GetCapturedStdout();
  std::ofstream(dir_ + "/short.i64", std::ios::binary).write("12345678", 8);  // one value, not 600
  a["attr"] = dir_ + "/short.i64";
  a["filters"] = "sel_rank < 3";
  EXPECT_EQ(FilteredSweep(a), 1);
}

}  // namespace
}  // namespace elanus::bench
