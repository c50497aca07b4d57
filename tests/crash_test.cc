// Crash test: a child process inserts, upserts, deletes, flushes and compacts in a loop and is
// killed with SIGKILL at a random moment. After each kill the parent reopens the data and checks
// that every acknowledged write is present and that the one write in flight is either wholly
// visible or wholly absent. Runs for both storage backends.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "elanus/engine.h"

namespace elanus {
namespace {

enum OpType : int64_t { kInsert = 1, kUpsert = 2, kDelete = 3 };

// One message on the pipe (<= PIPE_BUF, so each write is atomic).
struct Msg {
  int64_t ack;  // 0: intent (about to run), 1: acknowledged
  int64_t type;
  int64_t seq;  // value written to field v
  int64_t n;
  int64_t ids[60];
};
static_assert(sizeof(Msg) <= PIPE_BUF);

using Model = std::map<int64_t, int64_t>;  // id -> v

EngineOptions Opts(const std::string& dir, bool single_file) {
  EngineOptions o;
  o.backend = single_file ? EngineOptions::Backend::kSingleFile : EngineOptions::Backend::kDataDir;
  o.path = dir + (single_file ? "/lite.db" : "/data");
  o.sync = true;
  o.threads = 1;
  o.seal_rows = 700;  // seal often so kills land in flushes too
  o.compact_min_segments = 4;
  return o;
}

Status Apply(Engine& e, const Msg& m) {
  FieldColumn id{.name = "id", .type = DataType::kInt64};
  FieldColumn v{.name = "v", .type = DataType::kInt64};
  FieldColumn vec{.name = "vec", .type = DataType::kFloatVector, .dim = 2};
  for (int64_t i = 0; i < m.n; ++i) {
    id.ints.push_back(m.ids[i]);
    v.ints.push_back(m.seq);
    vec.floats.push_back(static_cast<float>(m.ids[i]));
    vec.floats.push_back(static_cast<float>(m.seq));
  }
  if (m.type == kDelete)
    return e.Delete(kDefaultDatabase, "c", "", PrimaryKeys{id.ints, {}}).status();
  if (m.type == kUpsert) return e.Upsert(kDefaultDatabase, "c", "", {id, v, vec}).status();
  return e.Insert(kDefaultDatabase, "c", "", {id, v, vec}).status();
}

void ApplyToModel(Model& model, const Msg& m) {
  for (int64_t i = 0; i < m.n; ++i) {
    if (m.type == kDelete)
      model.erase(m.ids[i]);
    else
      model[m.ids[i]] = m.seq;
  }
}

[[noreturn]] void Child(const std::string& dir, bool single_file, Model model, int64_t next_id,
                        int64_t seq, int fd, unsigned seed) {
  auto e = Engine::Open(Opts(dir, single_file));
  if (!e.ok()) _exit(3);
  std::mt19937 rng(seed);
  for (int op = 0;; ++op) {
    Msg m{};
    m.seq = ++seq;
    int kind = static_cast<int>(rng() % 10);
    std::vector<int64_t> keys;
    for (const auto& [k, v] : model) keys.push_back(k);
    if (kind < 5 || keys.size() < 20) {
      m.type = kInsert;
      m.n = 1 + rng() % 50;
      for (int64_t i = 0; i < m.n; ++i) m.ids[i] = next_id++;
    } else {
      m.type = kind < 8 ? kUpsert : kDelete;
      m.n = 1 + rng() % 10;
      std::shuffle(keys.begin(), keys.end(), rng);
      for (int64_t i = 0; i < m.n; ++i) m.ids[i] = keys[i];
    }
    m.ack = 0;
    if (write(fd, &m, sizeof(m)) != sizeof(m)) _exit(4);
    if (!Apply(**e, m).ok()) _exit(5);
    m.ack = 1;
    if (write(fd, &m, sizeof(m)) != sizeof(m)) _exit(4);
    ApplyToModel(model, m);
    if (op % 37 == 36 && !(*e)->Flush(kDefaultDatabase, "c").ok()) _exit(6);
    if (op % 101 == 100 && !(*e)->Compact(kDefaultDatabase, "c").ok()) _exit(7);
  }
}

// Reads the engine's full state (checked against count(*) so nothing extra hides).
Model ReadAll(Engine& e, const Model& expected_keys_hint, const std::optional<Msg>& inflight) {
  std::vector<int64_t> keys;
  for (const auto& [k, v] : expected_keys_hint) keys.push_back(k);
  if (inflight) keys.insert(keys.end(), inflight->ids, inflight->ids + inflight->n);
  Model out;
  for (size_t start = 0; start < keys.size(); start += 8000) {
    QueryRequest q;
    q.collection = "c";
    q.ids =
        PrimaryKeys{{keys.begin() + start, keys.begin() + std::min(keys.size(), start + 8000)}, {}};
    q.output_fields = {"v"};
    auto r = e.Query(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return out;
    for (size_t i = 0; i < r->num_rows; ++i) out[r->fields[0].ints[i]] = r->fields[1].ints[i];
  }
  QueryRequest count;
  count.collection = "c";
  count.output_fields = {"count(*)"};
  auto c = e.Query(count);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c->fields[0].ints[0], static_cast<int64_t>(out.size())) << "rows outside the model";
  return out;
}

void RunCrashLoop(bool single_file) {
  char tmpl[] = "/tmp/elanus_crash_XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    auto e = Engine::Open(Opts(dir, single_file));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    CollectionSchema s;
    s.name = "c";
    s.fields = {FieldSchema{.name = "id", .type = DataType::kInt64, .is_primary_key = true},
                FieldSchema{.name = "v", .type = DataType::kInt64},
                FieldSchema{.name = "vec", .type = DataType::kFloatVector, .dim = 2}};
    ASSERT_TRUE((*e)->CreateCollection(kDefaultDatabase, s).ok());
    // An index makes every compaction build one for its outputs while the child keeps writing,
    // so kills also land between a compaction's merge and its swap.
    IndexParams hnsw;
    hnsw.field_name = "vec";
    hnsw.index_type = "HNSW";
    hnsw.metric = MetricType::kL2;
    hnsw.params = {{"M", "8"}, {"efConstruction", "16"}};
    ASSERT_TRUE((*e)->CreateIndex(kDefaultDatabase, "c", hnsw).ok());
  }
  Model model;
  int64_t next_id = 1, seq = 0;
  std::mt19937 rng(12345 + single_file);
  int kills = 0, inflight_applied = 0, inflight_absent = 0;
  const int kIterations = 22;
  for (int it = 0; it < kIterations; ++it) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Child(dir, single_file, model, next_id, seq, fds[1], rng());
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 250));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << WEXITSTATUS(status);
    ++kills;
    // Acknowledged ops go into the model; a trailing intent is the op in flight.
    std::optional<Msg> inflight;
    Msg m;
    while (read(fds[0], &m, sizeof(m)) == sizeof(m)) {
      seq = std::max(seq, m.seq);
      if (m.type == kInsert)
        for (int64_t i = 0; i < m.n; ++i) next_id = std::max(next_id, m.ids[i] + 1);
      if (m.ack) {
        ApplyToModel(model, m);
        inflight.reset();
      } else {
        inflight = m;
      }
    }
    close(fds[0]);
    auto e = Engine::Open(Opts(dir, single_file));
    ASSERT_TRUE(e.ok()) << "reopen after kill " << kills << ": " << e.status().ToString();
    Model got = ReadAll(**e, model, inflight);
    if (got == model) {
      ++inflight_absent;
      continue;
    }
    ASSERT_TRUE(inflight.has_value())
        << "state differs from acknowledged writes after kill " << kills;
    Model with = model;
    ApplyToModel(with, *inflight);
    ASSERT_EQ(got, with) << "the write in flight is partially visible after kill " << kills;
    model = with;
    ++inflight_applied;
  }
  EXPECT_EQ(kills, kIterations);
  EXPECT_GT(model.size(), 100u) << "the child made too little progress to test anything";
  std::filesystem::remove_all(dir);
  std::printf("%s: %d kills, in-flight write visible %d times, absent %d times, %zu rows\n",
              single_file ? "single-file" : "data-dir", kills, inflight_applied, inflight_absent,
              model.size());
}

TEST(CrashTest, DataDirSurvivesSigkillLoop) { RunCrashLoop(false); }
TEST(CrashTest, SingleFileSurvivesSigkillLoop) { RunCrashLoop(true); }

}  // namespace
}  // namespace elanus
