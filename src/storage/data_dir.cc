// OpenDataDir: the Standalone backend, a data directory
//   <dir>/LOCK    flock'ed for the bundle's lifetime, holds the owner's pid
//   <dir>/meta/   CATALOG (FileMetaStore)
//   <dir>/wal/    log segments (FileLog)
//   <dir>/blobs/  one file per blob (FileBlobStore)
#include "storage/file_blob_store.h"
#include "storage/file_log.h"
#include "storage/file_meta_store.h"
#include "storage/storage.h"

namespace elanus::storage {

Result<Storage> OpenDataDir(const std::string& dir, const LogOptions& options, Env* env) {
  if (dir.empty()) return Status::InvalidArgument("data directory path must not be empty");
  if (options.segment_bytes == 0) {
    return Status::InvalidArgument("LogOptions.segment_bytes must be > 0");
  }
  const std::string root =
      dir.size() > 1 && dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir;
  const std::string context = "opening data directory " + root;
  Storage storage;
  ELANUS_RETURN_IF_ERROR(env->CreateDirs(root).WithContext(context));
  ELANUS_ASSIGN_OR_RETURN(storage.lock, env->LockFile(root + "/LOCK"));
  ELANUS_RETURN_IF_ERROR(env->CreateDirs(root + "/meta").WithContext(context));
  {
    auto meta = FileMetaStore::Open(env, root + "/meta/CATALOG");
    if (!meta.ok()) return meta.status().WithContext(context);
    storage.meta = std::move(meta).value();
  }
  {
    auto log = FileLog::Open(env, root + "/wal", options);
    if (!log.ok()) return log.status().WithContext(context);
    storage.log = std::move(log).value();
  }
  {
    auto blobs = FileBlobStore::Open(env, root + "/blobs");
    if (!blobs.ok()) return blobs.status().WithContext(context);
    storage.blobs = std::move(blobs).value();
  }
  storage.mmap_blobs = true;
  return storage;
}

}  // namespace elanus::storage
