// GroupCommitter: batches concurrent log appends so that one leader writes and syncs them all.
//
// Each Append caller queues its record. The caller at the head of the queue becomes the leader: it
// takes the queued records (up to max_batch_bytes, but always at least its own), calls write_batch
// once for all of them with the mutex released, and then wakes the followers, each with its own
// LSN. Appenders arriving meanwhile queue up for the next batch.
//
// Thread-safe. write_batch is only ever called by one thread at a time, so state it touches needs
// no extra locking against other batches. LSNs are assigned consecutively from `next_lsn`; a failed
// batch consumes none (the callback decides whether its failure is permanent).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

#include "elanus/status.h"
#include "storage/log.h"

namespace elanus::storage {

class GroupCommitter {
 public:
  // Writes records[i] with LSN first + i, durably, or returns an error having written none of them
  // durably as far as the caller is concerned.
  using WriteBatchFn =
      std::function<Status(Lsn first, const std::vector<std::string_view>& records)>;

  GroupCommitter(Lsn next_lsn, WriteBatchFn write_batch, size_t max_batch_bytes = 4u << 20);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until the record's batch is written. Returns its LSN or the batch's error.
  Result<Lsn> Append(std::string_view record);

  // The LSN after the last durably written record.
  Lsn NextLsn() const;

 private:
  struct Waiter {
    std::string_view record;
    Status status;
    Lsn lsn = 0;
    bool done = false;
    std::condition_variable cv;
  };

  const WriteBatchFn write_batch_;
  const size_t max_batch_bytes_;
  mutable std::mutex mu_;
  std::deque<Waiter*> queue_;  // guarded by mu_; front is the current or next leader
  Lsn next_lsn_;               // guarded by mu_
};

}  // namespace elanus::storage
