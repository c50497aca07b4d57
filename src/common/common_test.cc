#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "common/bitset.h"
#include "common/hybrid_clock.h"
#include "common/thread_pool.h"
#include "elanus/status.h"

namespace elanus {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd value " + std::to_string(x));
  return x / 2;
}

Status UseHalf(int x, int* out) {
  ELANUS_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::OK();
}

TEST(StatusTest, ResultCarriesValueOrError) {
  int v = 0;
  EXPECT_TRUE(UseHalf(4, &v).ok());
  EXPECT_EQ(v, 2);
  Status st = UseHalf(3, &v);
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.ToString(), "InvalidArgument: odd value 3");
  EXPECT_EQ(st.WithContext("halving").message(), "halving: odd value 3");
  Result<int> bad = Status::OK();  // misuse becomes an Internal error, not a crash
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInternal);
}

TEST(ThreadPoolTest, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  pool.ParallelFor(hits.size(), [&](size_t i) { hits[i]++; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  // Nested use from inside a task must not deadlock.
  std::atomic<int> total{0};
  pool.ParallelFor(4, [&](size_t) { pool.ParallelFor(10, [&](size_t) { total++; }); });
  EXPECT_EQ(total.load(), 40);
}

TEST(BitsetTest, CountsAndCombines) {
  Bitset a(130, true), b(130);
  EXPECT_EQ(a.count(), 130u);
  b.set(0);
  b.set(129);
  a &= b;
  EXPECT_EQ(a.count(), 2u);
  a.flip();
  EXPECT_EQ(a.count(), 128u);
  EXPECT_FALSE(a.test(129));
}

TEST(BitsetTest, CountMatchesBitByBitOnRandomWords) {
  std::mt19937_64 rng(7);
  for (size_t n : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{100003}}) {
    SCOPED_TRACE(n);
    Bitset a(n);
    for (size_t i = 0; i < a.num_words(); ++i) a.words()[i] = rng();
    if (n % 64 != 0 && n > 0) a.words()[a.num_words() - 1] &= (uint64_t{1} << (n % 64)) - 1;
    size_t expected = 0;
    for (size_t i = 0; i < n; ++i) expected += a.test(i);
    EXPECT_EQ(a.count(), expected);
  }
}

TEST(HybridClockTest, StrictlyIncreasingAcrossThreads) {
  HybridClock clock;
  clock.AdvanceTo(ComposeTs(1ull << 40, 5));  // far future: logical counter must take over
  std::vector<std::vector<uint64_t>> seen(4);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) seen[t].push_back(clock.Now());
    });
  for (auto& t : ts) t.join();
  std::set<uint64_t> all;
  for (auto& v : seen) {
    for (size_t i = 1; i < v.size(); ++i) EXPECT_LT(v[i - 1], v[i]);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), 40000u);
  EXPECT_GT(*all.begin(), ComposeTs(1ull << 40, 5));
}

}  // namespace
}  // namespace elanus
