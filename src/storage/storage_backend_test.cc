// Behaviour every Storage backend must share, run against the data directory and the single file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "storage/storage.h"
#include "storage/test_util.h"

namespace elanus::storage {
namespace {

using testing::TempDir;

struct Backend {
  const char* name;
  std::function<Result<Storage>(const TempDir&, const LogOptions&)> open;
};

const Backend kBackends[] = {
    {"DataDir",
     [](const TempDir& dir, const LogOptions& o) { return OpenDataDir(dir.Join("data"), o); }},
    {"SingleFile",
     [](const TempDir& dir, const LogOptions& o) { return OpenSingleFile(dir.Join("db"), o); }},
};

class StorageBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  Result<Storage> Open(const LogOptions& options = {}) { return GetParam().open(dir_, options); }
  TempDir dir_;
};

std::vector<std::pair<Lsn, std::string>> ReplayAll(Log& log, Lsn from = 0) {
  std::vector<std::pair<Lsn, std::string>> out;
  const Status st = log.Replay(from, [&](Lsn lsn, std::string_view data) {
    out.emplace_back(lsn, std::string(data));
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST_P(StorageBackendTest, MetaRoundTrip) {
  ASSERT_OK_AND_ASSIGN(Storage s, Open());
  const std::string binary_key("k\0\xff", 3);
  ASSERT_OK(s.meta->Commit({{"coll/b", "2"}, {"coll/a", "1"}, {"db/x", ""}, {binary_key, "bin"}}));
  ASSERT_OK_AND_ASSIGN(auto a, s.meta->Get("coll/a"));
  EXPECT_EQ(a, std::optional<std::string>("1"));
  ASSERT_OK_AND_ASSIGN(auto empty, s.meta->Get("db/x"));
  EXPECT_EQ(empty, std::optional<std::string>(""));
  ASSERT_OK_AND_ASSIGN(auto bin, s.meta->Get(binary_key));
  EXPECT_EQ(bin, std::optional<std::string>("bin"));
  ASSERT_OK_AND_ASSIGN(auto missing, s.meta->Get("coll"));
  EXPECT_EQ(missing, std::nullopt);

  using Pairs = std::vector<std::pair<std::string, std::string>>;
  ASSERT_OK_AND_ASSIGN(Pairs coll, s.meta->Scan("coll/"));
  EXPECT_EQ(coll, (Pairs{{"coll/a", "1"}, {"coll/b", "2"}}));
  ASSERT_OK_AND_ASSIGN(Pairs all, s.meta->Scan(""));
  EXPECT_EQ(all.size(), 4u);

  // One batch: overwrite, delete, delete of an absent key.
  ASSERT_OK(s.meta->Commit({{"coll/a", "one"}, {"coll/b", std::nullopt}, {"nope", std::nullopt}}));
  ASSERT_OK_AND_ASSIGN(coll, s.meta->Scan("coll/"));
  EXPECT_EQ(coll, (Pairs{{"coll/a", "one"}}));
  ASSERT_OK(s.meta->Commit({}));
}

TEST_P(StorageBackendTest, LogAppendAndReplay) {
  ASSERT_OK_AND_ASSIGN(Storage s, Open());
  const Lsn first = s.log->NextLsn();
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK_AND_ASSIGN(Lsn lsn, s.log->Append(i == 7 ? "" : "rec" + std::to_string(i)));
    EXPECT_EQ(lsn, first + i);
  }
  EXPECT_EQ(s.log->NextLsn(), first + 50);
  auto all = ReplayAll(*s.log);
  ASSERT_EQ(all.size(), 50u);
  EXPECT_EQ(all[7].second, "");
  EXPECT_EQ(all[49], std::make_pair(first + 49, std::string("rec49")));
  auto tail = ReplayAll(*s.log, first + 45);
  ASSERT_EQ(tail.size(), 5u);
  EXPECT_EQ(tail[0].first, first + 45);
  EXPECT_TRUE(ReplayAll(*s.log, first + 50).empty());

  // The callback's error stops the replay and is returned.
  int calls = 0;
  const Status st = s.log->Replay(0, [&](Lsn, std::string_view) {
    return ++calls == 3 ? Status::Aborted("stop") : Status::OK();
  });
  EXPECT_EQ(st.code(), StatusCode::kAborted);
  EXPECT_EQ(calls, 3);
}

TEST_P(StorageBackendTest, GroupCommitFromEightThreadsGivesUniqueLsns) {
  ASSERT_OK_AND_ASSIGN(Storage s, Open(LogOptions{.segment_bytes = 16 << 10, .sync = true}));
  constexpr int kThreads = 8, kPerThread = 100;
  std::vector<std::vector<Lsn>> lsns(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = s.log->Append("t" + std::to_string(t) + "-" + std::to_string(i));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        lsns[t].push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::map<Lsn, std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(lsns[t].size(), size_t{kPerThread});
    for (int i = 0; i < kPerThread; ++i) {
      if (i > 0) {
        EXPECT_LT(lsns[t][i - 1], lsns[t][i]);  // per-thread order is kept
      }
      EXPECT_TRUE(
          expected.emplace(lsns[t][i], "t" + std::to_string(t) + "-" + std::to_string(i)).second)
          << "duplicate LSN " << lsns[t][i];
    }
  }
  EXPECT_EQ(s.log->NextLsn(), expected.rbegin()->first + 1);
  auto all = ReplayAll(*s.log);
  ASSERT_EQ(all.size(), expected.size());
  for (const auto& [lsn, data] : all) EXPECT_EQ(expected[lsn], data) << "lsn " << lsn;
}

TEST_P(StorageBackendTest, LogTruncateKeepsLsnsIncreasingAcrossReopen) {
  Lsn next = 0;
  {
    ASSERT_OK_AND_ASSIGN(Storage s, Open(LogOptions{.segment_bytes = 256, .sync = false}));
    for (int i = 0; i < 40; ++i) ASSERT_OK(s.log->Append(std::string(40, 'a' + i % 26)).status());
    next = s.log->NextLsn();
    ASSERT_OK(s.log->Truncate(next - 5));
    auto kept = ReplayAll(*s.log, next - 5);
    ASSERT_EQ(kept.size(), 5u);
    EXPECT_EQ(kept.front().first, next - 5);
    ASSERT_OK(s.log->Truncate(next + 100));  // everything, and past the end
    EXPECT_EQ(s.log->NextLsn(), next);
  }
  ASSERT_OK_AND_ASSIGN(Storage s, Open(LogOptions{.segment_bytes = 256, .sync = false}));
  EXPECT_EQ(s.log->NextLsn(), next);
  ASSERT_OK_AND_ASSIGN(Lsn lsn, s.log->Append("after"));
  EXPECT_EQ(lsn, next);
  auto tail = ReplayAll(*s.log, next);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].second, "after");
}

TEST_P(StorageBackendTest, BlobRoundTrip) {
  ASSERT_OK_AND_ASSIGN(Storage s, Open());
  std::string big(3 << 20, '\0');
  std::mt19937 rng(1);
  for (char& c : big) c = static_cast<char>(rng());
  ASSERT_OK(s.blobs->Put("c1/seg1/vec.bin", big));
  ASSERT_OK(s.blobs->Put("c1/seg1/pk.bin", "pks"));
  ASSERT_OK(s.blobs->Put("c1/seg2/pk.bin", ""));
  ASSERT_OK(s.blobs->Put("c10/x", "other"));
  ASSERT_OK(s.blobs->Put("top", "t"));
  ASSERT_OK(s.blobs->Put("top", "t2"));  // replaced

  ASSERT_OK_AND_ASSIGN(auto blob, s.blobs->Get("c1/seg1/vec.bin"));
  EXPECT_TRUE(blob->data() == big);
  ASSERT_OK_AND_ASSIGN(auto empty, s.blobs->Get("c1/seg2/pk.bin"));
  EXPECT_EQ(empty->data(), "");
  ASSERT_OK_AND_ASSIGN(auto top, s.blobs->Get("top"));
  EXPECT_EQ(top->data(), "t2");
  EXPECT_TRUE(s.blobs->Get("c1/seg1").status().IsNotFound());  // a directory, not a blob
  EXPECT_TRUE(s.blobs->Get("nope").status().IsNotFound());

  using Names = std::vector<std::string>;
  ASSERT_OK_AND_ASSIGN(Names c1, s.blobs->List("c1/"));
  EXPECT_EQ(c1, (Names{"c1/seg1/pk.bin", "c1/seg1/vec.bin", "c1/seg2/pk.bin"}));
  ASSERT_OK_AND_ASSIGN(Names c1x, s.blobs->List("c1"));
  EXPECT_EQ(c1x.size(), 4u);
  ASSERT_OK_AND_ASSIGN(Names seg, s.blobs->List("c1/seg1/p"));
  EXPECT_EQ(seg, (Names{"c1/seg1/pk.bin"}));
  ASSERT_OK_AND_ASSIGN(Names all, s.blobs->List(""));
  EXPECT_EQ(all.size(), 5u);
  ASSERT_OK_AND_ASSIGN(Names none, s.blobs->List("zzz/"));
  EXPECT_TRUE(none.empty());

  ASSERT_OK(s.blobs->Delete("c1/seg1/vec.bin"));
  EXPECT_TRUE(blob->data() == big);  // a Blob stays valid after Delete
  EXPECT_TRUE(s.blobs->Get("c1/seg1/vec.bin").status().IsNotFound());
  ASSERT_OK(s.blobs->Delete("c1/seg1/vec.bin"));  // absent is OK
}

TEST_P(StorageBackendTest, InvalidBlobNamesAreRejected) {
  ASSERT_OK_AND_ASSIGN(Storage s, Open());
  for (const char* name : {"", "/etc/passwd", "../escape", "a/../../b", "a//b", "sp ace", "a~"}) {
    EXPECT_TRUE(s.blobs->Put(name, "x").IsInvalidArgument()) << name;
    EXPECT_TRUE(s.blobs->Get(name).status().IsInvalidArgument()) << name;
    EXPECT_TRUE(s.blobs->Delete(name).IsInvalidArgument()) << name;
  }
  ASSERT_OK_AND_ASSIGN(auto all, s.blobs->List(""));
  EXPECT_TRUE(all.empty());
}

TEST_P(StorageBackendTest, ReopenPreservesData) {
  {
    ASSERT_OK_AND_ASSIGN(Storage s, Open());
    ASSERT_OK(s.meta->Commit({{"k", "v"}}));
    ASSERT_OK(s.log->Append("r1").status());
    ASSERT_OK(s.log->Append("r2").status());
    ASSERT_OK(s.blobs->Put("d/b", "blob"));
  }
  ASSERT_OK_AND_ASSIGN(Storage s, Open());
  ASSERT_OK_AND_ASSIGN(auto v, s.meta->Get("k"));
  EXPECT_EQ(v, std::optional<std::string>("v"));
  auto recs = ReplayAll(*s.log);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].second, "r2");
  EXPECT_EQ(s.log->NextLsn(), recs[1].first + 1);
  ASSERT_OK_AND_ASSIGN(auto blob, s.blobs->Get("d/b"));
  EXPECT_EQ(blob->data(), "blob");
}

TEST_P(StorageBackendTest, SecondOpenInSameProcessIsFailedPrecondition) {
  {
    ASSERT_OK_AND_ASSIGN(Storage s, Open());
    auto second = Open();
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition)
        << second.status().ToString();
    EXPECT_NE(second.status().message().find("lock"), std::string::npos);
  }
  ASSERT_OK(Open().status());  // the lock died with the first bundle
}

TEST_P(StorageBackendTest, OpenFromForkedChildIsFailedPrecondition) {
  // Forked before the store opens (and starts any thread), so the child cannot inherit a lock
  // held by another thread; it waits on a pipe until the parent holds the store.
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(go[1]);
    char c = 0;
    if (::read(go[0], &c, 1) != 1) ::_exit(3);
    auto second = Open();
    // 0: refused as expected; 1: opened; 2: some other error.
    ::_exit(second.ok() ? 1 : second.status().code() == StatusCode::kFailedPrecondition ? 0 : 2);
  }
  ::close(go[0]);
  ASSERT_OK_AND_ASSIGN(Storage s, Open());
  ASSERT_EQ(::write(go[1], "g", 1), 1);
  ::close(go[1]);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageBackendTest, ::testing::ValuesIn(kBackends),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace elanus::storage
