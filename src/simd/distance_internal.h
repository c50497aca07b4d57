// Helpers shared by the reference and the SIMD kernels (not for use outside src/simd/).
#ifndef ELANUS_SIMD_DISTANCE_INTERNAL_H_
#define ELANUS_SIMD_DISTANCE_INTERNAL_H_

#include <cstdint>

namespace elanus::simd::detail {

// One formula on exact integer counts, so ref:: and SIMD Jaccard are bit-identical.
inline float JaccardFromCounts(uint64_t inter, uint64_t uni) {
  if (uni == 0) return 0.0f;
  return 1.0f - static_cast<float>(inter) / static_cast<float>(uni);
}

}  // namespace elanus::simd::detail

#endif  // ELANUS_SIMD_DISTANCE_INTERNAL_H_
