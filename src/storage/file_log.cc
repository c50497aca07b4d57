#include "storage/file_log.h"

#include <algorithm>
#include <utility>

#include "storage/log_format.h"

namespace elanus::storage {
namespace {

// Creates (or empties) a segment file holding just its header, durably when sync is set.
Result<std::unique_ptr<WritableFile>> CreateSegment(Env* env, const std::string& dir, Lsn first,
                                                    bool sync) {
  const std::string path = dir + "/" + wal::SegmentFileName(first);
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path, true));
  ELANUS_RETURN_IF_ERROR(file->Append(wal::EncodeSegmentHeader(first)));
  if (sync) {
    ELANUS_RETURN_IF_ERROR(file->Sync());
    ELANUS_RETURN_IF_ERROR(env->SyncDir(dir));
  }
  return file;
}

}  // namespace

Result<std::unique_ptr<FileLog>> FileLog::Open(Env* env, const std::string& dir,
                                               const LogOptions& options) {
  ELANUS_RETURN_IF_ERROR(env->CreateDirs(dir));
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(dir));
  std::vector<Segment> segments;
  for (const std::string& name : names) {
    if (auto first = wal::ParseSegmentFileName(name)) {
      segments.push_back({*first, dir + "/" + name});
    }
  }
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.first_lsn < b.first_lsn; });

  if (segments.empty()) {
    ELANUS_ASSIGN_OR_RETURN(auto file, CreateSegment(env, dir, 1, options.sync));
    segments.push_back({1, dir + "/" + wal::SegmentFileName(1)});
    return std::unique_ptr<FileLog>(
        new FileLog(env, dir, options, std::move(segments), std::move(file), 1));
  }

  // Recover the last segment: find where its intact records end and cut off anything after.
  const Segment& last = segments.back();
  wal::SegmentScan scan;
  uint64_t size = 0;
  {
    ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<ReadRegion> region, env->MapFile(last.path));
    size = region->data().size();
    ELANUS_RETURN_IF_ERROR(wal::ScanSegment(region->data(), last.path, last.first_lsn,
                                            /*allow_torn_tail=*/true, 0, nullptr, &scan));
  }
  std::unique_ptr<WritableFile> file;
  if (scan.header_torn) {
    ELANUS_ASSIGN_OR_RETURN(file, CreateSegment(env, dir, last.first_lsn, options.sync));
  } else {
    if (scan.valid_end < size) {
      ELANUS_RETURN_IF_ERROR(env->TruncateFile(last.path, scan.valid_end));
    }
    ELANUS_ASSIGN_OR_RETURN(file, env->NewWritableFile(last.path, false));
    if (scan.valid_end < size && options.sync) ELANUS_RETURN_IF_ERROR(file->Sync());
  }
  return std::unique_ptr<FileLog>(
      new FileLog(env, dir, options, std::move(segments), std::move(file), scan.next_lsn));
}

FileLog::FileLog(Env* env, std::string dir, const LogOptions& options,
                 std::vector<Segment> segments, std::unique_ptr<WritableFile> active, Lsn next_lsn)
    : env_(env),
      dir_(std::move(dir)),
      options_(options),
      active_(std::move(active)),
      segments_(std::move(segments)),
      durable_size_(active_->Size()),
      committer_(next_lsn, [this](Lsn first, const std::vector<std::string_view>& records) {
        return WriteBatch(first, records);
      }) {}

FileLog::~FileLog() {
  if (active_ != nullptr) (void)active_->Close();  // every acknowledged batch is already synced
}

Result<Lsn> FileLog::Append(std::string_view record) {
  if (record.size() > wal::kMaxRecordBytes) {
    return Status::InvalidArgument("log record of " + std::to_string(record.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(wal::kMaxRecordBytes));
  }
  return committer_.Append(record);
}

Status FileLog::WriteBatch(Lsn first, const std::vector<std::string_view>& records) {
  if (!broken_.ok()) return broken_;
  if (active_->Size() >= options_.segment_bytes && active_->Size() > wal::kSegmentHeaderSize) {
    if (Status st = Roll(first); !st.ok()) {
      broken_ = st.WithContext("rolling the WAL failed; reopen to recover");
      return broken_;
    }
  }
  std::string buf;
  size_t bytes = 0;
  for (std::string_view r : records) bytes += wal::kRecordHeaderSize + r.size();
  buf.reserve(bytes);
  for (size_t i = 0; i < records.size(); ++i) wal::AppendRecord(&buf, first + i, records[i]);
  Status st = active_->Append(buf);
  if (st.ok() && options_.sync) st = active_->Sync();
  if (!st.ok()) {
    broken_ = st.WithContext("WAL write failed; reopen to recover");
    return broken_;
  }
  std::lock_guard<std::mutex> lock(mu_);
  durable_size_ = active_->Size();
  return Status::OK();
}

Status FileLog::Roll(Lsn first) {
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                          CreateSegment(env_, dir_, first, options_.sync));
  ELANUS_RETURN_IF_ERROR(active_->Close());
  std::lock_guard<std::mutex> lock(mu_);
  active_ = std::move(file);
  segments_.push_back({first, dir_ + "/" + wal::SegmentFileName(first)});
  durable_size_ = active_->Size();
  return Status::OK();
}

Status FileLog::Replay(Lsn from, const std::function<Status(Lsn, std::string_view)>& fn) {
  std::lock_guard<std::mutex> replay_lock(replay_mu_);
  std::vector<Segment> segments;
  uint64_t durable_size;
  {
    std::lock_guard<std::mutex> lock(mu_);
    segments = segments_;
    durable_size = durable_size_;
  }
  // Start at the last segment beginning at or before `from`.
  size_t start = 0;
  while (start + 1 < segments.size() && segments[start + 1].first_lsn <= from) ++start;
  Lsn expected = segments[start].first_lsn;
  for (size_t i = start; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    if (seg.first_lsn != expected) {
      return Status::Corruption(seg.path + ": segment starts at LSN " +
                                std::to_string(seg.first_lsn) + " but the previous one ends at " +
                                std::to_string(expected) + " (a segment file is missing)");
    }
    ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<ReadRegion> region, env_->MapFile(seg.path));
    std::string_view data = region->data();
    // The active segment may be growing: read only the batches that were complete at the start.
    if (i + 1 == segments.size())
      data = data.substr(0, std::min<uint64_t>(data.size(), durable_size));
    wal::SegmentScan scan;
    ELANUS_RETURN_IF_ERROR(wal::ScanSegment(data, seg.path, seg.first_lsn,
                                            /*allow_torn_tail=*/false, from, &fn, &scan));
    expected = scan.next_lsn;
  }
  return Status::OK();
}

Status FileLog::Truncate(Lsn upto) {
  std::lock_guard<std::mutex> replay_lock(replay_mu_);
  std::vector<std::string> doomed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (segments_.size() > 1 && segments_[1].first_lsn <= upto) {
      doomed.push_back(segments_.front().path);
      segments_.erase(segments_.begin());
    }
  }
  // Oldest first, so a crash part-way leaves a contiguous suffix of the log.
  for (const std::string& path : doomed) {
    Status st = env_->RemoveFile(path);
    if (!st.ok() && !st.IsNotFound()) return st;
  }
  return Status::OK();
}

Lsn FileLog::NextLsn() const { return committer_.NextLsn(); }

}  // namespace elanus::storage
