// IntegerPredicateBits, compiled once per Highway target (foreach_target re-includes this file).
// Per 64-row word: compare a vector of values at a time and collect each comparison's mask bits
// with StoreMaskBits, so no byte-per-row buffer is needed. (v - lo) <= span is computed as
// !((v - lo) > span), an unsigned compare every target has.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/bitmask.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hwy/highway.h"
#include "simd/bitmask.h"

HWY_BEFORE_NAMESPACE();
namespace elanus::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
HWY_INLINE bool ScalarTest(const uint8_t* p, T lo, T span, bool not_equal) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return not_equal ? v != lo : static_cast<T>(v - lo) <= span;
}

template <typename T>
void PredicateBits(const uint8_t* x, size_t n, T lo, T span, bool not_equal, uint64_t* out) {
  const hn::ScalableTag<T> d;
  const size_t lanes = hn::Lanes(d);
  const size_t full = (lanes <= 64 && 64 % lanes == 0) ? n / 64 : 0;
  const auto vlo = hn::Set(d, lo);
  const auto vspan = hn::Set(d, span);
  if (std::endian::native == std::endian::little && lanes >= 8) {
    // Whole bytes of mask bits per vector: the predicate's bits go straight into the output word.
    // Collecting them through a byte buffer (below) made each 8-byte reload wait on the 1-byte
    // mask store (no store-to-load forwarding): 1M INT64 rows took ~300 us on AVX3_DL.
    for (size_t w = 0; w < full; ++w) {
      const T* p = reinterpret_cast<const T*>(x + w * 64 * sizeof(T));
      auto* ob = reinterpret_cast<uint8_t*>(out + w);
      for (size_t j = 0; j < 64; j += lanes) {
        const auto v = hn::LoadU(d, p + j);
        const auto m = not_equal ? hn::Ne(v, vlo) : hn::Not(hn::Gt(hn::Sub(v, vlo), vspan));
        hn::StoreMaskBits(d, m, ob + j / 8);
      }
    }
  } else {
    const uint64_t lane_mask = lanes >= 64 ? ~uint64_t{0} : (uint64_t{1} << lanes) - 1;
    for (size_t w = 0; w < full; ++w) {
      const uint8_t* p = x + w * 64 * sizeof(T);
      uint64_t word = 0;
      for (size_t j = 0; j < 64; j += lanes) {
        const auto v = hn::LoadU(d, reinterpret_cast<const T*>(p + j * sizeof(T)));
        uint8_t bytes[8] = {};
        if (not_equal) {
          hn::StoreMaskBits(d, hn::Eq(v, vlo), bytes);
        } else {
          hn::StoreMaskBits(d, hn::Gt(hn::Sub(v, vlo), vspan), bytes);
        }
        uint64_t bits;
        std::memcpy(&bits, bytes, sizeof(bits));
        word |= (~bits & lane_mask) << j;  // both compares give the complement of the predicate
      }
      out[w] = word;
    }
  }
  for (size_t w = full; w * 64 < n; ++w) {
    uint64_t word = 0;
    for (size_t j = 0; j < 64 && w * 64 + j < n; ++j) {
      const uint8_t* p = x + (w * 64 + j) * sizeof(T);
      word |= static_cast<uint64_t>(ScalarTest<T>(p, lo, span, not_equal)) << j;
    }
    out[w] = word;
  }
}

void IntegerPredicateBitsImpl(const void* x, size_t width_bytes, size_t n, uint64_t lo,
                              uint64_t span, bool not_equal, uint64_t* out) {
  const auto* p = static_cast<const uint8_t*>(x);
  switch (width_bytes) {
    case 1:
      return PredicateBits<uint8_t>(p, n, static_cast<uint8_t>(lo), static_cast<uint8_t>(span),
                                    not_equal, out);
    case 2:
      return PredicateBits<uint16_t>(p, n, static_cast<uint16_t>(lo), static_cast<uint16_t>(span),
                                     not_equal, out);
    case 4:
      return PredicateBits<uint32_t>(p, n, static_cast<uint32_t>(lo), static_cast<uint32_t>(span),
                                     not_equal, out);
    default:
      return PredicateBits<uint64_t>(p, n, lo, span, not_equal, out);
  }
}

}  // namespace elanus::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace elanus::simd {
HWY_EXPORT(IntegerPredicateBitsImpl);

void IntegerPredicateBits(const void* x, size_t width_bytes, size_t n, uint64_t lo, uint64_t span,
                          bool not_equal, uint64_t* out) {
  HWY_DYNAMIC_DISPATCH(IntegerPredicateBitsImpl)(x, width_bytes, n, lo, span, not_equal, out);
}
}  // namespace elanus::simd
#endif  // HWY_ONCE
