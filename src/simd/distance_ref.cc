// Scalar reference kernels: the specification the SIMD kernels are tested against. Deliberately
// plain: one loop, double accumulation for floats, int64 for integers.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd/distance.h"
#include "simd/distance_internal.h"

namespace elanus::simd::ref {
namespace {

inline double Sq(double x) { return x * x; }

}  // namespace

float L2Sqr(const float* a, const float* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += Sq(static_cast<double>(a[i]) - b[i]);
  return static_cast<float>(s);
}

float L2SqrBounded(const float* a, const float* b, size_t dim, float bound) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) {
    s += Sq(static_cast<double>(a[i]) - b[i]);
    if (s >= bound) return static_cast<float>(s);
  }
  return static_cast<float>(s);
}

float InnerProduct(const float* a, const float* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(s);
}

float Norm(const float* a, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += Sq(a[i]);
  return static_cast<float>(std::sqrt(s));
}

float L2SqrF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += Sq(static_cast<double>(F16ToF32(a[i])) - F16ToF32(b[i]));
  return static_cast<float>(s);
}

float InnerProductF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += static_cast<double>(F16ToF32(a[i])) * F16ToF32(b[i]);
  return static_cast<float>(s);
}

float NormF16(const uint16_t* a, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += Sq(F16ToF32(a[i]));
  return static_cast<float>(std::sqrt(s));
}

float L2SqrBF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += Sq(static_cast<double>(BF16ToF32(a[i])) - BF16ToF32(b[i]));
  return static_cast<float>(s);
}

float InnerProductBF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += static_cast<double>(BF16ToF32(a[i])) * BF16ToF32(b[i]);
  return static_cast<float>(s);
}

float NormBF16(const uint16_t* a, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += Sq(BF16ToF32(a[i]));
  return static_cast<float>(std::sqrt(s));
}

float L2SqrI8(const int8_t* a, const int8_t* b, size_t dim) {
  int64_t s = 0;
  for (size_t i = 0; i < dim; ++i) {
    const int64_t d = int64_t{a[i]} - b[i];
    s += d * d;
  }
  return static_cast<float>(s);
}

float InnerProductI8(const int8_t* a, const int8_t* b, size_t dim) {
  int64_t s = 0;
  for (size_t i = 0; i < dim; ++i) s += int64_t{a[i]} * b[i];
  return static_cast<float>(s);
}

float NormI8(const int8_t* a, size_t dim) {
  int64_t s = 0;
  for (size_t i = 0; i < dim; ++i) s += int64_t{a[i]} * a[i];
  return static_cast<float>(std::sqrt(static_cast<double>(s)));
}

uint32_t Hamming(const uint8_t* a, const uint8_t* b, size_t nbytes) {
  uint32_t n = 0;
  for (size_t i = 0; i < nbytes; ++i) {
    for (int bit = 0; bit < 8; ++bit) n += ((a[i] ^ b[i]) >> bit) & 1u;
  }
  return n;
}

float Jaccard(const uint8_t* a, const uint8_t* b, size_t nbytes) {
  uint64_t inter = 0, uni = 0;
  for (size_t i = 0; i < nbytes; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      inter += ((a[i] & b[i]) >> bit) & 1u;
      uni += ((a[i] | b[i]) >> bit) & 1u;
    }
  }
  return detail::JaccardFromCounts(inter, uni);
}

float SparseInnerProduct(const uint32_t* ai, const float* av, size_t an, const uint32_t* bi,
                         const float* bv, size_t bn) {
  double s = 0;
  size_t i = 0, j = 0;
  while (i < an && j < bn) {
    if (ai[i] < bi[j]) {
      ++i;
    } else if (bi[j] < ai[i]) {
      ++j;
    } else {
      s += static_cast<double>(av[i++]) * bv[j++];
    }
  }
  return static_cast<float>(s);
}

void L2SqrBatch(const float* q, const float* base, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = L2Sqr(q, base + i * dim, dim);
}

void InnerProductBatch(const float* q, const float* base, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = InnerProduct(q, base + i * dim, dim);
}

// ---- conversions by arithmetic ------------------------------------------------------------------

float F16ToF32(uint16_t h) {
  const bool neg = (h & 0x8000) != 0;
  const int exp = (h >> 10) & 0x1F;
  const int mant = h & 0x3FF;
  double v;
  if (exp == 0) {
    v = std::ldexp(static_cast<double>(mant), -24);  // subnormal: mant * 2^-24
  } else if (exp == 31) {
    v = mant == 0 ? HUGE_VAL : std::nan("");
  } else {
    v = std::ldexp(static_cast<double>(1024 + mant), exp - 25);  // 1.mant * 2^(exp-15)
  }
  return static_cast<float>(neg ? -v : v);
}

uint16_t F32ToF16(float f) {
  const uint16_t sign = std::signbit(f) ? 0x8000 : 0;
  if (std::isnan(f)) return sign | 0x7E00;
  const double x = std::fabs(static_cast<double>(f));
  if (x < std::ldexp(1.0, -14)) {
    // Subnormal range, quantum 2^-24. nearbyint rounds half to even (default rounding mode);
    // a result of 1024 is exactly the encoding of the smallest normal.
    return sign | static_cast<uint16_t>(std::nearbyint(std::ldexp(x, 24)));
  }
  if (std::isinf(x)) return sign | 0x7C00;
  int e2;
  std::frexp(x, &e2);  // x = fr * 2^e2, fr in [0.5, 1) -> unbiased exponent e2 - 1
  int e = e2 - 1;
  double m = std::nearbyint(std::ldexp(x, 10 - e));  // in [1024, 2048]
  if (m == 2048) {
    m = 1024;
    ++e;
  }
  if (e > 15) return sign | 0x7C00;
  return sign | static_cast<uint16_t>(((e + 15) << 10) | (static_cast<int>(m) - 1024));
}

float BF16ToF32(uint16_t h) {
  const bool neg = (h & 0x8000) != 0;
  const int exp = (h >> 7) & 0xFF;
  const int mant = h & 0x7F;
  double v;
  if (exp == 0) {
    v = std::ldexp(static_cast<double>(mant), -133);  // mant * 2^-7 * 2^-126
  } else if (exp == 255) {
    v = mant == 0 ? HUGE_VAL : std::nan("");
  } else {
    v = std::ldexp(static_cast<double>(128 + mant), exp - 134);  // 1.mant * 2^(exp-127)
  }
  return static_cast<float>(neg ? -v : v);
}

uint16_t F32ToBF16(float f) {
  const uint16_t sign = std::signbit(f) ? 0x8000 : 0;
  if (std::isnan(f)) return sign | 0x7FC0;
  const double x = std::fabs(static_cast<double>(f));
  if (std::isinf(x)) return sign | 0x7F80;
  int quantum_exp;  // value of the last kept bit
  if (x < std::ldexp(1.0, -126)) {
    quantum_exp = -133;
  } else {
    int e2;
    std::frexp(x, &e2);
    quantum_exp = (e2 - 1) - 7;
  }
  // Rounded value is exactly representable in bf16 (or is 2^128 -> float Inf on overflow).
  const double rounded = std::ldexp(std::nearbyint(std::ldexp(x, -quantum_exp)), quantum_exp);
  const float r = static_cast<float>(rounded);
  uint32_t bits;
  std::memcpy(&bits, &r, sizeof(bits));
  return sign | static_cast<uint16_t>(bits >> 16);
}

}  // namespace elanus::simd::ref
