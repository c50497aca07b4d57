#include "common/bitset.h"

#include <bit>

namespace elanus {
namespace {

// The release build targets baseline x86-64, where std::popcount is a call into libgcc's table
// popcount per word. target_clones adds a POPCNT variant, picked once at load time (ifunc) on
// CPUs that have the instruction. Not under ThreadSanitizer: its instrumented ifunc resolver runs
// before the TSan runtime is up and crashed every TSan binary at load (scripts/tsan.sh).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("popcnt", "default")))
#endif
size_t
CountWords(const uint64_t* words, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<size_t>(std::popcount(words[i]));
  return c;
}

}  // namespace

size_t Bitset::count() const { return CountWords(words_.data(), words_.size()); }

}  // namespace elanus
