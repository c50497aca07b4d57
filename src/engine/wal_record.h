// Records the engine writes to the Log (docs/format/wal.md). Each record belongs to one
// collection and carries the write's hybrid timestamp.
//   u8 type | i64 collection_id | u64 ts | payload
//   kInsert: i64 partition_id (-1: per-row partitions follow) [u32 n, n × i64 partition ids]
//            then the encoded NormalizedBatch
//   kDelete: i64 partition_id (-1: all) | keys
//   kUpsert: keys to delete (any partition), then an insert payload
//   keys:    u8 kind (0 int64, 1 string) | u64 n | n × i64  or  n × (u32 len, bytes)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/engine.h"
#include "types/batch.h"

namespace elanus::engine {

enum class WalType : uint8_t { kInsert = 1, kDelete = 2, kUpsert = 3 };

struct WalHeader {
  WalType type = WalType::kInsert;
  int64_t collection_id = 0;
  uint64_t ts = 0;
};

struct InsertPayload {
  std::vector<int64_t> row_partitions;  // one partition id per row
  types::NormalizedBatch batch;
};

void EncodeWalHeader(const WalHeader& h, std::string* out);
void EncodeKeys(const PrimaryKeys& keys, std::string* out);
void EncodeInsert(const std::vector<int64_t>& row_partitions, const types::NormalizedBatch& batch,
                  std::string* out);

// Decoders advance `in`; Corruption on malformed input.
Result<WalHeader> DecodeWalHeader(std::string_view* in);
Result<PrimaryKeys> DecodeKeys(std::string_view* in);
Result<InsertPayload> DecodeInsert(const CollectionSchema& schema, std::string_view* in);

}  // namespace elanus::engine
