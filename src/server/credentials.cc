#include "server/credentials.h"

#include <openssl/rand.h>

namespace elanus::server {
namespace {

constexpr const char* kKeyPrefix = "cred/";
constexpr const char* kRecordPrefix = "elanus-credential-v1 ";
constexpr size_t kMaxUserLength = 32;
constexpr size_t kMinPasswordLength = 6;
constexpr size_t kMaxPasswordLength = 256;

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Result<std::optional<std::string>> ReadRecord(Engine* engine, const std::string& user) {
  ELANUS_ASSIGN_OR_RETURN(auto v, engine->GetServerMeta(kKeyPrefix + user));
  if (!v) return std::optional<std::string>();
  const std::string prefix = kRecordPrefix;
  if (v->compare(0, prefix.size(), prefix) != 0)
    return Status::Corruption("credential of user '" + user + "': unknown record format");
  return std::optional<std::string>(v->substr(prefix.size()));
}

}  // namespace

CredentialStore::CredentialStore(Engine* engine, int iterations)
    : engine_(engine), iterations_(iterations) {
  unsigned char buf[32];
  if (RAND_bytes(buf, sizeof(buf)) == 1) pepper_.assign(reinterpret_cast<char*>(buf), sizeof(buf));
}

Status CredentialStore::ValidateUser(const std::string& user) {
  if (user.empty()) return Status::InvalidArgument("username: must not be empty");
  if (user.size() > kMaxUserLength) {
    return Status::InvalidArgument("username '" + user + "': longer than " +
                                   std::to_string(kMaxUserLength) + " characters");
  }
  if (!IsLetter(user[0]))
    return Status::InvalidArgument("username '" + user + "': the first character must be a letter");
  for (char c : user) {
    if (!IsLetter(c) && !IsDigit(c) && c != '_') {
      return Status::InvalidArgument("username '" + user +
                                     "': only letters, digits and '_' are allowed");
    }
  }
  return Status::OK();
}

Status CredentialStore::ValidatePassword(const std::string& password) {
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength) {
    return Status::InvalidArgument("password: length " + std::to_string(password.size()) +
                                   " is outside [" + std::to_string(kMinPasswordLength) + ", " +
                                   std::to_string(kMaxPasswordLength) + "]");
  }
  return Status::OK();
}

std::string CredentialStore::CacheKey(const std::string& password) const {
  return Sha256(pepper_ + password);
}

Status CredentialStore::Init(const std::string& root_password) {
  std::lock_guard<std::mutex> lock(mu_);
  ELANUS_ASSIGN_OR_RETURN(auto rec, ReadRecord(engine_, kRootUser));
  if (rec) return Status::OK();
  if (root_password.empty() || root_password.size() > 72) {
    return Status::InvalidArgument("common.security.defaultRootPassword: must be 1..72 characters");
  }
  ELANUS_ASSIGN_OR_RETURN(std::string h, HashPassword(root_password, iterations_));
  return engine_->PutServerMeta({{std::string(kKeyPrefix) + kRootUser, kRecordPrefix + h}});
}

Status CredentialStore::Create(const std::string& user, const std::string& password) {
  ELANUS_RETURN_IF_ERROR(ValidateUser(user));
  ELANUS_RETURN_IF_ERROR(ValidatePassword(password));
  ELANUS_ASSIGN_OR_RETURN(std::string h, HashPassword(password, iterations_));
  std::lock_guard<std::mutex> lock(mu_);
  ELANUS_ASSIGN_OR_RETURN(auto rec, ReadRecord(engine_, user));
  if (rec) return Status::AlreadyExists("user '" + user + "' already exists");
  return engine_->PutServerMeta({{kKeyPrefix + user, kRecordPrefix + h}});
}

Status CredentialStore::Update(const std::string& caller, const std::string& user,
                               const std::string& old_password, const std::string& new_password) {
  ELANUS_RETURN_IF_ERROR(ValidateUser(user));
  ELANUS_RETURN_IF_ERROR(ValidatePassword(new_password));
  ELANUS_ASSIGN_OR_RETURN(std::string h, HashPassword(new_password, iterations_));
  std::lock_guard<std::mutex> lock(mu_);
  ELANUS_ASSIGN_OR_RETURN(auto rec, ReadRecord(engine_, user));
  if (!rec) return Status::NotFound("user '" + user + "' does not exist");
  if (caller != kRootUser) {
    ELANUS_ASSIGN_OR_RETURN(bool ok, VerifyLocked(user, old_password));
    if (!ok) return Status::InvalidArgument("old password of user '" + user + "' is not correct");
  }
  cache_.erase(user);
  ++generation_;
  return engine_->PutServerMeta({{kKeyPrefix + user, kRecordPrefix + h}});
}

Status CredentialStore::Delete(const std::string& user) {
  if (user == kRootUser) return Status::InvalidArgument("user 'root' cannot be deleted");
  ELANUS_RETURN_IF_ERROR(ValidateUser(user));
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(user);
  ++generation_;
  // Deleting a missing user succeeds, like Milvus (idempotent drop).
  return engine_->PutServerMeta({{kKeyPrefix + user, std::nullopt}});
}

Result<std::vector<std::string>> CredentialStore::List() {
  ELANUS_ASSIGN_OR_RETURN(auto rows, engine_->ScanServerMeta(kKeyPrefix));
  std::vector<std::string> users;
  const size_t strip = std::string(kKeyPrefix).size();
  for (const auto& [k, v] : rows) users.push_back(k.substr(strip));
  return users;
}

Result<bool> CredentialStore::Verify(const std::string& user, const std::string& password) {
  // PBKDF2 runs outside the lock so one slow (or wrong) password does not stall every call; the
  // generation check keeps a password verified against a record that changed meanwhile out of
  // the cache.
  const std::string key = CacheKey(password);
  uint64_t gen = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(user);
    if (it != cache_.end() && it->second == key) return true;
    gen = generation_;
  }
  if (!ValidateUser(user).ok()) return false;
  ELANUS_ASSIGN_OR_RETURN(auto rec, ReadRecord(engine_, user));
  if (!rec) return false;
  ELANUS_ASSIGN_OR_RETURN(bool ok, VerifyPassword(password, *rec));
  if (ok) {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation_ == gen) cache_[user] = key;
  }
  return ok;
}

Result<bool> CredentialStore::VerifyLocked(const std::string& user, const std::string& password) {
  auto it = cache_.find(user);
  if (it != cache_.end() && it->second == CacheKey(password)) return true;
  if (ValidateUser(user).ok() == false) return false;
  ELANUS_ASSIGN_OR_RETURN(auto rec, ReadRecord(engine_, user));
  if (!rec) return false;
  ELANUS_ASSIGN_OR_RETURN(bool ok, VerifyPassword(password, *rec));
  if (ok) cache_[user] = CacheKey(password);
  return ok;
}

}  // namespace elanus::server
