// A bounded LRU of filter results over sealed segments. A sealed segment's rows never change, so
// the bitset a filter gives over them (before visibility and deletes, which the read path applies
// per request) can be reused by every later request with the same filter. The same idea as
// Lucene's per-segment query cache. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/bitset.h"
#include "elanus/engine.h"

namespace elanus::engine {

class FilterCache {
 public:
  // capacity_bytes bounds the bitsets held (their word storage); 0 holds nothing.
  explicit FilterCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The bitset stored for (segment, key), or null. A hit becomes the most recently used entry.
  std::shared_ptr<const Bitset> Get(int64_t segment_id, const std::string& key);
  // Stores the bitset, evicting least recently used entries to stay within the capacity. A
  // bitset larger than the whole capacity is not stored.
  void Put(int64_t segment_id, const std::string& key, std::shared_ptr<const Bitset> bits);

  using Stats = Engine::FilterCacheStats;
  Stats stats() const;
  bool enabled() const { return capacity_ > 0; }

 private:
  struct Entry {
    std::string map_key;  // MapKey(segment, key)
    std::shared_ptr<const Bitset> bits;
  };
  static size_t BytesOf(const Bitset& b) { return b.num_words() * sizeof(uint64_t); }
  static std::string MapKey(int64_t segment_id, const std::string& key);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front: most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> map_;
  size_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace elanus::engine
