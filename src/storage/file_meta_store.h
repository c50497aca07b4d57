// FileMetaStore: the data-directory MetaStore. The whole catalog lives in memory (a std::map) and
// is persisted as one file, rewritten atomically and durably (Env::WriteFileAtomic) on every
// Commit, so a crash leaves either the old or the new catalog.
//
// File format (little-endian; to be copied to docs/format/ by the lead):
//   [u32 magic "ELMT"][u32 version = 1][u64 entry count]
//   count x ([u32 key length][key][u32 value length][value]), keys in ascending byte order
//   [u32 CRC32C of everything before]
//
// Thread-safety: thread-safe; one mutex serializes all calls (a Commit holds it across the file
// write, so Commits are serialized and readers wait for an in-progress Commit). Meant for a small
// catalog: each Commit costs O(catalog size).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/env.h"
#include "storage/meta_store.h"

namespace elanus::storage {

class FileMetaStore final : public MetaStore {
 public:
  // Loads path if it exists (Corruption if it fails any format or checksum check), else starts
  // empty without creating the file. env must outlive the store.
  static Result<std::unique_ptr<FileMetaStore>> Open(Env* env, const std::string& path);

  Result<std::optional<std::string>> Get(const std::string& key) override;
  Result<std::vector<std::pair<std::string, std::string>>> Scan(const std::string& prefix) override;
  Status Commit(const std::vector<MetaOp>& ops) override;

 private:
  using Map = std::map<std::string, std::string>;
  FileMetaStore(Env* env, std::string path, Map entries);

  Env* const env_;
  const std::string path_;
  std::mutex mu_;
  Map entries_;  // guarded by mu_; always equal to the file's contents
};

}  // namespace elanus::storage
