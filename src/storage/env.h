// Env: the seam for all file I/O. Backends above it (data-directory MetaStore, Log, BlobStore)
// never call POSIX directly, so tests can inject faults and other environments can be swapped in.
// Thread-safety: an Env is thread-safe; files are not (one writer per WritableFile).
// Errors: a missing file or directory is NotFound; other failures are IOError naming the path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/status.h"

namespace elanus::storage {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;  // fdatasync: data appended so far is durable
  virtual Status Close() = 0;
  virtual uint64_t Size() const = 0;  // bytes in the file, including appended data
};

// A read-only byte region: an mmap of a file or an owned buffer. Valid while the object lives.
class ReadRegion {
 public:
  virtual ~ReadRegion() = default;
  virtual std::string_view data() const = 0;
};

// An exclusive advisory lock held until destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;
  static Env* Default();  // POSIX; never null; lives for the process

  // Opens for append (creating it); with truncate=true an existing file is emptied first.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                bool truncate) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Maps the file read-only (an empty file yields an empty region).
  virtual Result<std::unique_ptr<ReadRegion>> MapFile(const std::string& path) = 0;
  // Writes data to path atomically and durably: temp file, fsync, rename, fsync of the directory.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Status SyncDir(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;  // names only
  virtual bool FileExists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;  // false if absent or not a directory
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Non-blocking exclusive lock; FailedPrecondition naming the path (and holder pid if known) when
  // another process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

}  // namespace elanus::storage
