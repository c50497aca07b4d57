// A bounded pool of worker threads. Owned by the engine and handed down to whatever needs to run
// work in parallel (no hidden threads below engine/). Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace elanus {

class ThreadPool {
 public:
  explicit ThreadPool(size_t threads);  // 0 means std::thread::hardware_concurrency()
  ~ThreadPool();                        // finishes queued tasks, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size(); }
  void Submit(std::function<void()> task);

  // Runs fn(i) for i in [0, n), using the pool and the calling thread; returns when all are done.
  // Safe to call from inside a pool task (the caller works through the items itself).
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace elanus
