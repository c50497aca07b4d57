// Users and their password hashes, stored durably through Engine::{Get,Put,Scan}ServerMeta under
// "cred/<user>" (format: docs/format/credentials.md). Passwords are never stored, only
// PBKDF2-HMAC-SHA256 records (password_hash.h).
//
// Rules (Milvus behaviour): user names are 1..32 characters, a letter first, then letters,
// digits or '_'; passwords are 6..256 bytes; `root` always exists and cannot be deleted; a
// password update needs the old password unless the caller is root.
//
// Verify keeps a cache of (user, keyed SHA-256 of a verified password), so only the first call
// with a given password pays for PBKDF2; updates and deletes invalidate it.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "elanus/engine.h"
#include "server/password_hash.h"

namespace elanus::server {

inline constexpr const char* kRootUser = "root";
inline constexpr const char* kDefaultRootPassword = "Milvus";

class CredentialStore {
 public:
  // `engine` must outlive the store. `iterations` is the PBKDF2 cost for new hashes.
  explicit CredentialStore(Engine* engine, int iterations = kPbkdf2Iterations);

  // Creates `root` with `root_password` unless a root record already exists.
  Status Init(const std::string& root_password = kDefaultRootPassword);

  Status Create(const std::string& user, const std::string& password);
  // `caller` is the authenticated user ("" when authentication is off).
  Status Update(const std::string& caller, const std::string& user, const std::string& old_password,
                const std::string& new_password);
  Status Delete(const std::string& user);
  Result<std::vector<std::string>> List();
  // True when `user` exists and `password` is its password.
  Result<bool> Verify(const std::string& user, const std::string& password);

  static Status ValidateUser(const std::string& user);
  static Status ValidatePassword(const std::string& password);

 private:
  Result<bool> VerifyLocked(const std::string& user, const std::string& password);
  std::string CacheKey(const std::string& password) const;

  Engine* engine_;
  int iterations_;
  std::string pepper_;                        // random per process, keys the cache digests
  std::mutex mu_;                             // serializes writes; guards cache_
  std::map<std::string, std::string> cache_;  // user -> CacheKey(verified password)
  uint64_t generation_ = 0;                   // bumped by Update/Delete; guarded by mu_
};

}  // namespace elanus::server
