#include "storage/group_commit.h"

#include <utility>

namespace elanus::storage {

GroupCommitter::GroupCommitter(Lsn next_lsn, WriteBatchFn write_batch, size_t max_batch_bytes)
    : write_batch_(std::move(write_batch)),
      max_batch_bytes_(max_batch_bytes),
      next_lsn_(next_lsn) {}

Result<Lsn> GroupCommitter::Append(std::string_view record) {
  Waiter self;
  self.record = record;
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&self);
  while (!self.done && queue_.front() != &self) self.cv.wait(lock);
  if (self.done) {
    if (!self.status.ok()) return self.status;
    return self.lsn;
  }

  // Leader: take the head of the queue (starting with this caller) as one batch.
  std::vector<std::string_view> records;
  size_t bytes = 0;
  for (const Waiter* w : queue_) {
    if (!records.empty() && bytes + w->record.size() > max_batch_bytes_) break;
    records.push_back(w->record);
    bytes += w->record.size();
  }
  const Lsn first = next_lsn_;
  lock.unlock();
  const Status status = write_batch_(first, records);
  lock.lock();
  if (status.ok()) next_lsn_ += records.size();
  for (size_t i = 0; i < records.size(); ++i) {
    Waiter* w = queue_.front();
    queue_.pop_front();
    if (w == &self) continue;
    w->status = status;
    w->lsn = first + i;
    w->done = true;
    w->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
  if (!status.ok()) return status;
  return first;
}

Lsn GroupCommitter::NextLsn() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_lsn_;
}

}  // namespace elanus::storage
