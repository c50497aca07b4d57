// MetaStore: a small transactional key/value catalog (databases, collections, schemas, partitions,
// segments, checkpoints). Commit is atomic and durable: after it returns OK, a crash at any point
// leaves either all or none of the batch visible. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "elanus/status.h"

namespace elanus::storage {

struct MetaOp {
  std::string key;
  std::optional<std::string> value;  // nullopt deletes the key
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;
  virtual Result<std::optional<std::string>> Get(const std::string& key) = 0;
  // All pairs whose key starts with prefix, ordered by key.
  virtual Result<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix) = 0;
  virtual Status Commit(const std::vector<MetaOp>& ops) = 0;
};

}  // namespace elanus::storage
