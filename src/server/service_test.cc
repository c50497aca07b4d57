// ServiceLayer over a real Engine in a temporary directory: consistency levels -> snapshots,
// aliases and metadata persistence.
#include "server/service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace elanus::server {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/elanus_service_testXXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Open(5000);
  }
  void TearDown() override {
    service_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(uint64_t graceful_ms, bool meta_in_engine = false) {
    service_.reset();
    engine_.reset();
    EngineOptions eo;
    eo.path = dir_ + "/data";
    eo.sync = false;
    auto e = Engine::Open(eo);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    ServiceOptions so{dir_ + "/data/server-meta.json", graceful_ms};
    so.meta_in_engine = meta_in_engine;
    service_ = std::make_unique<ServiceLayer>(engine_.get(), so);
    ASSERT_TRUE(service_->LoadMeta().ok());
  }
  uint64_t CreateAndInsert(int32_t level) {
    CollectionSchema s;
    s.name = "c";
    FieldSchema id;
    id.name = "id";
    id.type = DataType::kInt64;
    id.is_primary_key = true;
    FieldSchema vec;
    vec.name = "v";
    vec.type = DataType::kFloatVector;
    vec.dim = 2;
    s.fields = {id, vec};
    CollectionOptions o;
    o.consistency_level = level;
    EXPECT_TRUE(service_->CreateCollection("default", s, o).ok());
    EXPECT_TRUE(service_->LoadCollection("default", "c").ok());
    FieldColumn ids{"id", DataType::kInt64};
    ids.ints = {1, 2};
    FieldColumn vs{"v", DataType::kFloatVector, 2};
    vs.floats = {1, 0, 0, 1};
    auto r = service_->Insert("default", "c", "", {ids, vs});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->timestamp : 0;
  }
  uint64_t ReadTs(const ReadConsistency& rc, const std::string& coll = "c") {
    QueryRequest q;
    q.collection = coll;
    q.output_fields = {"count(*)"};
    auto r = service_->Query(q, rc);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->snapshot_ts : 0;
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ServiceLayer> service_;
};

ReadConsistency Level(int32_t level, uint64_t guarantee = 0) {
  ReadConsistency rc;
  rc.level = level;
  rc.use_default = false;
  rc.guarantee_ts = guarantee;
  return rc;
}

TEST_F(ServiceTest, ConsistencyLevelsPickTheirSnapshots) {
  uint64_t w = CreateAndInsert(kConsistencyStrong);
  ASSERT_GT(w, 0u);
  EXPECT_EQ(ReadTs(Level(kConsistencyEventually)), w);            // newest applied, no waiting
  EXPECT_GT(ReadTs(Level(kConsistencyStrong)), w);                // a fresh timestamp
  EXPECT_EQ(ReadTs(Level(kConsistencySession, w)), w);            // applied already covers G
  EXPECT_EQ(ReadTs(Level(kConsistencySession, w + 99)), w + 99);  // not yet: read at G
  EXPECT_EQ(ReadTs(Level(kConsistencySession, 1)), w);            // no write in this session
  EXPECT_EQ(ReadTs(Level(kConsistencyBounded)), w);               // the write is within 5 s
  ReadConsistency def;  // use_default: the collection's level (Strong here)
  EXPECT_GT(ReadTs(def), w);
  ReadConsistency it = Level(kConsistencyEventually, w - 5);
  it.iterator = true;  // a pinned iterator snapshot is exact
  EXPECT_EQ(ReadTs(it), w - 5);
}

TEST_F(ServiceTest, CompactionRunsInTheBackgroundAndReportsItsPlans) {
  CreateAndInsert(0);
  ASSERT_TRUE(service_->Flush("default", "c").ok());
  FieldColumn ids{"id", DataType::kInt64};
  ids.ints = {3};
  FieldColumn vs{"v", DataType::kFloatVector, 2};
  vs.floats = {1, 1};
  ASSERT_TRUE(service_->Insert("default", "c", "", {ids, vs}).ok());
  ASSERT_TRUE(service_->Flush("default", "c").ok());
  // A missing collection fails at once; an unknown id is NotFound.
  EXPECT_TRUE(service_->Compact("default", "nope").status().IsNotFound());
  EXPECT_TRUE(service_->GetCompaction(12345).status().IsNotFound());
  auto id = service_->Compact("default", "c");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ServiceLayer::CompactionStatus c;
  for (int i = 0; i < 3000 && !c.done; ++i) {  // up to 30 s; two tiny segments take milliseconds
    auto got = service_->GetCompaction(*id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    c = *got;
    if (!c.done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(c.done);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.plans.size(), 1u);
  EXPECT_EQ(c.plans[0].sources.size(), 2u);
  auto segs = service_->ListSegments("default", "c");
  ASSERT_TRUE(segs.ok());
  ASSERT_EQ(segs->size(), 1u);
  EXPECT_EQ((*segs)[0].id, c.plans[0].target);
  EXPECT_EQ((*segs)[0].rows, 3u);
  // Stopping twice (here, then in the destructor) is harmless; later requests are refused.
  service_->StopCompactions();
  EXPECT_EQ(service_->Compact("default", "c").status().code(), StatusCode::kUnavailable);
}

TEST_F(ServiceTest, BoundedWithoutGraceReadsAtNow) {
  Open(0);
  uint64_t w = CreateAndInsert(kConsistencyBounded);
  usleep(3000);  // G = now (whole milliseconds) must move past the write's millisecond
  EXPECT_GT(ReadTs(Level(kConsistencyBounded)), w);
}

TEST_F(ServiceTest, AliasesAndStateSurviveReopen) {
  CreateAndInsert(kConsistencySession);
  ASSERT_TRUE(service_->CreateAlias("default", "a", "c").ok());
  ASSERT_TRUE(service_->CreateIndex("default", "c", "v", "", {{"metric_type", "L2"}}).ok());
  ASSERT_TRUE(service_->ReleaseCollection("default", "c").ok());
  Open(5000);
  auto d = service_->DescribeCollection("default", "a");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->info.schema.name, "c");
  EXPECT_EQ(d->options.consistency_level, kConsistencySession);
  EXPECT_EQ(d->aliases, std::vector<std::string>{"a"});
  auto state = service_->GetLoadState("default", "a");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, LoadState::kNotLoad);
  auto idx = service_->DescribeIndex("default", "c", "v", "");
  ASSERT_TRUE(idx.ok());
  EXPECT_EQ((*idx)[0].metric, MetricType::kL2);
  EXPECT_FALSE(service_->DropCollection("default", "c").ok());  // it has an alias
  EXPECT_TRUE(service_->DropAlias("default", "a").ok());
  EXPECT_TRUE(service_->DropCollection("default", "c").ok());
}

TEST_F(ServiceTest, MetadataMovesIntoTheEngineStore) {
  CreateAndInsert(kConsistencySession);
  ASSERT_TRUE(service_->CreateAlias("default", "a", "c").ok());
  const std::string file = dir_ + "/data/server-meta.json";
  ASSERT_TRUE(std::filesystem::exists(file));
  Open(5000, /*meta_in_engine=*/true);  // imports the file once
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_TRUE(std::filesystem::exists(file + ".migrated"));
  auto d = service_->DescribeCollection("default", "a");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->options.consistency_level, kConsistencySession);
  ASSERT_TRUE(service_->CreateAlias("default", "b", "c").ok());
  ASSERT_TRUE(service_->ReleaseCollection("default", "c").ok());
  Open(5000, /*meta_in_engine=*/true);
  EXPECT_FALSE(std::filesystem::exists(file));  // nothing writes the file any more
  d = service_->DescribeCollection("default", "b");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->aliases, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*service_->GetLoadState("default", "c"), LoadState::kNotLoad);
  auto stored = engine_->GetServerMeta("catalog");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->rfind("ELANUS-SERVER-META 1 ", 0), 0u);
}

}  // namespace
}  // namespace elanus::server
