// Scalar float16 / bfloat16 conversions by bit manipulation (round-to-nearest-even).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd/distance.h"

namespace elanus::simd {
namespace {

inline uint32_t BitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

inline float FloatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

}  // namespace

float F16ToF32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1F;
  const uint32_t mant = h & 0x3FF;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24, exact in float.
    return FloatOf(sign | BitsOf(static_cast<float>(mant) * 0x1p-24f));
  }
  if (exp == 31) return FloatOf(sign | 0x7F800000u | (mant << 13));  // Inf / NaN (payload kept)
  return FloatOf(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
}

uint16_t F32ToF16(float f) {
  const uint32_t x = BitsOf(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t ax = x & 0x7FFFFFFFu;
  if (ax > 0x7F800000u) return sign | 0x7E00 | ((ax >> 13) & 0x3FF);  // NaN: force quiet
  // 65520 (0x477FF000) is halfway between 65504 (max half, odd mantissa) and 65536: rounds to Inf.
  if (ax >= 0x477FF000u) return sign | 0x7C00;
  if (ax < 0x38800000u) {                // below 2^-14: half subnormal (or zero), quantum 2^-24
    if (ax <= 0x33000000u) return sign;  // <= 2^-25: rounds to zero (2^-25 is a tie to even 0)
    const uint32_t mant = (ax & 0x7FFFFF) | 0x800000;  // 24-bit significand
    const int e = static_cast<int>(ax >> 23) - 127;    // in [-25, -15]
    const int shift = -e - 1;                          // value * 2^24 = mant >> shift
    uint32_t m = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (m & 1))) ++m;  // 1024 is the smallest normal: correct
    return sign | static_cast<uint16_t>(m);
  }
  uint32_t h = ((ax >> 23) - 127 + 15) << 10 | ((ax >> 13) & 0x3FF);
  const uint32_t rem = ax & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;  // carry into the exponent is correct
  return sign | static_cast<uint16_t>(h);
}

float BF16ToF32(uint16_t h) { return FloatOf(static_cast<uint32_t>(h) << 16); }

uint16_t F32ToBF16(float f) {
  const uint32_t x = BitsOf(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x40);  // quiet NaN
  const uint32_t rounding = 0x7FFF + ((x >> 16) & 1);  // ties to even
  return static_cast<uint16_t>((x + rounding) >> 16);  // overflow carries into Inf: correct
}

size_t RowTypeBytes(RowType t) {
  switch (t) {
    case RowType::kF16:
    case RowType::kBF16:
      return 2;
    case RowType::kI8:
    case RowType::kU8:
      return 1;
    case RowType::kF32:
      break;
  }
  return 4;
}

const char* RowTypeName(RowType t) {
  switch (t) {
    case RowType::kF16:
      return "float16";
    case RowType::kBF16:
      return "bfloat16";
    case RowType::kI8:
      return "int8";
    case RowType::kU8:
      return "uint8";
    case RowType::kF32:
      break;
  }
  return "float32";
}

bool RowTypeFits(const float* v, size_t n, RowType t) {
  for (size_t i = 0; i < n; ++i) {
    const float x = v[i];
    bool ok = false;
    switch (t) {
      case RowType::kF32:
        ok = x == x;
        break;
      case RowType::kF16:
        ok = F16ToF32(F32ToF16(x)) == x;
        break;
      case RowType::kBF16:
        ok = BF16ToF32(F32ToBF16(x)) == x;
        break;
      case RowType::kI8:
        ok = x >= -128.0f && x <= 127.0f && std::floor(x) == x;
        break;
      case RowType::kU8:
        ok = x >= 0.0f && x <= 255.0f && std::floor(x) == x;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

void EncodeRow(const float* v, size_t n, RowType t, void* out) {
  switch (t) {
    case RowType::kF32:
      std::memcpy(out, v, n * sizeof(float));
      return;
    case RowType::kF16:
    case RowType::kBF16: {
      auto* o = static_cast<uint16_t*>(out);
      for (size_t i = 0; i < n; ++i) o[i] = t == RowType::kF16 ? F32ToF16(v[i]) : F32ToBF16(v[i]);
      return;
    }
    case RowType::kI8: {
      auto* o = static_cast<int8_t*>(out);
      for (size_t i = 0; i < n; ++i) {
        o[i] = static_cast<int8_t>(std::fmax(-128.0f, std::fmin(127.0f, std::nearbyint(v[i]))));
      }
      return;
    }
    case RowType::kU8: {
      auto* o = static_cast<uint8_t*>(out);
      for (size_t i = 0; i < n; ++i) {
        o[i] = static_cast<uint8_t>(std::fmax(0.0f, std::fmin(255.0f, std::nearbyint(v[i]))));
      }
      return;
    }
  }
}

}  // namespace elanus::simd
