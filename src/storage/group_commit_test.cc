#include "storage/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

namespace elanus::storage {
namespace {

TEST(GroupCommitterTest, FollowersQueuedBehindALeaderShareOneBatch) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<size_t> batch_sizes;
  GroupCommitter committer(10, [&](Lsn, const std::vector<std::string_view>& records) {
    std::unique_lock<std::mutex> lock(mu);
    batch_sizes.push_back(records.size());
    if (batch_sizes.size() == 1) cv.wait(lock, [&] { return release; });  // hold the first leader
    return Status::OK();
  });

  std::vector<Lsn> lsns(8);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { lsns[0] = *committer.Append("first"); });
  while (true) {  // wait until the first leader is inside write_batch
    std::lock_guard<std::mutex> lock(mu);
    if (!batch_sizes.empty()) break;
  }
  for (int i = 1; i < 8; ++i) threads.emplace_back([&, i] { lsns[i] = *committer.Append("x"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let them queue up
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();

  EXPECT_EQ(std::set<Lsn>(lsns.begin(), lsns.end()).size(), 8u);
  EXPECT_EQ(*std::min_element(lsns.begin(), lsns.end()), 10u);
  EXPECT_EQ(committer.NextLsn(), 18u);
  EXPECT_EQ(batch_sizes.front(), 1u);
  EXPECT_LT(batch_sizes.size(), 8u) << "no two appends shared a batch";
}

TEST(GroupCommitterTest, FailedBatchFailsItsAppendsAndConsumesNoLsns) {
  bool fail = true;
  GroupCommitter committer(1, [&](Lsn, const std::vector<std::string_view>&) {
    return fail ? Status::IOError("disk on fire") : Status::OK();
  });
  auto r = committer.Append("a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_EQ(committer.NextLsn(), 1u);
  fail = false;
  auto ok = committer.Append("b");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 1u);
}

TEST(GroupCommitterTest, BatchesRespectTheByteLimit) {
  std::vector<size_t> sizes;
  std::atomic<bool> hold{true};
  GroupCommitter committer(
      1,
      [&](Lsn, const std::vector<std::string_view>& records) {
        sizes.push_back(records.size());
        while (hold.load()) std::this_thread::yield();
        return Status::OK();
      },
      /*max_batch_bytes=*/10);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { ASSERT_TRUE(committer.Append(std::string(8, 'x')).ok()); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  hold = false;
  for (auto& t : threads) t.join();
  for (size_t s : sizes) EXPECT_EQ(s, 1u);  // two 8-byte records never fit in 10 bytes
  EXPECT_EQ(committer.NextLsn(), 5u);
}

}  // namespace
}  // namespace elanus::storage
