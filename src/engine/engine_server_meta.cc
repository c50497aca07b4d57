// Engine: server-level key/values in the metadata store, under "server/" so they never collide
// with the catalog's "db/" and "coll/" keys.
#include "engine/engine_impl.h"

namespace elanus {
namespace {

constexpr const char* kServerPrefix = "server/";

Status CheckKey(const std::string& key) {
  if (key.empty()) return Status::InvalidArgument("server meta key: must not be empty");
  return Status::OK();
}

}  // namespace

Result<std::optional<std::string>> Engine::GetServerMeta(const std::string& key) {
  ELANUS_RETURN_IF_ERROR(CheckKey(key));
  return impl_->meta()->Get(kServerPrefix + key);
}

Result<std::vector<std::pair<std::string, std::string>>> Engine::ScanServerMeta(
    const std::string& prefix) {
  ELANUS_ASSIGN_OR_RETURN(auto rows, impl_->meta()->Scan(kServerPrefix + prefix));
  const size_t strip = std::string(kServerPrefix).size();
  for (auto& [k, v] : rows) k = k.substr(strip);
  return rows;
}

Status Engine::PutServerMeta(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& kvs) {
  std::vector<storage::MetaOp> ops;
  ops.reserve(kvs.size());
  for (const auto& [k, v] : kvs) {
    ELANUS_RETURN_IF_ERROR(CheckKey(k));
    ops.push_back({kServerPrefix + k, v});
  }
  return impl_->meta()->Commit(ops);
}

}  // namespace elanus
