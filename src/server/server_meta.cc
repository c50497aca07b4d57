#include "server/server_meta.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/crc32c.h"

namespace elanus::server {
namespace {

constexpr char kMagic[] = "ELANUS-SERVER-META";
constexpr int kVersion = 1;

using nlohmann::json;

json KvToJson(const KeyValues& kvs) {
  json a = json::array();
  for (const auto& [k, v] : kvs) a.push_back(json::array({k, v}));
  return a;
}

KeyValues KvFromJson(const json& a) {
  KeyValues out;
  for (const json& p : a) out.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
  return out;
}

std::string Hex8(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", v);
  return buf;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " '" + path + "': " + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

}  // namespace

std::string EncodeServerMeta(const ServerMeta& meta) {
  json body = json::object();
  body["next_index_id"] = meta.next_index_id;
  json colls = json::array();
  for (const auto& [id, st] : meta.collections) {
    json c = json::object();
    c["id"] = id;
    c["loaded"] = st.loaded;
    c["consistency_level"] = st.options.consistency_level;
    c["shards_num"] = st.options.shards_num;
    c["properties"] = KvToJson(st.options.properties);
    json idx = json::array();
    for (const IndexDescription& d : st.indexes) {
      idx.push_back(json{{"index_name", d.index_name},
                         {"field_name", d.field_name},
                         {"index_id", d.index_id},
                         {"metric", d.metric == MetricType::kNone ? "" : MetricTypeName(d.metric)},
                         {"params", KvToJson(d.params)}});
    }
    c["indexes"] = std::move(idx);
    colls.push_back(std::move(c));
  }
  body["collections"] = std::move(colls);
  json aliases = json::object();
  for (const auto& [db, m] : meta.aliases) {
    if (m.empty()) continue;
    json& d = aliases[db];
    for (const auto& [alias, coll] : m) d[alias] = coll;
  }
  body["aliases"] = std::move(aliases);
  std::string text = body.dump(1);
  return std::string(kMagic) + " " + std::to_string(kVersion) + " " +
         Hex8(Crc32c(text.data(), text.size())) + "\n" + text;
}

Result<ServerMeta> DecodeServerMeta(const std::string& data) {
  size_t nl = data.find('\n');
  std::string magic(kMagic);
  if (nl == std::string::npos || data.compare(0, magic.size() + 1, magic + " ") != 0)
    return Status::Corruption("server metadata: missing '" + magic + "' header");
  std::string header = data.substr(magic.size() + 1, nl - magic.size() - 1);
  int version = 0;
  unsigned crc = 0;
  if (std::sscanf(header.c_str(), "%d %8x", &version, &crc) != 2)
    return Status::Corruption("server metadata: malformed header '" + header + "'");
  if (version > kVersion) {
    return Status::NotSupported("server metadata format version " + std::to_string(version) +
                                " is newer than this server's (" + std::to_string(kVersion) + ")");
  }
  std::string text = data.substr(nl + 1);
  if (Crc32c(text.data(), text.size()) != crc)
    return Status::Corruption("server metadata: checksum mismatch");
  json body = json::parse(text, nullptr, false);
  if (!body.is_object()) return Status::Corruption("server metadata: body is not a JSON object");
  ServerMeta meta;
  try {
    meta.next_index_id = body.value("next_index_id", int64_t{1});
    for (const json& c : body.at("collections")) {
      CollectionState st;
      st.loaded = c.at("loaded").get<bool>();
      st.options.consistency_level = c.at("consistency_level").get<int32_t>();
      st.options.shards_num = c.at("shards_num").get<int32_t>();
      st.options.properties = KvFromJson(c.at("properties"));
      for (const json& d : c.at("indexes")) {
        IndexDescription idx;
        idx.index_name = d.at("index_name").get<std::string>();
        idx.field_name = d.at("field_name").get<std::string>();
        idx.index_id = d.at("index_id").get<int64_t>();
        idx.params = KvFromJson(d.at("params"));
        std::string metric = d.at("metric").get<std::string>();
        idx.metric = metric.empty() ? MetricType::kNone : ParseMetricType(metric);
        st.indexes.push_back(std::move(idx));
      }
      meta.collections[c.at("id").get<int64_t>()] = std::move(st);
    }
    for (const auto& [db, m] : body.at("aliases").items())
      for (const auto& [alias, coll] : m.items()) meta.aliases[db][alias] = coll.get<std::string>();
  } catch (const json::exception& e) {  // third-party exceptions stop at the adapter
    return Status::Corruption(std::string("server metadata: ") + e.what());
  }
  return meta;
}

Result<ServerMeta> LoadServerMeta(const std::string& path) {
  if (path.empty()) return ServerMeta{};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return ServerMeta{};  // a new data directory
    return Errno("open", path);
  }
  std::string data;
  char buf[1 << 14];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = Errno("read", path);
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return DecodeServerMeta(data);
}

Status SaveServerMeta(const std::string& path, const ServerMeta& meta) {
  if (path.empty()) return Status::OK();
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  Status st = WriteAll(fd, EncodeServerMeta(meta), tmp);
  if (st.ok() && ::fsync(fd) != 0) st = Errno("fsync", tmp);
  ::close(fd);
  if (!st.ok()) return st;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename", tmp);
  std::string dir = path.substr(0, path.find_last_of('/') + 1);
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno("open directory", dir);
  if (::fsync(dfd) != 0) st = Errno("fsync directory", dir);
  ::close(dfd);
  return st;
}

}  // namespace elanus::server
