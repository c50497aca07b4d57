#include "storage/file_blob_store.h"

#include <algorithm>
#include <utility>

#include "storage/blob_name.h"

namespace elanus::storage {
namespace {

class MappedBlob final : public Blob {
 public:
  explicit MappedBlob(std::unique_ptr<ReadRegion> region) : region_(std::move(region)) {}
  std::string_view data() const override { return region_->data(); }

 private:
  std::unique_ptr<ReadRegion> region_;
};

}  // namespace

Result<std::unique_ptr<FileBlobStore>> FileBlobStore::Open(Env* env, const std::string& root) {
  ELANUS_RETURN_IF_ERROR(env->CreateDirs(root));
  return std::unique_ptr<FileBlobStore>(new FileBlobStore(env, root));
}

Status FileBlobStore::Put(const std::string& name, std::string_view data) {
  ELANUS_RETURN_IF_ERROR(ValidateBlobName(name));
  const size_t slash = name.rfind('/');
  if (slash != std::string::npos) {
    const std::string dir = root_ + "/" + name.substr(0, slash);
    if (!env_->IsDirectory(dir)) {
      ELANUS_RETURN_IF_ERROR(env_->CreateDirs(dir));
      // Make the new directories' entries durable: sync each ancestor up to the root.
      for (std::string rel = name.substr(0, slash);;) {
        ELANUS_RETURN_IF_ERROR(env_->SyncDir(root_ + "/" + rel));
        const size_t up = rel.rfind('/');
        if (up == std::string::npos) break;
        rel.resize(up);
      }
      ELANUS_RETURN_IF_ERROR(env_->SyncDir(root_));
    }
  }
  return env_->WriteFileAtomic(root_ + "/" + name, data).WithContext("putting blob " + name);
}

Result<std::unique_ptr<Blob>> FileBlobStore::Get(const std::string& name) {
  ELANUS_RETURN_IF_ERROR(ValidateBlobName(name));
  const std::string path = root_ + "/" + name;
  auto not_found = [&] { return Status::NotFound("blob " + name + " not found"); };
  if (env_->IsDirectory(path)) return not_found();
  Result<std::unique_ptr<ReadRegion>> region = env_->MapFile(path);
  if (!region.ok()) {
    if (region.status().IsNotFound()) return not_found();
    return region.status();
  }
  return std::unique_ptr<Blob>(std::make_unique<MappedBlob>(std::move(region).value()));
}

Status FileBlobStore::Delete(const std::string& name) {
  ELANUS_RETURN_IF_ERROR(ValidateBlobName(name));
  Status st = env_->RemoveFile(root_ + "/" + name);
  if (st.IsNotFound()) return Status::OK();
  return st;
}

Result<std::vector<std::string>> FileBlobStore::List(const std::string& prefix) {
  // Only the directory named by prefix's complete components can hold matches.
  const size_t slash = prefix.rfind('/');
  const std::string start = slash == std::string::npos ? "" : prefix.substr(0, slash);
  std::vector<std::string> out;
  if (!start.empty() &&
      (!ValidateBlobName(start).ok() || !env_->IsDirectory(root_ + "/" + start))) {
    return out;
  }
  ELANUS_RETURN_IF_ERROR(ListRecursive(start, prefix, &out));
  std::sort(out.begin(), out.end());
  return out;
}

Status FileBlobStore::ListRecursive(const std::string& rel_dir, const std::string& prefix,
                                    std::vector<std::string>* out) {
  const std::string dir = rel_dir.empty() ? root_ : root_ + "/" + rel_dir;
  ELANUS_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->ListDir(dir));
  for (const std::string& name : names) {
    if (name.find('~') != std::string::npos) continue;  // a temp file of an unfinished Put
    const std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
    if (env_->IsDirectory(dir + "/" + name)) {
      // Descend only where names can still match the prefix.
      const std::string as_prefix = rel + "/";
      if (as_prefix.compare(0, std::min(as_prefix.size(), prefix.size()), prefix, 0,
                            std::min(as_prefix.size(), prefix.size())) == 0) {
        ELANUS_RETURN_IF_ERROR(ListRecursive(rel, prefix, out));
      }
    } else if (rel.compare(0, prefix.size(), prefix) == 0) {
      out->push_back(rel);
    }
  }
  return Status::OK();
}

}  // namespace elanus::storage
