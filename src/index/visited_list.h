// An epoch-stamped visited set over row ids 0..n-1 for graph traversals: Reset() is O(1) (bumps
// the epoch) except once every 65535 uses, when the marks are cleared. Not thread-safe; each
// search takes its own from a pool.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace elanus::index {

class VisitedList {
 public:
  // Prepares for a new traversal over ids < n.
  void Reset(size_t n) {
    if (marks_.size() < n) {
      marks_.assign(n, 0);
      epoch_ = 0;
    }
    if (++epoch_ == 0) {
      std::fill(marks_.begin(), marks_.end(), 0);
      epoch_ = 1;
    }
  }
  bool Visited(uint32_t id) const { return marks_[id] == epoch_; }
  void Mark(uint32_t id) { marks_[id] = epoch_; }
  // Marks and returns whether it was already marked.
  bool TestAndMark(uint32_t id) {
    const bool v = marks_[id] == epoch_;
    marks_[id] = epoch_;
    return v;
  }
  const uint16_t* MarkPtr(uint32_t id) const { return marks_.data() + id; }
  size_t MemoryBytes() const { return marks_.capacity() * sizeof(uint16_t); }

 private:
  std::vector<uint16_t> marks_;
  uint16_t epoch_ = 0;
};

}  // namespace elanus::index
