// Server-side metadata the engine does not model — load state, index descriptions, collection
// options (consistency level, shards, properties) and aliases — its codec, and persistence in
// one small file (format: docs/format/server-meta.md). `elanus serve` stores the encoded value in
// the engine's metadata store instead (ServiceOptions::meta_in_engine); the file path remains
// for importing old data directories and for ServiceLayer users without an engine store.
//
// The file is rewritten whole after every change: written to a temporary file, fsynced, renamed
// over the old one, and the directory fsynced, so a crash leaves the old or the new version.
// Not thread-safe: ServiceLayer guards a ServerMeta with its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "elanus/schema.h"
#include "elanus/status.h"

namespace elanus::server {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Consistency levels (Milvus numbering).
inline constexpr int32_t kConsistencyStrong = 0;
inline constexpr int32_t kConsistencySession = 1;
inline constexpr int32_t kConsistencyBounded = 2;
inline constexpr int32_t kConsistencyEventually = 3;
inline constexpr int32_t kConsistencyCustomized = 4;

struct CollectionOptions {
  int32_t consistency_level = kConsistencyBounded;
  int32_t shards_num = 1;
  KeyValues properties;
};

// Index metadata. Indexes are accepted and remembered; `metric` is what a search without an
// explicit metric uses.
struct IndexDescription {
  std::string index_name;
  std::string field_name;
  int64_t index_id = 0;
  KeyValues params;  // as given by the client: index_type, metric_type, params JSON, ...
  MetricType metric = MetricType::kNone;
  int64_t total_rows = 0;    // filled by DescribeIndex, not persisted
  int64_t indexed_rows = 0;  // filled by DescribeIndex from the engine's build progress
  bool finished = true;      // every sealed segment has the index built
  std::string fail_reason;
};

struct CollectionState {
  bool loaded = true;  // collections without a record (created by another tool) count as loaded
  CollectionOptions options;
  std::vector<IndexDescription> indexes;
};

struct ServerMeta {
  std::map<int64_t, CollectionState> collections;  // by engine collection id (stable on rename)
  // db -> alias -> collection name (kept in step with renames; a collection with aliases cannot be
  // dropped).
  std::map<std::string, std::map<std::string, std::string>> aliases;
  int64_t next_index_id = 1;
};

// Serialized form: a header line "ELANUS-SERVER-META <version> <crc32c of the body, 8 hex>"
// followed by the JSON body.
std::string EncodeServerMeta(const ServerMeta& meta);
// Corruption for a bad header, checksum or body; NotSupported for a newer format version.
Result<ServerMeta> DecodeServerMeta(const std::string& data);

// File persistence. An empty path keeps everything in memory (Load returns an empty ServerMeta,
// Save does nothing).
Result<ServerMeta> LoadServerMeta(const std::string& path);
Status SaveServerMeta(const std::string& path, const ServerMeta& meta);

}  // namespace elanus::server
