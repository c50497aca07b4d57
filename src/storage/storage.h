// Opening a storage backend: the three interfaces bundled, plus the process lock that keeps a
// second writer out.
#pragma once

#include <memory>
#include <string>

#include "elanus/status.h"
#include "storage/blob_store.h"
#include "storage/env.h"
#include "storage/log.h"
#include "storage/meta_store.h"

namespace elanus::storage {

struct LogOptions {
  uint64_t segment_bytes = 64ull << 20;  // data-dir log: roll to a new file past this size
  bool sync = true;                      // fsync before acknowledging (tests may turn it off)
};

struct Storage {
  std::unique_ptr<FileLock> lock;  // held for the lifetime of the bundle
  std::unique_ptr<MetaStore> meta;
  std::unique_ptr<Log> log;
  std::unique_ptr<BlobStore> blobs;
  bool mmap_blobs = false;  // true when Blob::data() is a file mapping
};

// Standalone backend: a data directory with meta/, wal/, blobs/ and a LOCK file.
// FailedPrecondition if another process has it open.
Result<Storage> OpenDataDir(const std::string& dir, const LogOptions& options = {},
                            Env* env = Env::Default());

// Lite backend: one SQLite file holding catalog, log and blobs. A sidecar "<path>.lock" keeps a
// second process out. FailedPrecondition if another process has it open.
Result<Storage> OpenSingleFile(const std::string& path, const LogOptions& options = {});

}  // namespace elanus::storage
