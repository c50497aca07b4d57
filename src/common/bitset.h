// A fixed-size bitset over row offsets of one segment (filter results, visibility masks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace elanus {

class Bitset {
 public:
  Bitset() = default;
  explicit Bitset(size_t n, bool value = false)
      : n_(n), words_((n + 63) / 64, value ? ~uint64_t{0} : 0) {
    ClearTail();
  }

  size_t size() const { return n_; }
  bool test(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  void reset(size_t i) { words_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  void assign(size_t i, bool v) { v ? set(i) : reset(i); }

  size_t count() const;  // set bits; bitset.cc
  Bitset& operator&=(const Bitset& o) {
    for (size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
    return *this;
  }
  Bitset& operator|=(const Bitset& o) {
    for (size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i];
    return *this;
  }
  void flip() {
    for (uint64_t& w : words_) w = ~w;
    ClearTail();
  }
  uint64_t* words() { return words_.data(); }
  const uint64_t* words() const { return words_.data(); }
  size_t num_words() const { return words_.size(); }

 private:
  void ClearTail() {
    if (n_ % 64 != 0 && !words_.empty()) words_.back() &= (uint64_t{1} << (n_ % 64)) - 1;
  }
  size_t n_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace elanus
