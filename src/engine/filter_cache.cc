#include "engine/filter_cache.h"

namespace elanus::engine {

std::string FilterCache::MapKey(int64_t segment_id, const std::string& key) {
  std::string k(reinterpret_cast<const char*>(&segment_id), sizeof(segment_id));
  k += key;
  return k;
}

std::shared_ptr<const Bitset> FilterCache::Get(int64_t segment_id, const std::string& key) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = map_.find(MapKey(segment_id, key));
  if (it == map_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->bits;
}

void FilterCache::Put(int64_t segment_id, const std::string& key,
                      std::shared_ptr<const Bitset> bits) {
  const size_t size = BytesOf(*bits);
  if (size > capacity_) return;
  std::lock_guard<std::mutex> g(mu_);
  std::string mk = MapKey(segment_id, key);
  if (auto it = map_.find(mk); it != map_.end()) {  // a concurrent miss stored it first
    bytes_ -= BytesOf(*it->second->bits);
    lru_.erase(it->second);
    map_.erase(it);
  }
  while (bytes_ + size > capacity_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= BytesOf(*last.bits);
    map_.erase(last.map_key);
    lru_.pop_back();
  }
  lru_.push_front({mk, std::move(bits)});
  map_.emplace(std::move(mk), lru_.begin());
  bytes_ += size;
}

FilterCache::Stats FilterCache::stats() const {
  std::lock_guard<std::mutex> g(mu_);
  return {hits_, misses_, lru_.size(), bytes_};
}

}  // namespace elanus::engine
