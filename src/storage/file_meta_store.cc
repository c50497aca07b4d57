#include "storage/file_meta_store.h"

#include <utility>

#include "common/crc32c.h"
#include "storage/coding.h"

namespace elanus::storage {
namespace {

constexpr uint32_t kMetaMagic = 0x544D4C45;  // "ELMT" in file byte order
constexpr uint32_t kMetaVersion = 1;
constexpr size_t kMaxFieldBytes = 0xFFFFFFFFu;

std::string Encode(const std::map<std::string, std::string>& entries) {
  std::string out;
  PutFixed32(&out, kMetaMagic);
  PutFixed32(&out, kMetaVersion);
  PutFixed64(&out, entries.size());
  for (const auto& [key, value] : entries) {
    PutFixed32(&out, static_cast<uint32_t>(key.size()));
    out += key;
    PutFixed32(&out, static_cast<uint32_t>(value.size()));
    out += value;
  }
  PutFixed32(&out, Crc32c(out.data(), out.size()));
  return out;
}

Status Decode(const std::string& path, std::string_view data,
              std::map<std::string, std::string>* entries) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption("meta file " + path + ": " + what);
  };
  if (data.size() < 20) return corrupt("too short (" + std::to_string(data.size()) + " bytes)");
  const uint32_t stored_crc = DecodeFixed32(data.data() + data.size() - 4);
  data.remove_suffix(4);
  if (DecodeFixed32(data.data()) != kMetaMagic) return corrupt("bad magic");
  if (Crc32c(data.data(), data.size()) != stored_crc) return corrupt("checksum mismatch");
  Decoder in(data);
  uint32_t magic, version;
  uint64_t count;
  (void)in.ReadFixed32(&magic);
  (void)in.ReadFixed32(&version);
  (void)in.ReadFixed64(&count);
  if (version != kMetaVersion) {
    return Status::NotSupported("meta file " + path + ": format version " +
                                std::to_string(version) + " (this build reads " +
                                std::to_string(kMetaVersion) + ")");
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t klen, vlen;
    std::string_view key, value;
    if (!in.ReadFixed32(&klen) || !in.ReadBytes(klen, &key) || !in.ReadFixed32(&vlen) ||
        !in.ReadBytes(vlen, &value)) {
      return corrupt("entry " + std::to_string(i) + " of " + std::to_string(count) +
                     " runs past the end");
    }
    if (!entries->empty() && !(std::string_view(entries->rbegin()->first) < key)) {
      return corrupt("entry " + std::to_string(i) + ": keys not in strictly ascending order");
    }
    entries->emplace_hint(entries->end(), key, value);
  }
  if (in.remaining() != 0) return corrupt("trailing bytes after the last entry");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<FileMetaStore>> FileMetaStore::Open(Env* env, const std::string& path) {
  Map entries;
  Result<std::string> data = env->ReadFile(path);
  if (data.ok()) {
    ELANUS_RETURN_IF_ERROR(Decode(path, *data, &entries));
  } else if (!data.status().IsNotFound()) {
    return data.status();
  }
  return std::unique_ptr<FileMetaStore>(new FileMetaStore(env, path, std::move(entries)));
}

FileMetaStore::FileMetaStore(Env* env, std::string path, Map entries)
    : env_(env), path_(std::move(path)), entries_(std::move(entries)) {}

Result<std::optional<std::string>> FileMetaStore::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Result<std::vector<std::pair<std::string, std::string>>> FileMetaStore::Scan(
    const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

Status FileMetaStore::Commit(const std::vector<MetaOp>& ops) {
  for (const MetaOp& op : ops) {
    if (op.key.size() > kMaxFieldBytes || (op.value && op.value->size() > kMaxFieldBytes)) {
      return Status::InvalidArgument("meta key or value larger than 4 GiB (key '" +
                                     op.key.substr(0, 64) + "')");
    }
  }
  if (ops.empty()) return Status::OK();
  std::lock_guard<std::mutex> lock(mu_);
  Map next = entries_;
  for (const MetaOp& op : ops) {
    if (op.value) {
      next.insert_or_assign(op.key, *op.value);
    } else {
      next.erase(op.key);
    }
  }
  ELANUS_RETURN_IF_ERROR(env_->WriteFileAtomic(path_, Encode(next)));
  entries_ = std::move(next);
  return Status::OK();
}

}  // namespace elanus::storage
