// ServiceLayer: collection aliases. An alias names one collection of its database; a collection
// may have several. Aliases and collection names share one namespace per database.
#include "server/error_map.h"
#include "server/service.h"

namespace elanus::server {
namespace {

Status CheckAliasName(const std::string& alias) {
  if (alias.empty()) return Status::InvalidArgument("alias: the name must not be empty");
  if (alias.size() > 255)
    return Status::InvalidArgument("alias '" + alias + "': longer than 255 characters");
  char c = alias[0];
  if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
    return Status::InvalidArgument("alias '" + alias + "': must start with a letter or '_'");
  for (char ch : alias) {
    if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9'))) {
      return Status::InvalidArgument("alias '" + alias +
                                     "': may contain only letters, digits and '_'");
    }
  }
  return Status::OK();
}

}  // namespace

Status ServiceLayer::CreateAlias(const std::string& db, const std::string& alias,
                                 const std::string& collection) {
  ELANUS_RETURN_IF_ERROR(CheckAliasName(alias));
  ELANUS_RETURN_IF_ERROR(CheckDatabase(db));
  ELANUS_ASSIGN_OR_RETURN(bool alias_is_collection, engine_->HasCollection(db, alias));
  if (alias_is_collection) return AliasNameConflictError(alias);
  // The target must be a collection, not another alias.
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, engine_->DescribeCollection(db, collection));
  std::lock_guard<std::mutex> lock(mu_);
  auto& aliases = meta_.aliases[db];
  auto it = aliases.find(alias);
  if (it != aliases.end()) {
    if (it->second == info.schema.name) return Status::OK();  // idempotent, as in Milvus
    return AliasAlreadyExistsError(alias, it->second);
  }
  aliases[alias] = info.schema.name;
  return SaveLocked();
}

Status ServiceLayer::DropAlias(const std::string& db, const std::string& alias) {
  ELANUS_RETURN_IF_ERROR(CheckDatabase(db));
  std::lock_guard<std::mutex> lock(mu_);
  auto d = meta_.aliases.find(db);
  if (d == meta_.aliases.end() || d->second.erase(alias) == 0)
    return Status::OK();  // Milvus: dropping a missing alias succeeds
  return SaveLocked();
}

Status ServiceLayer::AlterAlias(const std::string& db, const std::string& alias,
                                const std::string& collection) {
  ELANUS_RETURN_IF_ERROR(CheckDatabase(db));
  ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, engine_->DescribeCollection(db, collection));
  std::lock_guard<std::mutex> lock(mu_);
  auto& aliases = meta_.aliases[db];
  auto it = aliases.find(alias);
  if (it == aliases.end()) return AliasNotFoundError(alias);
  it->second = info.schema.name;
  return SaveLocked();
}

Result<std::string> ServiceLayer::DescribeAlias(const std::string& db, const std::string& alias) {
  ELANUS_RETURN_IF_ERROR(CheckDatabase(db));
  std::lock_guard<std::mutex> lock(mu_);
  auto d = meta_.aliases.find(db);
  if (d != meta_.aliases.end()) {
    auto it = d->second.find(alias);
    if (it != d->second.end()) return it->second;
  }
  return AliasNotFoundError(alias);
}

Result<std::vector<std::string>> ServiceLayer::ListAliases(const std::string& db,
                                                           const std::string& collection) {
  ELANUS_RETURN_IF_ERROR(CheckDatabase(db));
  std::string name;
  if (!collection.empty()) {
    ELANUS_ASSIGN_OR_RETURN(CollectionInfo info, Info(db, collection));
    name = info.schema.name;
  }
  std::lock_guard<std::mutex> lock(mu_);
  return AliasesOfLocked(db, name);
}

}  // namespace elanus::server
