// Compaction: outputs in primary-key order, force merge, the plans it reports, the key-order flag
// of segment listings, and the handoff (outputs indexed before they replace their sources, writes
// made meanwhile kept).
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/collection.h"
#include "engine/test_util.h"

namespace elanus::engine {
namespace {

using namespace testing;

// Rows with the given ids (in this order); vec encodes the id so moved rows can be checked.
std::string RowsWithIds(const std::vector<int>& ids) {
  std::string rows = "[";
  for (size_t k = 0; k < ids.size(); ++k) {
    const std::string id = std::to_string(ids[k]);
    rows += (k > 0 ? "," : "") + std::string(R"({"id": )") + id + R"(, "vec": [)" + id +
            R"(, 1, 0, 0], "tag": "t)" + id + "\"}";
  }
  return rows + "]";
}

std::vector<int> Range(int from, int to, int step = 1) {
  std::vector<int> v;
  for (int i = from; step > 0 ? i < to : i > to; i += step) v.push_back(i);
  return v;
}

std::vector<SegmentInfo> Sealed(Engine& e) {
  auto segs = e.ListSegments("default", "c");
  EXPECT_TRUE(segs.ok()) << segs.status().ToString();
  std::vector<SegmentInfo> out;
  if (!segs.ok()) return out;
  for (const SegmentInfo& s : *segs)
    if (s.sealed) out.push_back(s);
  return out;
}

// Every visible row: id -> vec[0] and tag must still belong together.
void ExpectRowsIntact(Engine& e, size_t expected_rows) {
  QueryRequest q;
  q.collection = "c";
  q.limit = 16384;
  q.output_fields = {"id", "vec", "tag"};
  auto r = e.Query(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const FieldColumn* id = nullptr;
  const FieldColumn* vec = nullptr;
  const FieldColumn* tag = nullptr;
  for (const FieldColumn& f : r->fields) {
    if (f.name == "id") id = &f;
    if (f.name == "vec") vec = &f;
    if (f.name == "tag") tag = &f;
  }
  ASSERT_TRUE(id && vec && tag);
  ASSERT_EQ(id->ints.size(), expected_rows);
  for (size_t i = 0; i < id->ints.size(); ++i) {
    EXPECT_EQ(static_cast<int64_t>(vec->floats[i * 4]), id->ints[i]);
    EXPECT_EQ(tag->strings[i], "t" + std::to_string(id->ints[i]));
  }
}

class CompactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_ = MustOpen(Options(dir_.path()));
    ASSERT_TRUE(e_);
    ASSERT_OK(e_->CreateCollection("default", BasicSchema("c")));
  }
  void InsertAndFlush(const std::vector<int>& ids) {
    ASSERT_OK(e_->InsertRows("default", "c", "", RowsWithIds(ids)).status());
    ASSERT_OK(e_->Flush("default", "c"));
  }
  TempDir dir_;
  std::unique_ptr<Engine> e_;
};

TEST_F(CompactionTest, SegmentsReportWhetherTheirRowsAreInKeyOrder) {
  InsertAndFlush(Range(0, 50));         // ascending
  InsertAndFlush(Range(199, 100, -1));  // descending
  std::vector<SegmentInfo> segs = Sealed(*e_);
  ASSERT_EQ(segs.size(), 2u);
  std::sort(segs.begin(), segs.end(),
            [](const SegmentInfo& a, const SegmentInfo& b) { return a.id < b.id; });
  EXPECT_TRUE(segs[0].sorted);
  EXPECT_FALSE(segs[1].sorted);
  // Growing segments never claim an order.
  ASSERT_OK(e_->InsertRows("default", "c", "", RowsWithIds({500, 501})).status());
  ASSERT_OK_AND_ASSIGN(auto all, e_->ListSegments("default", "c"));
  for (const SegmentInfo& s : all) EXPECT_TRUE(s.sealed || !s.sorted);
}

TEST_F(CompactionTest, MergedSegmentsAreInKeyOrderAndPlansNameTheirSources) {
  InsertAndFlush({5, 1, 9, 3});
  InsertAndFlush({8, 2, 7});
  InsertAndFlush({6, 4, 0});
  std::vector<int64_t> sources;
  for (const SegmentInfo& s : Sealed(*e_)) sources.push_back(s.id);
  ASSERT_EQ(sources.size(), 3u);
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{{7}, {}}).status());

  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "c", CompactOptions{}));
  ASSERT_EQ(plans.size(), 1u);
  std::vector<int64_t> got = plans[0].sources;
  std::sort(got.begin(), got.end());
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(got, sources);
  std::vector<SegmentInfo> after = Sealed(*e_);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, plans[0].target);
  EXPECT_EQ(after[0].rows, 9u);  // the deleted row is gone
  EXPECT_TRUE(after[0].sorted);
  ExpectRowsIntact(*e_, 9);

  // Rows moved: deletes and upserts still find them, and everything survives a reopen.
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{{0, 9}, {}}).status());
  ASSERT_OK(e_->UpsertRows("default", "c", "", RowsWithIds({4})).status());
  ExpectRowsIntact(*e_, 7);
  e_.reset();
  e_ = MustOpen(Options(dir_.path()));
  ASSERT_TRUE(e_);
  ExpectRowsIntact(*e_, 7);
}

TEST_F(CompactionTest, NullsSurviveAMergeOfSegmentsWithAndWithoutNulls) {
  InsertAndFlush({4, 2});  // every tag set
  ASSERT_OK(e_->InsertRows("default", "c", "",
                           R"([{"id": 3, "vec": [3,1,0,0], "tag": null},
                               {"id": 1, "vec": [1,1,0,0], "tag": "t1"}])")
                .status());
  ASSERT_OK(e_->Flush("default", "c"));
  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "c", CompactOptions{}));
  ASSERT_EQ(plans.size(), 1u);
  QueryRequest q;
  q.collection = "c";
  q.filter = "id >= 0";
  q.output_fields = {"id", "tag"};
  ASSERT_OK_AND_ASSIGN(auto r, e_->Query(q));
  const FieldColumn& ids = r.fields[0].name == "id" ? r.fields[0] : r.fields[1];
  const FieldColumn& tags = r.fields[0].name == "id" ? r.fields[1] : r.fields[0];
  ASSERT_EQ(ids.ints.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const bool is_null = !tags.valid.empty() && tags.valid[i] == 0;
    EXPECT_EQ(is_null, ids.ints[i] == 3) << ids.ints[i];
    if (!is_null) {
      EXPECT_EQ(tags.strings[i], "t" + std::to_string(ids.ints[i]));
    }
  }
}

TEST_F(CompactionTest, VarcharKeysAreOrderedToo) {
  CollectionSchema s = BasicSchema("v");
  s.fields[0].type = DataType::kVarChar;
  s.fields[0].max_length = 16;
  ASSERT_OK(e_->CreateCollection("default", s));
  ASSERT_OK(e_->InsertRows("default", "v", "", R"([{"id": "pear", "vec": [1,0,0,0]},
      {"id": "apple", "vec": [2,0,0,0]}])")
                .status());
  ASSERT_OK(e_->Flush("default", "v"));
  ASSERT_OK(e_->InsertRows("default", "v", "", R"([{"id": "fig", "vec": [3,0,0,0]}])").status());
  ASSERT_OK(e_->Flush("default", "v"));
  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "v", CompactOptions{}));
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto segs, e_->ListSegments("default", "v"));
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_TRUE(segs[0].sorted);
  QueryRequest q;
  q.collection = "v";
  q.filter = "id in ['apple', 'fig', 'pear']";
  q.output_fields = {"id", "vec"};
  ASSERT_OK_AND_ASSIGN(auto r, e_->Query(q));
  ASSERT_EQ(r.fields[0].strings.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const std::string& id = r.fields[0].strings[i];
    const float v = r.fields[1].floats[i * 4];
    EXPECT_EQ(v, id == "pear" ? 1.0f : id == "apple" ? 2.0f : 3.0f) << id;
  }
}

TEST_F(CompactionTest, ForceMergeCoversEveryLoneSegment) {
  InsertAndFlush(Range(0, 20));  // alone and sorted: reported as its own target
  // A plain compaction leaves a lone clean segment alone and reports nothing.
  ASSERT_OK_AND_ASSIGN(auto none, e_->Compact("default", "c", CompactOptions{}));
  EXPECT_TRUE(none.empty());
  const int64_t sorted_id = Sealed(*e_)[0].id;
  CompactOptions force;
  force.force_merge = true;
  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "c", force));
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].sources, std::vector<int64_t>{sorted_id});
  EXPECT_EQ(plans[0].target, sorted_id);

  // A lone unsorted segment is rewritten in key order.
  CollectionSchema s = BasicSchema("d");
  ASSERT_OK(e_->CreateCollection("default", s));
  ASSERT_OK(e_->InsertRows("default", "d", "", RowsWithIds(Range(30, 0, -1))).status());
  ASSERT_OK(e_->Flush("default", "d"));
  ASSERT_OK_AND_ASSIGN(auto before, e_->ListSegments("default", "d"));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_FALSE(before[0].sorted);
  ASSERT_OK_AND_ASSIGN(auto plans2, e_->Compact("default", "d", force));
  ASSERT_EQ(plans2.size(), 1u);
  EXPECT_EQ(plans2[0].sources, std::vector<int64_t>{before[0].id});
  ASSERT_OK_AND_ASSIGN(auto after, e_->ListSegments("default", "d"));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, plans2[0].target);
  EXPECT_NE(after[0].id, before[0].id);
  EXPECT_TRUE(after[0].sorted);
  EXPECT_EQ(after[0].rows, 30u);
}

IndexParams HnswOnVec() {
  IndexParams p;
  p.field_name = "vec";
  p.index_type = "HNSW";
  p.metric = MetricType::kL2;
  p.params = {{"M", "8"}, {"efConstruction", "32"}};
  return p;
}

// Field `name` of the row with primary key `id` (ints), or empty when no row has that key.
std::vector<int64_t> IntFieldOf(Engine& e, int id, const std::string& name) {
  QueryRequest q;
  q.collection = "c";
  q.filter = "id == " + std::to_string(id);
  q.output_fields = {"id", name};
  auto r = e.Query(q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  for (const FieldColumn& f : r->fields)
    if (f.name == name) return f.ints;
  return {};
}

size_t FilesEndingIn(const std::string& dir, const std::string& suffix) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string p = e.path().string();
    n += p.size() >= suffix.size() &&
         p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return n;
}

class CompactionHandoffTest : public CompactionTest {
 protected:
  void TearDown() override { SetCompactionHandoffHookForTesting({}); }
};

TEST_F(CompactionHandoffTest, OutputsReplaceTheirSourcesWithTheirIndexesBuilt) {
  ASSERT_OK(e_->CreateIndex("default", "c", HnswOnVec()));
  InsertAndFlush(Range(0, 1500));
  InsertAndFlush(Range(1500, 3000));
  InsertAndFlush(Range(3000, 4500));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{{10, 20}, {}}).status());
  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "c", CompactOptions{}));
  ASSERT_EQ(plans.size(), 1u);
  // No WaitForIndexes: the output came in with its index (the background builder would need
  // milliseconds to build one after the swap; this reads right after it).
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_TRUE(infos[0].finished);
  EXPECT_EQ(infos[0].total_rows, 4498u);
  EXPECT_EQ(infos[0].indexed_rows, 4498u);
  // The old segments' index files are gone, the output's is there.
  EXPECT_EQ(FilesEndingIn(dir_.path(), ".idx"), 1u);
  SearchRequest req;
  req.collection = "c";
  req.anns_field = "vec";
  req.limit = 1;
  req.queries.type = DataType::kFloatVector;
  req.queries.dim = 4;
  req.queries.floats = {2222, 1, 0, 0};
  req.output_fields = {"id"};
  ASSERT_OK_AND_ASSIGN(auto r, e_->Search(req));
  ASSERT_EQ(r.ids.ints.size(), 1u);
  EXPECT_EQ(r.ids.ints[0], 2222);
}

TEST_F(CompactionHandoffTest, WritesWhileTheOutputsAreBuiltAreKeptAcrossReopen) {
  ASSERT_OK(e_->CreateIndex("default", "c", HnswOnVec()));
  InsertAndFlush(Range(0, 300));
  InsertAndFlush(Range(300, 600));
  InsertAndFlush(Range(600, 900));
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{{1}, {}}).status());
  std::vector<int64_t> sources;
  for (const SegmentInfo& s : Sealed(*e_)) sources.push_back(s.id);
  bool hook_ran = false;
  SetCompactionHandoffHookForTesting([&] {
    hook_ran = true;
    // The sources still serve: the output is not visible yet.
    std::vector<int64_t> now;
    for (const SegmentInfo& s : Sealed(*e_)) now.push_back(s.id);
    EXPECT_EQ(now, sources);
    ExpectRowsIntact(*e_, 899);
    // Writers are not blocked. Deletes of merged rows, an upsert of one (n = 99 marks the new
    // version), and a flush that persists these marks against the sources.
    EXPECT_TRUE(e_->Delete("default", "c", "", PrimaryKeys{{2, 350, 899}, {}}).ok());
    EXPECT_TRUE(e_->UpsertRows("default", "c", "",
                               R"([{"id": 5, "vec": [5, 1, 0, 0], "tag": "t5", "n": 99}])")
                    .ok());
    EXPECT_TRUE(e_->InsertRows("default", "c", "", RowsWithIds(Range(900, 950))).ok());
    EXPECT_TRUE(e_->Flush("default", "c").ok());
    // A delete after that flush stays in memory (and the log) until the swap.
    EXPECT_TRUE(e_->Delete("default", "c", "", PrimaryKeys{{700, 920}, {}}).ok());
  });
  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "c", CompactOptions{}));
  ASSERT_TRUE(hook_ran);
  ASSERT_EQ(plans.size(), 1u);
  auto check = [&] {
    // 900 - 1 before, - 3 deleted in the hook, + 50 inserted, - 2 deleted after the flush; the
    // upsert replaced a row.
    ExpectRowsIntact(*e_, 944);
    for (int gone : {1, 2, 350, 899, 700, 920}) EXPECT_TRUE(IntFieldOf(*e_, gone, "n").empty());
    EXPECT_EQ(IntFieldOf(*e_, 5, "n"), std::vector<int64_t>{99});
    EXPECT_EQ(IntFieldOf(*e_, 6, "n"), std::vector<int64_t>{7});
  };
  check();
  // Moved rows are found by later deletes and upserts.
  ASSERT_OK(e_->Delete("default", "c", "", PrimaryKeys{{3}, {}}).status());
  ASSERT_OK(e_->UpsertRows("default", "c", "",
                           R"([{"id": 4, "vec": [4, 1, 0, 0], "tag": "t4", "n": 42}])")
                .status());
  ExpectRowsIntact(*e_, 943);
  EXPECT_TRUE(IntFieldOf(*e_, 3, "n").empty());
  EXPECT_EQ(IntFieldOf(*e_, 4, "n"), std::vector<int64_t>{42});
  // The carried-over deletes are persisted: a reopen (no flush) sees the same rows.
  SetCompactionHandoffHookForTesting({});
  e_.reset();
  e_ = MustOpen(Options(dir_.path()));
  ASSERT_TRUE(e_);
  ExpectRowsIntact(*e_, 943);
  for (int gone : {1, 2, 3, 350, 899, 700, 920}) EXPECT_TRUE(IntFieldOf(*e_, gone, "n").empty());
  EXPECT_EQ(IntFieldOf(*e_, 5, "n"), std::vector<int64_t>{99});
  EXPECT_EQ(IntFieldOf(*e_, 4, "n"), std::vector<int64_t>{42});
  // And once more after everything is flushed and compacted again.
  ASSERT_OK(e_->Flush("default", "c"));
  ASSERT_OK(e_->Compact("default", "c"));
  e_.reset();
  e_ = MustOpen(Options(dir_.path()));
  ASSERT_TRUE(e_);
  ExpectRowsIntact(*e_, 943);
  EXPECT_EQ(IntFieldOf(*e_, 5, "n"), std::vector<int64_t>{99});
}

// A writer thread inserts, upserts, deletes and flushes while the main thread compacts again and
// again; afterwards (and after a reopen) the rows are exactly the writer's model.
TEST_F(CompactionHandoffTest, ConcurrentWritesDuringCompactionsAreKept) {
  ASSERT_OK(e_->CreateIndex("default", "c", HnswOnVec()));
  for (int s = 0; s < 4; ++s) InsertAndFlush(Range(s * 200, s * 200 + 200));
  std::map<int, int> model;  // id -> n; the writer's alone until it is joined
  for (int i = 0; i < 800; ++i) model[i] = 7;
  auto row = [](int id, int n) {
    return R"({"id": )" + std::to_string(id) + R"(, "vec": [)" + std::to_string(id) +
           R"(, 1, 0, 0], "tag": "t)" + std::to_string(id) + R"(", "n": )" + std::to_string(n) +
           "}";
  };
  std::atomic<bool> writer_failed{false};
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    std::mt19937 rng(7);
    int next_id = 800;
    for (int op = 0; op < 2000; ++op) {
      std::vector<int> keys;
      for (int k = 0; k < 5 && !model.empty(); ++k) {
        auto it = model.begin();
        std::advance(it, rng() % model.size());
        keys.push_back(it->first);
      }
      bool ok = true;
      switch (rng() % 4) {
        case 0: {  // insert new rows
          std::string rows = "[";
          for (int k = 0; k < 5; ++k) {
            rows += (k ? "," : "") + row(next_id, 7);
            model[next_id++] = 7;
          }
          ok = e_->InsertRows("default", "c", "", rows + "]").ok();
          break;
        }
        case 1: {  // upsert existing ones with a new n
          std::string rows = "[";
          std::sort(keys.begin(), keys.end());
          keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
          for (size_t k = 0; k < keys.size(); ++k) {
            rows += (k ? "," : "") + row(keys[k], op);
            model[keys[k]] = op;
          }
          ok = e_->UpsertRows("default", "c", "", rows + "]").ok();
          break;
        }
        case 2: {  // delete
          PrimaryKeys del;
          for (int k : keys) {
            del.ints.push_back(k);
            model.erase(k);
          }
          ok = e_->Delete("default", "c", "", del).ok();
          break;
        }
        default:
          if (op % 8 == 3) ok = e_->Flush("default", "c").ok();
      }
      if (!ok) writer_failed = true;
    }
    writer_done = true;
  });
  int rounds = 0;
  do {  // compactions back to back for as long as the writer writes
    CompactOptions o;
    o.force_merge = rounds++ % 2 == 1;
    auto plans = e_->Compact("default", "c", o);
    EXPECT_TRUE(plans.ok()) << plans.status().ToString();
  } while (!writer_done.load());
  writer.join();
  RecordProperty("compactions", rounds);
  ASSERT_FALSE(writer_failed.load());
  auto check = [&] {
    ExpectRowsIntact(*e_, model.size());
    QueryRequest q;
    q.collection = "c";
    q.limit = 16384;
    q.output_fields = {"id", "n"};
    ASSERT_OK_AND_ASSIGN(auto r, e_->Query(q));
    const FieldColumn& ids = r.fields[0].name == "id" ? r.fields[0] : r.fields[1];
    const FieldColumn& ns = r.fields[0].name == "id" ? r.fields[1] : r.fields[0];
    std::map<int, int> got;
    for (size_t i = 0; i < ids.ints.size(); ++i)
      got[static_cast<int>(ids.ints[i])] = static_cast<int>(ns.ints[i]);
    EXPECT_EQ(got, model);
  };
  check();
  e_.reset();
  e_ = MustOpen(Options(dir_.path()));
  ASSERT_TRUE(e_);
  check();
}

TEST_F(CompactionHandoffTest, AnIndexDroppedMeanwhileIsNotAttached) {
  ASSERT_OK(e_->CreateIndex("default", "c", HnswOnVec()));
  InsertAndFlush(Range(0, 200));
  InsertAndFlush(Range(200, 400));
  ASSERT_OK(e_->WaitForIndexes("default", "c"));
  SetCompactionHandoffHookForTesting(
      [&] { EXPECT_TRUE(e_->DropIndex("default", "c", "vec").ok()); });
  ASSERT_OK_AND_ASSIGN(auto plans, e_->Compact("default", "c", CompactOptions{}));
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto infos, e_->DescribeIndexes("default", "c"));
  EXPECT_TRUE(infos.empty());
  EXPECT_EQ(FilesEndingIn(dir_.path(), ".idx"), 0u);
  ExpectRowsIntact(*e_, 400);
}

}  // namespace
}  // namespace elanus::engine
