// Grouping search against a brute-force grouping computed in the test: exact search over sealed
// and growing segments, integer and nullable VARCHAR group fields, group_size, strict mode,
// offsets counted in groups, and the parameter errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;

constexpr int kRows = 600;
constexpr int kDim = 4;

class GroupSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    ASSERT_OK(e_->CreateCollection("default", BasicSchema("c", kDim)));
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1, 1);
    std::string rows = "[";
    for (int i = 0; i < kRows; ++i) {
      std::vector<float> v(kDim);
      for (float& x : v) x = u(rng);
      vecs_.push_back(v);
      // Skewed groups: n = i % 7 is small for most rows, a few rare values above.
      int n = (i % 50 == 0) ? 100 + i / 50 : i % 7;
      ns_.push_back(n);
      // tag: NULL for every 5th row, else one of 4 strings.
      tags_.push_back(i % 5 == 0 ? "" : "t" + std::to_string(i % 4));
      std::string vec = "[";
      for (int d = 0; d < kDim; ++d) vec += (d ? "," : "") + std::to_string(v[d]);
      rows += std::string(i % 300 ? "," : "") + R"({"id": )" + std::to_string(i) + R"(, "vec": )" +
              vec + "]" + (i % 5 == 0 ? "" : R"(, "tag": ")" + tags_.back() + "\"") + R"(, "n": )" +
              std::to_string(n) + "}";
      if (i % 300 == 299) {  // first half sealed, second half growing
        ASSERT_OK(e_->InsertRows("default", "c", "", rows + "]").status());
        if (i < 300) ASSERT_OK(e_->Flush("default", "c"));
        rows = "[";
      }
    }
    stored_ = vecs_;
    // Distances are computed on the values as the engine parsed them (decimal text).
    for (int i = 0; i < kRows; ++i)
      for (int d = 0; d < kDim; ++d) stored_[i][d] = std::stof(std::to_string(vecs_[i][d]));
  }

  // Expected ids, group by group: brute-force L2, ties by id.
  std::vector<int64_t> Expected(const std::vector<float>& q, bool by_tag, int64_t limit,
                                int64_t offset, size_t size, bool strict) {
    std::vector<std::pair<float, int>> all;
    for (int i = 0; i < kRows; ++i) {
      float d = 0;
      for (int k = 0; k < kDim; ++k) d += (stored_[i][k] - q[k]) * (stored_[i][k] - q[k]);
      all.push_back({d, i});
    }
    std::sort(all.begin(), all.end());
    std::vector<std::string> order;
    std::map<std::string, std::vector<int64_t>> groups;
    for (auto& [d, i] : all) {
      std::string key = by_tag ? (tags_[i].empty() ? "<null>" : tags_[i]) : std::to_string(ns_[i]);
      auto& g = groups[key];
      if (g.empty()) order.push_back(key);
      if (g.size() < size) g.push_back(i);
    }
    if (strict) std::erase_if(order, [&](const std::string& k) { return groups[k].size() < size; });
    std::vector<int64_t> out;
    for (size_t g = static_cast<size_t>(offset);
         g < std::min(order.size(), static_cast<size_t>(offset + limit)); ++g)
      for (int64_t id : groups[order[g]]) out.push_back(id);
    return out;
  }

  SearchRequest Request(const std::vector<float>& q, const std::string& field) {
    SearchRequest r;
    r.collection = "c";
    r.metric = MetricType::kL2;
    r.queries.type = DataType::kFloatVector;
    r.queries.floats = q;
    r.group_by_field = field;
    return r;
  }

  TempDir dir_;
  std::unique_ptr<Engine> e_;
  std::vector<std::vector<float>> vecs_, stored_;
  std::vector<int> ns_;
  std::vector<std::string> tags_;
};

TEST_F(GroupSearchTest, MatchesBruteForceGrouping) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1);
  struct P {
    bool by_tag;
    int64_t limit, offset, size;
    bool strict;
  };
  const P cases[] = {{false, 3, 0, 1, false},   {false, 5, 0, 4, false},  {false, 10, 2, 3, false},
                     {false, 12, 0, 10, false}, {false, 12, 0, 10, true}, {true, 5, 0, 3, false},
                     {true, 2, 1, 10, true},    {false, 20, 0, 2, true}};
  for (const P& p : cases) {
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<float> q(kDim);
      for (float& x : q) x = u(rng);
      SearchRequest r = Request(q, p.by_tag ? "tag" : "n");
      r.limit = p.limit;
      r.offset = p.offset;
      r.group_size = p.size;
      r.strict_group_size = p.strict;
      r.output_fields = {"n"};
      auto res = e_->Search(r);
      ASSERT_TRUE(res.ok()) << res.status().ToString();
      std::vector<int64_t> want =
          Expected(q, p.by_tag, p.limit, p.offset, static_cast<size_t>(p.size), p.strict);
      EXPECT_EQ(res->ids.ints, want)
          << "by_tag=" << p.by_tag << " limit=" << p.limit << " offset=" << p.offset
          << " size=" << p.size << " strict=" << p.strict;
      ASSERT_EQ(res->topks.size(), 1u);
      EXPECT_EQ(res->topks[0], static_cast<int64_t>(want.size()));
      // The group value of every hit, and only the requested output field.
      ASSERT_TRUE(res->group_values.has_value());
      ASSERT_EQ(res->fields.size(), 1u);
      EXPECT_EQ(res->fields[0].name, "n");
      for (size_t k = 0; k < res->ids.ints.size(); ++k) {
        int64_t id = res->ids.ints[k];
        if (p.by_tag) {
          bool null = tags_[id].empty();
          EXPECT_EQ(res->group_values->IsNull(k), null);
          if (!null) {
            EXPECT_EQ(res->group_values->strings[k], tags_[id]);
          }
        } else {
          EXPECT_EQ(res->group_values->ints[k], ns_[id]);
          EXPECT_EQ(res->fields[0].ints[k], ns_[id]);
        }
      }
    }
  }
}

TEST_F(GroupSearchTest, RejectsBadGroupingParameters) {
  SearchRequest r = Request(std::vector<float>(kDim, 0.5f), "vec");
  auto bad = e_->Search(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("group_by_field 'vec'"), std::string::npos);

  r.group_by_field = "missing";
  bad = e_->Search(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not a field"), std::string::npos);

  r.group_by_field = "n";
  r.group_size = 11;
  bad = e_->Search(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("group_size 11"), std::string::npos);
}

TEST_F(GroupSearchTest, WorksWithAnIndexAndAFilter) {
  ASSERT_OK(e_->Flush("default", "c"));
  IndexParams ip{.field_name = "vec",
                 .index_type = "HNSW",
                 .metric = MetricType::kL2,
                 .params = {{"M", "8"}, {"efConstruction", "64"}}};
  ASSERT_OK(e_->CreateIndex("default", "c", ip));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  SearchRequest r = Request(std::vector<float>(kDim, 0.1f), "n");
  r.limit = 4;
  r.group_size = 3;
  r.filter = "id % 2 == 0";
  r.search_params = {{"ef", "16"}};  // raised to the candidate count internally
  auto res = e_->Search(r);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  std::map<int64_t, int> per_group;
  for (size_t k = 0; k < res->ids.ints.size(); ++k) {
    EXPECT_EQ(res->ids.ints[k] % 2, 0);
    ++per_group[res->group_values->ints[k]];
  }
  EXPECT_EQ(per_group.size(), 4u);
  for (auto& [g, n] : per_group) EXPECT_LE(n, 3) << "group " << g;
}

}  // namespace
}  // namespace elanus::engine
