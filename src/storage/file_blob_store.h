// FileBlobStore: the data-directory BlobStore. Blob "a/b/c" is the file <root>/a/b/c; Put writes
// it atomically and durably (temp file, fsync, rename, directory fsync), Get memory-maps it.
//
// Thread-safety: thread-safe (no shared mutable state; the file system arbitrates). Concurrent Puts
// of the same name leave one of the values. A Blob from Get stays valid after Delete of its name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/blob_store.h"
#include "storage/env.h"

namespace elanus::storage {

class FileBlobStore final : public BlobStore {
 public:
  // root is created if missing. env must outlive the store.
  static Result<std::unique_ptr<FileBlobStore>> Open(Env* env, const std::string& root);

  Status Put(const std::string& name, std::string_view data) override;
  Result<std::unique_ptr<Blob>> Get(const std::string& name) override;
  Status Delete(const std::string& name) override;
  // Names starting with prefix, sorted. Leftover temp files of interrupted Puts are skipped.
  Result<std::vector<std::string>> List(const std::string& prefix) override;

 private:
  FileBlobStore(Env* env, std::string root) : env_(env), root_(std::move(root)) {}
  Status ListRecursive(const std::string& rel_dir, const std::string& prefix,
                       std::vector<std::string>* out);

  Env* const env_;
  const std::string root_;
};

}  // namespace elanus::storage
