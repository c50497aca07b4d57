// Hybrid timestamps: physical milliseconds << 18 | logical counter. Strictly increasing across
// calls and, after AdvanceTo(max seen), across restarts. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace elanus {

inline constexpr int kLogicalBits = 18;

inline uint64_t ComposeTs(uint64_t physical_ms, uint64_t logical) {
  return (physical_ms << kLogicalBits) | logical;
}
inline uint64_t PhysicalMs(uint64_t ts) { return ts >> kLogicalBits; }

class HybridClock {
 public:
  uint64_t Now() {
    uint64_t phys =
        ComposeTs(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count()),
                  0);
    uint64_t last = last_.load(std::memory_order_relaxed);
    for (;;) {
      uint64_t next = phys > last ? phys : last + 1;
      if (last_.compare_exchange_weak(last, next, std::memory_order_relaxed)) return next;
    }
  }
  // Ensures later timestamps exceed ts (recovery: the largest timestamp found in the log).
  void AdvanceTo(uint64_t ts) {
    uint64_t last = last_.load(std::memory_order_relaxed);
    while (ts > last && !last_.compare_exchange_weak(last, ts, std::memory_order_relaxed)) {
    }
  }
  uint64_t Last() const { return last_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> last_{0};
};

}  // namespace elanus
