// SIMD float32 / float16 / bfloat16 kernels and the batch kernels, compiled once per Highway target
// (foreach_target re-includes this file) and dispatched at runtime.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/distance_float.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "simd/distance.h"

HWY_BEFORE_NAMESPACE();
namespace elanus::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;
// Upper bound on Lanes(DF()) for this target: size of the zero-padded tail buffers.
constexpr size_t kMaxLanes = HWY_LANES(float);

// ---- element formats: widen Lanes(df) stored elements at p to one float vector ------------------

struct F32 {
  using T = float;
  static HWY_INLINE VF Load(DF df, const float* p) { return hn::LoadU(df, p); }
};

struct BF16 {
  using T = uint16_t;
  static HWY_INLINE VF Load(DF df, const uint16_t* p) {
    const hn::RebindToUnsigned<DF> du32;
    const hn::Rebind<uint16_t, DF> du16;
    return hn::BitCast(df, hn::ShiftLeft<16>(hn::PromoteTo(du32, hn::LoadU(du16, p))));
  }
};

struct F16 {
  using T = uint16_t;
  static HWY_INLINE VF Load(DF df, const uint16_t* p) {
    const hn::Rebind<uint16_t, DF> du16;
#if HWY_TARGET < HWY_SSE4  // AVX2 and up: F16C (vcvtph2ps) via Highway, exact for all inputs.
    const hn::Rebind<hwy::float16_t, DF> df16;
    return hn::PromoteTo(df, hn::BitCast(df16, hn::LoadU(du16, p)));
#else
    // No F16C. Highway's emulation maps Inf/NaN to finite values, so widen by hand.
    const hn::RebindToSigned<DF> di32;
    const auto u = hn::PromoteTo(di32, hn::BitCast(hn::Rebind<int16_t, DF>(), hn::LoadU(du16, p)));
    const auto sign = hn::ShiftLeft<16>(hn::And(u, hn::Set(di32, 0x8000)));
    const auto em = hn::And(u, hn::Set(di32, 0x7FFF));  // exponent and mantissa bits
    // Normal: rebias the exponent by 127 - 15; Inf/NaN (em >= 0x7C00): by another 128 - 16.
    auto normal = hn::Add(hn::ShiftLeft<13>(em), hn::Set(di32, 112 << 23));
    normal = hn::IfThenElse(hn::Gt(em, hn::Set(di32, 0x7BFF)),
                            hn::Add(normal, hn::Set(di32, 112 << 23)), normal);
    // Zero / subnormal (em < 0x400): value is em * 2^-24, exact in float.
    const auto sub = hn::BitCast(di32, hn::Mul(hn::ConvertTo(df, em), hn::Set(df, 0x1p-24f)));
    const auto mag = hn::IfThenElse(hn::Lt(em, hn::Set(di32, 0x400)), sub, normal);
    return hn::BitCast(df, hn::Or(sign, mag));
#endif
  }
};

// Integer formats (stored rows whose values are small integers): exact widening to float.
struct U8 {
  using T = uint8_t;
  static HWY_INLINE VF Load(DF df, const uint8_t* p) {
    const hn::RebindToSigned<DF> di32;
    const hn::Rebind<uint8_t, DF> du8;
    return hn::ConvertTo(df, hn::PromoteTo(di32, hn::LoadU(du8, p)));
  }
};

struct I8 {
  using T = int8_t;
  static HWY_INLINE VF Load(DF df, const int8_t* p) {
    const hn::RebindToSigned<DF> di32;
    const hn::Rebind<int8_t, DF> di8;
    return hn::ConvertTo(df, hn::PromoteTo(di32, hn::LoadU(di8, p)));
  }
};

// ---- reductions over one or two vectors ---------------------------------------------------------

struct DotOp {
  static HWY_INLINE VF Step(VF a, VF b, VF acc) { return hn::MulAdd(a, b, acc); }
};
struct L2Op {
  static HWY_INLINE VF Step(VF a, VF b, VF acc) {
    const VF d = hn::Sub(a, b);
    return hn::MulAdd(d, d, acc);
  }
};

// Sum over i of Op(a_i, b_i). kUnary: b is ignored and a is used for both (self dot product), which
// avoids loading and converting a second time. The tail is copied into zero-padded buffers, which
// contribute 0 to both ops; nothing past a + dim is read.
template <class Fmt, class Op, bool kUnary>
HWY_INLINE float Reduce(const typename Fmt::T* HWY_RESTRICT a,
                        const typename Fmt::T* HWY_RESTRICT b, size_t dim) {
  using T = typename Fmt::T;
  const DF df;
  const size_t N = hn::Lanes(df);
  VF s0 = hn::Zero(df), s1 = hn::Zero(df), s2 = hn::Zero(df), s3 = hn::Zero(df);
  size_t i = 0;
  if (dim >= 4 * N) {
    for (; i <= dim - 4 * N; i += 4 * N) {
      const VF a0 = Fmt::Load(df, a + i), a1 = Fmt::Load(df, a + i + N);
      const VF a2 = Fmt::Load(df, a + i + 2 * N), a3 = Fmt::Load(df, a + i + 3 * N);
      if constexpr (kUnary) {
        s0 = Op::Step(a0, a0, s0);
        s1 = Op::Step(a1, a1, s1);
        s2 = Op::Step(a2, a2, s2);
        s3 = Op::Step(a3, a3, s3);
      } else {
        s0 = Op::Step(a0, Fmt::Load(df, b + i), s0);
        s1 = Op::Step(a1, Fmt::Load(df, b + i + N), s1);
        s2 = Op::Step(a2, Fmt::Load(df, b + i + 2 * N), s2);
        s3 = Op::Step(a3, Fmt::Load(df, b + i + 3 * N), s3);
      }
    }
  }
  for (; i + N <= dim; i += N) {
    const VF av = Fmt::Load(df, a + i);
    s0 = Op::Step(av, kUnary ? av : Fmt::Load(df, b + i), s0);
  }
  if (i < dim) {
    T ta[kMaxLanes] = {};
    std::copy(a + i, a + dim, ta);
    const VF av = Fmt::Load(df, ta);
    if constexpr (kUnary) {
      s1 = Op::Step(av, av, s1);
    } else {
      T tb[kMaxLanes] = {};
      std::copy(b + i, b + dim, tb);
      s1 = Op::Step(av, Fmt::Load(df, tb), s1);
    }
  }
  return hn::GetLane(hn::SumOfLanes(df, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
}

float L2SqrF32Impl(const float* a, const float* b, size_t dim) {
  return Reduce<F32, L2Op, false>(a, b, dim);
}

// L2Sqr of a float32 query and a stored row of format Fmt, with early termination. For F32 it
// uses the same four accumulators and order as Reduce<F32, L2Op>, so an unterminated result is
// bit-identical to L2SqrF32Impl; for narrower formats it equals the F32 kernel on the widened row
// (widening is exact). Every kCheckFloats components the partial sum (a lower bound of the full
// sum: every term is >= 0) is compared with `bound`. Each check (a horizontal sum and a branch)
// holds reorder-buffer slots until the row's loads arrive, which costs memory-level parallelism
// when rows come from DRAM: out of cache, 384-d float32 L2SqrBounded with an infinite bound took
// 318 ns against L2Sqr's 264 ns when checking every 64 floats. HNSW single-thread QPS, checking
// every 64 / 256 floats (variants alternated over distinct queries in one process): fashion-mnist
// uint8 rows 12,176 -> 13,881 at ef=16; 1M x 128 float32 (256: no check at all) 4,118 -> 4,682
// at ef=32; 784-d float32 7,021 -> 7,337 at ef=16, where never checking was slower (6,352).
constexpr size_t kCheckFloats = 256;
template <class Fmt>
HWY_INLINE float L2Bounded(const float* HWY_RESTRICT a, const typename Fmt::T* HWY_RESTRICT b,
                           size_t dim, float bound) {
  using T = typename Fmt::T;
  const DF df;
  const size_t N = hn::Lanes(df);
  const size_t block = 4 * N;
  const size_t blocks_per_check = block >= kCheckFloats ? 1 : kCheckFloats / block;
  VF s0 = hn::Zero(df), s1 = hn::Zero(df), s2 = hn::Zero(df), s3 = hn::Zero(df);
  size_t i = 0;
  size_t since_check = 0;
  for (; i + block <= dim; i += block) {
    s0 = L2Op::Step(hn::LoadU(df, a + i), Fmt::Load(df, b + i), s0);
    s1 = L2Op::Step(hn::LoadU(df, a + i + N), Fmt::Load(df, b + i + N), s1);
    s2 = L2Op::Step(hn::LoadU(df, a + i + 2 * N), Fmt::Load(df, b + i + 2 * N), s2);
    s3 = L2Op::Step(hn::LoadU(df, a + i + 3 * N), Fmt::Load(df, b + i + 3 * N), s3);
    if (++since_check == blocks_per_check && i + block < dim) {
      since_check = 0;
      const float partial =
          hn::GetLane(hn::SumOfLanes(df, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
      if (partial >= bound) return partial;
    }
  }
  for (; i + N <= dim; i += N) s0 = L2Op::Step(hn::LoadU(df, a + i), Fmt::Load(df, b + i), s0);
  if (i < dim) {
    float ta[kMaxLanes] = {};
    T tb[kMaxLanes] = {};
    std::copy(a + i, a + dim, ta);
    std::copy(b + i, b + dim, tb);
    s1 = L2Op::Step(hn::LoadU(df, ta), Fmt::Load(df, tb), s1);
  }
  return hn::GetLane(hn::SumOfLanes(df, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
}

// Dot product of a float32 query and a stored row, the accumulation of Reduce<F32, DotOp>.
template <class Fmt>
HWY_INLINE float DotRow(const float* HWY_RESTRICT a, const typename Fmt::T* HWY_RESTRICT b,
                        size_t dim) {
  using T = typename Fmt::T;
  const DF df;
  const size_t N = hn::Lanes(df);
  VF s0 = hn::Zero(df), s1 = hn::Zero(df), s2 = hn::Zero(df), s3 = hn::Zero(df);
  size_t i = 0;
  for (; i + 4 * N <= dim; i += 4 * N) {
    s0 = DotOp::Step(hn::LoadU(df, a + i), Fmt::Load(df, b + i), s0);
    s1 = DotOp::Step(hn::LoadU(df, a + i + N), Fmt::Load(df, b + i + N), s1);
    s2 = DotOp::Step(hn::LoadU(df, a + i + 2 * N), Fmt::Load(df, b + i + 2 * N), s2);
    s3 = DotOp::Step(hn::LoadU(df, a + i + 3 * N), Fmt::Load(df, b + i + 3 * N), s3);
  }
  for (; i + N <= dim; i += N) s0 = DotOp::Step(hn::LoadU(df, a + i), Fmt::Load(df, b + i), s0);
  if (i < dim) {
    float ta[kMaxLanes] = {};
    T tb[kMaxLanes] = {};
    std::copy(a + i, a + dim, ta);
    std::copy(b + i, b + dim, tb);
    s1 = DotOp::Step(hn::LoadU(df, ta), Fmt::Load(df, tb), s1);
  }
  return hn::GetLane(hn::SumOfLanes(df, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
}

float L2SqrBoundedRowImpl(const float* q, const void* row, RowType t, size_t dim, float bound) {
  switch (t) {
    case RowType::kF16:
      return L2Bounded<F16>(q, static_cast<const uint16_t*>(row), dim, bound);
    case RowType::kBF16:
      return L2Bounded<BF16>(q, static_cast<const uint16_t*>(row), dim, bound);
    case RowType::kI8:
      return L2Bounded<I8>(q, static_cast<const int8_t*>(row), dim, bound);
    case RowType::kU8:
      return L2Bounded<U8>(q, static_cast<const uint8_t*>(row), dim, bound);
    case RowType::kF32:
      break;
  }
  return L2Bounded<F32>(q, static_cast<const float*>(row), dim, bound);
}

float DotRowImpl(const float* q, const void* row, RowType t, size_t dim) {
  switch (t) {
    case RowType::kF16:
      return DotRow<F16>(q, static_cast<const uint16_t*>(row), dim);
    case RowType::kBF16:
      return DotRow<BF16>(q, static_cast<const uint16_t*>(row), dim);
    case RowType::kI8:
      return DotRow<I8>(q, static_cast<const int8_t*>(row), dim);
    case RowType::kU8:
      return DotRow<U8>(q, static_cast<const uint8_t*>(row), dim);
    case RowType::kF32:
      break;
  }
  return DotRow<F32>(q, static_cast<const float*>(row), dim);
}

// Four rows at once against one query: each query vector is loaded once for the four rows, and
// the four rows' loads are in flight together. Per row, the accumulators and their order are those
// of L2Bounded / DotRow, so out[r] is bit-identical to the one-row kernel. kBounded (L2 only):
// every kCheckFloats components, stop when all four partial sums are >= bound; a row's result is
// then exact when < bound and some value >= bound otherwise, as in L2Bounded.
template <class Fmt, class Op, bool kBounded>
HWY_INLINE void Rows4(const float* HWY_RESTRICT a, const void* const* rows, size_t dim, float bound,
                      float* out) {
  using T = typename Fmt::T;
  const DF df;
  const size_t N = hn::Lanes(df);
  const size_t block = 4 * N;
  const size_t blocks_per_check = block >= kCheckFloats ? 1 : kCheckFloats / block;
  const T* b[4];
  for (int r = 0; r < 4; ++r) b[r] = static_cast<const T*>(rows[r]);
  VF s[4][4];
  for (auto& row : s) row[0] = row[1] = row[2] = row[3] = hn::Zero(df);
  auto total = [&](int r) {
    return hn::GetLane(
        hn::SumOfLanes(df, hn::Add(hn::Add(s[r][0], s[r][1]), hn::Add(s[r][2], s[r][3]))));
  };
  size_t i = 0;
  size_t since_check = 0;
  for (; i + block <= dim; i += block) {
    const VF a0 = hn::LoadU(df, a + i), a1 = hn::LoadU(df, a + i + N);
    const VF a2 = hn::LoadU(df, a + i + 2 * N), a3 = hn::LoadU(df, a + i + 3 * N);
    for (int r = 0; r < 4; ++r) {
      s[r][0] = Op::Step(a0, Fmt::Load(df, b[r] + i), s[r][0]);
      s[r][1] = Op::Step(a1, Fmt::Load(df, b[r] + i + N), s[r][1]);
      s[r][2] = Op::Step(a2, Fmt::Load(df, b[r] + i + 2 * N), s[r][2]);
      s[r][3] = Op::Step(a3, Fmt::Load(df, b[r] + i + 3 * N), s[r][3]);
    }
    if constexpr (kBounded) {
      if (++since_check == blocks_per_check && i + block < dim) {
        since_check = 0;
        bool all_over = true;
        for (int r = 0; r < 4; ++r) {
          out[r] = total(r);
          all_over = all_over && out[r] >= bound;
        }
        if (all_over) return;
      }
    }
  }
  for (; i + N <= dim; i += N) {
    const VF av = hn::LoadU(df, a + i);
    for (int r = 0; r < 4; ++r) s[r][0] = Op::Step(av, Fmt::Load(df, b[r] + i), s[r][0]);
  }
  if (i < dim) {
    float ta[kMaxLanes] = {};
    std::copy(a + i, a + dim, ta);
    const VF av = hn::LoadU(df, ta);
    for (int r = 0; r < 4; ++r) {
      T tb[kMaxLanes] = {};
      std::copy(b[r] + i, b[r] + dim, tb);
      s[r][1] = Op::Step(av, Fmt::Load(df, tb), s[r][1]);
    }
  }
  for (int r = 0; r < 4; ++r) out[r] = total(r);
}

template <class Op, bool kBounded>
void Rows4Impl(const float* q, const void* const* rows, RowType t, size_t dim, float bound,
               float* out) {
  switch (t) {
    case RowType::kF16:
      return Rows4<F16, Op, kBounded>(q, rows, dim, bound, out);
    case RowType::kBF16:
      return Rows4<BF16, Op, kBounded>(q, rows, dim, bound, out);
    case RowType::kI8:
      return Rows4<I8, Op, kBounded>(q, rows, dim, bound, out);
    case RowType::kU8:
      return Rows4<U8, Op, kBounded>(q, rows, dim, bound, out);
    case RowType::kF32:
      break;
  }
  Rows4<F32, Op, kBounded>(q, rows, dim, bound, out);
}
void L2SqrBoundedRows4Impl(const float* q, const void* const* rows, RowType t, size_t dim,
                           float bound, float* out) {
  Rows4Impl<L2Op, true>(q, rows, t, dim, bound, out);
}
void DotRows4Impl(const float* q, const void* const* rows, RowType t, size_t dim, float* out) {
  Rows4Impl<DotOp, false>(q, rows, t, dim, 0.0f, out);
}

float DotF32Impl(const float* a, const float* b, size_t dim) {
  return Reduce<F32, DotOp, false>(a, b, dim);
}
float SelfDotF32Impl(const float* a, size_t dim) { return Reduce<F32, DotOp, true>(a, a, dim); }
float L2SqrF16Impl(const uint16_t* a, const uint16_t* b, size_t dim) {
  return Reduce<F16, L2Op, false>(a, b, dim);
}
float DotF16Impl(const uint16_t* a, const uint16_t* b, size_t dim) {
  return Reduce<F16, DotOp, false>(a, b, dim);
}
float SelfDotF16Impl(const uint16_t* a, size_t dim) { return Reduce<F16, DotOp, true>(a, a, dim); }
float L2SqrBF16Impl(const uint16_t* a, const uint16_t* b, size_t dim) {
  return Reduce<BF16, L2Op, false>(a, b, dim);
}
float DotBF16Impl(const uint16_t* a, const uint16_t* b, size_t dim) {
  return Reduce<BF16, DotOp, false>(a, b, dim);
}
float SelfDotBF16Impl(const uint16_t* a, size_t dim) {
  return Reduce<BF16, DotOp, true>(a, a, dim);
}

// ---- batch --------------------------------------------------------------------------------------

// Rows are consumed in blocks of kRows, so every query vector load feeds kRows FMAs, with two
// accumulators per row to hide FMA latency: 2 * kRows accumulators must fit in registers (32 with
// AVX-512, 16 otherwise). Measured on Zen 4 out of cache, 8 rows beat 4 and 4 beat 2 at dim 128.
#if HWY_TARGET <= HWY_AVX3 && HWY_ARCH_X86
constexpr size_t kRows = 8;
#else
constexpr size_t kRows = 4;
#endif
// Software prefetch of the rows at least kPrefetchBytes ahead. Long rows: only their first line,
// because the hardware prefetcher follows each row but stops at 4 KiB page boundaries; touching the
// first line starts the next pages early (prefetching every line was measured slower: the extra
// instructions cost more than they hide). Short rows (<= kShortRowBytes) are too short for the
// hardware prefetcher to lock on, so every line of the block ahead is prefetched (measured on Zen
// 4, dim 128: ~0.74 -> ~0.81 of read bandwidth for L2SqrBatch; dim 768: the reverse).
constexpr size_t kPrefetchBytes = 16384;
constexpr size_t kShortRowBytes = 1024;
constexpr size_t kFloatsPerLine = 64 / sizeof(float);

// Calls f(k) for k = 0 .. K-1, unrolled at compile time (keeps the accumulator arrays in
// registers).
template <size_t K, class F>
HWY_INLINE void Unroll(F&& f) {
  [&]<size_t... k>(std::index_sequence<k...>) { (f(k), ...); }
  (std::make_index_sequence<K>());
}

// out[k] = Op-sum(q, r + k * dim) for k < kRows. pf: start of a row block further ahead whose first
// lines are prefetched (the hardware prefetcher does not cross pages), or nullptr.
template <class Op>
HWY_INLINE void BlockOfRows(const float* HWY_RESTRICT q, const float* HWY_RESTRICT r, size_t dim,
                            const float* pf, float* HWY_RESTRICT out) {
  const DF df;
  const size_t N = hn::Lanes(df);
  VF a[kRows], b[kRows];
  Unroll<kRows>([&](size_t k) { a[k] = b[k] = hn::Zero(df); });
  if (pf != nullptr) {
    if (dim * sizeof(float) <= kShortRowBytes) {
      // Short rows: the block ahead is one contiguous run; prefetch all of its lines.
      for (size_t off = 0; off < kRows * dim; off += kFloatsPerLine) hwy::Prefetch(pf + off);
    } else {
      Unroll<kRows>([&](size_t k) { hwy::Prefetch(pf + k * dim); });
    }
  }
  size_t j = 0;
  if (dim >= 2 * N) {
    for (; j <= dim - 2 * N; j += 2 * N) {
      const VF q0 = hn::LoadU(df, q + j);
      const VF q1 = hn::LoadU(df, q + j + N);
      Unroll<kRows>([&](size_t k) { a[k] = Op::Step(hn::LoadU(df, r + k * dim + j), q0, a[k]); });
      Unroll<kRows>(
          [&](size_t k) { b[k] = Op::Step(hn::LoadU(df, r + k * dim + j + N), q1, b[k]); });
    }
  }
  for (; j + N <= dim; j += N) {
    const VF q0 = hn::LoadU(df, q + j);
    Unroll<kRows>([&](size_t k) { a[k] = Op::Step(hn::LoadU(df, r + k * dim + j), q0, a[k]); });
  }
  if (j < dim) {
    const size_t rem = dim - j;
    float tq[kMaxLanes] = {};
    std::copy_n(q + j, rem, tq);
    const VF q0 = hn::LoadU(df, tq);
    Unroll<kRows>([&](size_t k) {
      float t[kMaxLanes] = {};
      std::copy_n(r + k * dim + j, rem, t);
      b[k] = Op::Step(hn::LoadU(df, t), q0, b[k]);
    });
  }
  Unroll<kRows>([&](size_t k) { out[k] = hn::GetLane(hn::SumOfLanes(df, hn::Add(a[k], b[k]))); });
}

template <class Op>
HWY_INLINE void Batch(const float* q, const float* base, size_t n, size_t dim, float* out) {
  size_t i = 0;
  // Rows ahead to prefetch: at least kPrefetchBytes, rounded up to whole rows.
  const size_t ahead = dim == 0 ? 0 : (kPrefetchBytes / sizeof(float) + dim - 1) / dim;
  for (; i + kRows <= n; i += kRows) {
    const float* r = base + i * dim;
    const float* pf = (ahead != 0 && i + ahead + kRows <= n) ? r + ahead * dim : nullptr;
    BlockOfRows<Op>(q, r, dim, pf, out + i);
  }
  for (; i < n; ++i) out[i] = Reduce<F32, Op, false>(q, base + i * dim, dim);
}

void L2SqrBatchImpl(const float* q, const float* base, size_t n, size_t dim, float* out) {
  Batch<L2Op>(q, base, n, dim, out);
}
void DotBatchImpl(const float* q, const float* base, size_t n, size_t dim, float* out) {
  Batch<DotOp>(q, base, n, dim, out);
}

// ---- bulk widening ------------------------------------------------------------------------------

template <class Fmt>
HWY_INLINE void Widen(const typename Fmt::T* HWY_RESTRICT in, size_t n, float* HWY_RESTRICT out) {
  const DF df;
  const size_t N = hn::Lanes(df);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(Fmt::Load(df, in + i), df, out + i);
  if (i < n) {
    typename Fmt::T t[kMaxLanes] = {};
    float o[kMaxLanes];
    std::copy(in + i, in + n, t);
    hn::StoreU(Fmt::Load(df, t), df, o);
    std::copy_n(o, n - i, out + i);
  }
}

void F16ToF32ArrayImpl(const uint16_t* in, size_t n, float* out) { Widen<F16>(in, n, out); }
void BF16ToF32ArrayImpl(const uint16_t* in, size_t n, float* out) { Widen<BF16>(in, n, out); }
void DecodeRowImpl(const void* row, RowType t, size_t n, float* out) {
  switch (t) {
    case RowType::kF16:
      return Widen<F16>(static_cast<const uint16_t*>(row), n, out);
    case RowType::kBF16:
      return Widen<BF16>(static_cast<const uint16_t*>(row), n, out);
    case RowType::kI8:
      return Widen<I8>(static_cast<const int8_t*>(row), n, out);
    case RowType::kU8:
      return Widen<U8>(static_cast<const uint8_t*>(row), n, out);
    case RowType::kF32:
      break;
  }
  std::copy_n(static_cast<const float*>(row), n, out);
}

int64_t TargetImpl() { return HWY_TARGET; }

}  // namespace elanus::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>
#include <vector>

namespace elanus::simd {
HWY_EXPORT(L2SqrF32Impl);
HWY_EXPORT(L2SqrBoundedRowImpl);
HWY_EXPORT(DotRowImpl);
HWY_EXPORT(L2SqrBoundedRows4Impl);
HWY_EXPORT(DotRows4Impl);
HWY_EXPORT(DecodeRowImpl);
HWY_EXPORT(DotF32Impl);
HWY_EXPORT(SelfDotF32Impl);
HWY_EXPORT(L2SqrF16Impl);
HWY_EXPORT(DotF16Impl);
HWY_EXPORT(SelfDotF16Impl);
HWY_EXPORT(L2SqrBF16Impl);
HWY_EXPORT(DotBF16Impl);
HWY_EXPORT(SelfDotBF16Impl);
HWY_EXPORT(L2SqrBatchImpl);
HWY_EXPORT(DotBatchImpl);
HWY_EXPORT(F16ToF32ArrayImpl);
HWY_EXPORT(BF16ToF32ArrayImpl);
HWY_EXPORT(TargetImpl);

float L2Sqr(const float* a, const float* b, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(L2SqrF32Impl)(a, b, dim);
}
float L2SqrBounded(const float* a, const float* b, size_t dim, float bound) {
  return HWY_DYNAMIC_DISPATCH(L2SqrBoundedRowImpl)(a, b, RowType::kF32, dim, bound);
}
float L2SqrBoundedRow(const float* q, const void* row, RowType t, size_t dim, float bound) {
  return HWY_DYNAMIC_DISPATCH(L2SqrBoundedRowImpl)(q, row, t, dim, bound);
}
float InnerProductRow(const float* q, const void* row, RowType t, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(DotRowImpl)(q, row, t, dim);
}
void L2SqrBoundedRows4(const float* q, const void* const rows[4], RowType t, size_t dim,
                       float bound, float out[4]) {
  HWY_DYNAMIC_DISPATCH(L2SqrBoundedRows4Impl)(q, rows, t, dim, bound, out);
}
void InnerProductRows4(const float* q, const void* const rows[4], RowType t, size_t dim,
                       float out[4]) {
  HWY_DYNAMIC_DISPATCH(DotRows4Impl)(q, rows, t, dim, out);
}
void DecodeRow(const void* row, RowType t, size_t dim, float* out) {
  HWY_DYNAMIC_DISPATCH(DecodeRowImpl)(row, t, dim, out);
}
float InnerProduct(const float* a, const float* b, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(DotF32Impl)(a, b, dim);
}
float Norm(const float* a, size_t dim) {
  return std::sqrt(HWY_DYNAMIC_DISPATCH(SelfDotF32Impl)(a, dim));
}
float L2SqrF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(L2SqrF16Impl)(a, b, dim);
}
float InnerProductF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(DotF16Impl)(a, b, dim);
}
float NormF16(const uint16_t* a, size_t dim) {
  return std::sqrt(HWY_DYNAMIC_DISPATCH(SelfDotF16Impl)(a, dim));
}
float L2SqrBF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(L2SqrBF16Impl)(a, b, dim);
}
float InnerProductBF16(const uint16_t* a, const uint16_t* b, size_t dim) {
  return HWY_DYNAMIC_DISPATCH(DotBF16Impl)(a, b, dim);
}
float NormBF16(const uint16_t* a, size_t dim) {
  return std::sqrt(HWY_DYNAMIC_DISPATCH(SelfDotBF16Impl)(a, dim));
}
void L2SqrBatch(const float* q, const float* base, size_t n, size_t dim, float* out) {
  HWY_DYNAMIC_DISPATCH(L2SqrBatchImpl)(q, base, n, dim, out);
}
void InnerProductBatch(const float* q, const float* base, size_t n, size_t dim, float* out) {
  HWY_DYNAMIC_DISPATCH(DotBatchImpl)(q, base, n, dim, out);
}
void F16ToF32Array(const uint16_t* in, size_t n, float* out) {
  HWY_DYNAMIC_DISPATCH(F16ToF32ArrayImpl)(in, n, out);
}
void BF16ToF32Array(const uint16_t* in, size_t n, float* out) {
  HWY_DYNAMIC_DISPATCH(BF16ToF32ArrayImpl)(in, n, out);
}

const char* ActiveTarget() { return hwy::TargetName(HWY_DYNAMIC_DISPATCH(TargetImpl)()); }

std::vector<int64_t> AvailableTargets() {
  std::vector<int64_t> out;
  // On x86 a lower bit is a better target, so ascending bit order is best first.
  for (int64_t t = hwy::SupportedTargets() & HWY_TARGETS; t != 0; t &= t - 1) {
    out.push_back(t & -t);
  }
  return out;
}

const char* TargetName(int64_t target) { return hwy::TargetName(target); }

void ForceTargetForTest(int64_t target) { hwy::SetSupportedTargetsForTest(target); }

}  // namespace elanus::simd
#endif  // HWY_ONCE
