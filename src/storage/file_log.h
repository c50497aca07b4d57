// FileLog: the data-directory write-ahead log, segment files of CRC-framed records under one
// directory (format in log_format.h). Implements Log.
//
// Thread-safety: all methods are thread-safe. Concurrent Append calls are group-committed: one
// leader writes the pending batch with one write and one fdatasync. Replay and Truncate exclude
// each other (so a replay never loses a file under it); Replay's callback must not call Replay or
// Truncate on the same log, but may Append (records appended during a replay are not replayed).
//
// Durability: Append returns after fdatasync (unless LogOptions::sync is false). A write or sync
// failure makes the log refuse further appends; reopening recovers from the durable prefix.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/env.h"
#include "storage/group_commit.h"
#include "storage/log.h"
#include "storage/storage.h"

namespace elanus::storage {

class FileLog final : public Log {
 public:
  // Opens the log in dir (created if missing). Validates the last segment and cuts off a torn tail
  // (see wal::ScanSegment); Corruption if the last segment is damaged before its end. Earlier
  // segments are validated lazily, by Replay. env must outlive the log.
  static Result<std::unique_ptr<FileLog>> Open(Env* env, const std::string& dir,
                                               const LogOptions& options);
  ~FileLog() override;

  Result<Lsn> Append(std::string_view record) override;
  Status Replay(Lsn from, const std::function<Status(Lsn, std::string_view)>& fn) override;
  // Deletes every segment file all of whose records are < upto. The active (last) segment is kept.
  Status Truncate(Lsn upto) override;
  Lsn NextLsn() const override;

 private:
  struct Segment {
    Lsn first_lsn;
    std::string path;
  };

  FileLog(Env* env, std::string dir, const LogOptions& options, std::vector<Segment> segments,
          std::unique_ptr<WritableFile> active, Lsn next_lsn);

  // Group-commit callback; runs on one thread at a time.
  Status WriteBatch(Lsn first, const std::vector<std::string_view>& records);
  // Starts a new segment whose first record will be `first`. Leader only.
  Status Roll(Lsn first);

  Env* const env_;
  const std::string dir_;
  const LogOptions options_;

  // Touched only by the group-commit leader (one thread at a time).
  std::unique_ptr<WritableFile> active_;
  Status broken_;  // sticky write/sync failure

  std::mutex replay_mu_;  // held by Replay and Truncate
  mutable std::mutex mu_;
  std::vector<Segment> segments_;  // guarded by mu_; sorted by first_lsn, last one is active_
  uint64_t durable_size_ = 0;      // guarded by mu_; bytes of active_ holding complete batches

  GroupCommitter committer_;  // last: its callback uses the members above
};

}  // namespace elanus::storage
