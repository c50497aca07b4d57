// Catalog records kept in the MetaStore (docs/format/catalog.md), encoded as JSON:
//   "db/<name>"        {"id", "created_ts"}
//   "coll/<id>"        CollectionMeta: schema, partitions, sealed segments, delete logs, checkpoint
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/engine.h"

namespace elanus::engine {

struct SegmentMeta {
  int64_t id = 0;
  int64_t partition_id = 0;
  uint64_t rows = 0;
  std::string blob;                            // BlobStore name of the segment file
  std::map<int64_t, std::string> index_blobs;  // field id -> BlobStore name of its index

  // Every blob the segment owns: its file, then its index files.
  std::vector<std::string> Blobs() const {
    std::vector<std::string> out{blob};
    for (const auto& [field, name] : index_blobs) out.push_back(name);
    return out;
  }
};

struct IndexDef {
  int64_t field_id = 0;
  std::string name;
  std::string type;           // as requested, e.g. AUTOINDEX
  std::string resolved_type;  // registry type, e.g. HNSW
  MetricType metric = MetricType::kNone;
  std::map<std::string, std::string> params;  // build parameters actually used

  bool operator==(const IndexDef&) const = default;
};

struct CollectionMeta {
  int64_t id = 0;
  std::string db;
  uint64_t created_ts = 0;
  CollectionSchema schema;
  std::vector<PartitionInfo> partitions;
  // Every log record of this collection with lsn < checkpoint_lsn is reflected in `segments`
  // and `deltas`; replay starts there.
  uint64_t checkpoint_lsn = 0;
  std::vector<SegmentMeta> segments;
  std::vector<std::string> deltas;  // delete-mark blobs, applied in order
  std::vector<IndexDef> indexes;
};

std::string EncodeCollectionMeta(const CollectionMeta& m);
Result<CollectionMeta> DecodeCollectionMeta(std::string_view text);

std::string EncodeSchemaJson(const CollectionSchema& s);
Result<CollectionSchema> DecodeSchemaJson(std::string_view text);

std::string DbKey(const std::string& name);
std::string CollectionKey(int64_t id);

}  // namespace elanus::engine
