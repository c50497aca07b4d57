// Test helper: run a check once per SIMD target available on this CPU.
#ifndef ELANUS_SIMD_TEST_TARGETS_H_
#define ELANUS_SIMD_TEST_TARGETS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "simd/distance.h"

namespace elanus::simd {

// Dimensions every kernel is checked at: around each vector width and unroll boundary.
inline const std::vector<size_t> kDims = {1,  2,  3,  4,  5,   6,   7,   8,   9,    15,  16,
                                          17, 31, 32, 33, 127, 128, 129, 768, 1000, 4096};

// Restricts dispatch to one target for its lifetime.
class ScopedTarget {
 public:
  explicit ScopedTarget(int64_t target) { ForceTargetForTest(target); }
  ~ScopedTarget() { ForceTargetForTest(0); }
  ScopedTarget(const ScopedTarget&) = delete;
  ScopedTarget& operator=(const ScopedTarget&) = delete;
};

// Runs body once per available target, with a trace naming the target.
template <class Body>
void ForEachTarget(Body body) {
  const std::vector<int64_t> targets = AvailableTargets();
  ASSERT_FALSE(targets.empty());
  for (int64_t t : targets) {
    ScopedTarget scoped(t);
    SCOPED_TRACE(std::string("target ") + TargetName(t));
    ASSERT_STREQ(ActiveTarget(), TargetName(t));
    body();
  }
}

}  // namespace elanus::simd

#endif  // ELANUS_SIMD_TEST_TARGETS_H_
