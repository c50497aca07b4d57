// BlobStore: immutable named blobs (sealed segment files, delete logs, index files). Put is atomic
// and durable; a blob is never modified after Put. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/status.h"

namespace elanus::storage {

class Blob {
 public:
  virtual ~Blob() = default;
  // The blob's bytes (memory-mapped where the backend can). Valid while this object lives.
  virtual std::string_view data() const = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Names are relative paths of [A-Za-z0-9_./-]; InvalidArgument otherwise.
  virtual Status Put(const std::string& name, std::string_view data) = 0;
  virtual Result<std::unique_ptr<Blob>> Get(const std::string& name) = 0;  // NotFound if absent
  virtual Status Delete(const std::string& name) = 0;                      // OK if absent
  virtual Result<std::vector<std::string>> List(const std::string& prefix) = 0;
};

}  // namespace elanus::storage
