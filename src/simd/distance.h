// Distance kernels used by every index. Internal header (not part of the public API).
//
// Two implementations of every kernel:
//   elanus::simd::ref::X  plain scalar loops, the specification; tests compare against it.
//   elanus::simd::X       SIMD, dispatched at runtime (Highway HWY_DYNAMIC_DISPATCH) to the best
//                         target the CPU supports (SSSE3/SSE4/AVX2/AVX-512), no -march needed.
//
// Contracts shared by all kernels:
//   - Pointers may be unaligned. Only [p, p + dim) is read (never past the end), so a vector may
//     end at the last byte of a page.
//   - dim == 0 (or nbytes == 0, or an == bn == 0) is valid and yields 0.
//   - Pure functions, thread-safe, no allocation.
//   - float results are accumulated in float with several partial sums; they differ from ref::
//   (which
//     accumulates in double) only by summation rounding: |simd - ref| <= ~dim * FLT_EPSILON *
//     sum|term|. Inputs with NaN/Inf give NaN/Inf (not otherwise specified).
//   - int8 and binary kernels accumulate exactly in integers; the SIMD and ref:: results are
//     bit-identical. int8 sums are exact in int64 and rounded to float once at the end.
#ifndef ELANUS_SIMD_DISTANCE_H_
#define ELANUS_SIMD_DISTANCE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace elanus::simd {

// ---- float32 ----------------------------------------------------------------------------------
// a, b: [dim] floats.
float L2Sqr(const float* a, const float* b, size_t dim);  // sum (a_i - b_i)^2
// L2Sqr that may stop early: returns exactly L2Sqr(a, b, dim) when that is < bound; otherwise
// some value >= bound (a partial sum; the true distance is at least that large). The partial
// sums are compared with `bound` every 256 floats, so rows whose leading components already
// exceed it cost a fraction of a full distance (graph search rejects most candidates).
float L2SqrBounded(const float* a, const float* b, size_t dim, float bound);
float InnerProduct(const float* a, const float* b, size_t dim);
float Norm(const float* a, size_t dim);  // sqrt(sum a_i^2)

// ---- float16 / bfloat16, stored as uint16_t bit patterns ---------------------------------------
// F16 is IEEE 754 binary16; BF16 is the top 16 bits of a binary32. Values are widened exactly to
// float and then treated as the float32 kernels.
float L2SqrF16(const uint16_t* a, const uint16_t* b, size_t dim);
float InnerProductF16(const uint16_t* a, const uint16_t* b, size_t dim);
float NormF16(const uint16_t* a, size_t dim);
float L2SqrBF16(const uint16_t* a, const uint16_t* b, size_t dim);
float InnerProductBF16(const uint16_t* a, const uint16_t* b, size_t dim);
float NormBF16(const uint16_t* a, size_t dim);

// ---- int8: exact integer accumulation (int64), returned as float ------------------------------
float L2SqrI8(const int8_t* a, const int8_t* b, size_t dim);
float InnerProductI8(const int8_t* a, const int8_t* b, size_t dim);
float NormI8(const int8_t* a, size_t dim);  // sqrt of the exact sum of squares
// One query against four rows (each query load serves the four rows): out[r] equals
// L2SqrI8(q, rows[r], dim) / InnerProductI8(q, rows[r], dim) exactly.
void L2SqrI8Rows4(const int8_t* q, const int8_t* const rows[4], size_t dim, float out[4]);
void InnerProductI8Rows4(const int8_t* q, const int8_t* const rows[4], size_t dim, float out[4]);
// One query against n consecutive rows ([n][dim], e.g. IVF centroid codes) into out[n]; out[i]
// equals InnerProductI8(q, row i, dim) exactly.
void InnerProductI8Batch(const int8_t* q, const int8_t* rows, size_t n, size_t dim, float* out);

// ---- binary: packed bits, nbytes = dim / 8 (bit order irrelevant) -------------------------------
uint32_t Hamming(const uint8_t* a, const uint8_t* b, size_t nbytes);  // popcount(a ^ b)
// 1 - popcount(a & b) / popcount(a | b); 0 when both vectors are all-zero.
float Jaccard(const uint8_t* a, const uint8_t* b, size_t nbytes);
// The same over n consecutive rows ([n][nbytes]) into out[n], equal to the one-row kernels
// exactly; one dispatched call per block of rows.
void HammingBatch(const uint8_t* q, const uint8_t* rows, size_t n, size_t nbytes, uint32_t* out);
void JaccardBatch(const uint8_t* q, const uint8_t* rows, size_t n, size_t nbytes, float* out);

// ---- sparse -------------------------------------------------------------------------------------
// ai[an], bi[bn]: strictly increasing indices (sorted, unique; caller's responsibility, not
// checked); av[an], bv[bn]: the matching values. Returns sum over common indices of av * bv,
// accumulated in double in index order (so it equals ref:: exactly). Empty or disjoint inputs give
// 0.
float SparseInnerProduct(const uint32_t* ai, const float* av, size_t an, const uint32_t* bi,
                         const float* bv, size_t bn);

// ---- stored rows: a float32 query against a row kept in a narrower exact format ---------------
// Indexes keep a row in the narrowest format that holds each of its float32 values exactly
// (RowTypeFits). The kernels widen the row exactly and compute as the float32 kernels do:
// L2SqrBoundedRow(q, row, t, ...) == L2SqrBounded(q, decoded row, ...) and likewise
// InnerProductRow == InnerProduct, bit for bit.
enum class RowType : uint8_t { kF32 = 0, kF16 = 1, kBF16 = 2, kI8 = 3, kU8 = 4 };
size_t RowTypeBytes(RowType t);  // bytes per component
const char* RowTypeName(RowType t);
// True when every v[i] (i < n) survives the round trip through t exactly (NaN never does).
bool RowTypeFits(const float* v, size_t n, RowType t);
// out: [n * RowTypeBytes(t)]; values must fit (RowTypeFits), others are converted lossily.
void EncodeRow(const float* v, size_t n, RowType t, void* out);
void DecodeRow(const void* row, RowType t, size_t dim, float* out);  // out: [dim]
float L2SqrBoundedRow(const float* q, const void* row, RowType t, size_t dim, float bound);
float InnerProductRow(const float* q, const void* row, RowType t, size_t dim);
// Four rows of type t at once (one query load serves four rows; the four rows' loads overlap):
// out[r] is bit-identical to L2SqrBoundedRow / InnerProductRow of rows[r]. The bounded form stops
// when all four partial sums are >= bound, so each out[r] is exact when < bound, else >= bound.
void L2SqrBoundedRows4(const float* q, const void* const rows[4], RowType t, size_t dim,
                       float bound, float out[4]);
void InnerProductRows4(const float* q, const void* const rows[4], RowType t, size_t dim,
                       float out[4]);

// ---- batch: one query against n rows ----------------------------------------------------------
// q: [dim]; base: [n][dim] row-major, row i at base + i * dim; out: [n], out[i] = distance(q, row
// i). out must not alias q or base. Several rows are processed per query load, with software
// prefetch; out[i] equals L2Sqr(q, row i) / InnerProduct(q, row i) up to summation rounding.
void L2SqrBatch(const float* q, const float* base, size_t n, size_t dim, float* out);
void InnerProductBatch(const float* q, const float* base, size_t n, size_t dim, float* out);

// ---- SQ8 codes (IVF_SQ8 lists, simd/distance_ivf.cc) -------------------------------------------
// a, step: [dim] floats; codes: [dim] u8. Float accumulation, like the float32 kernels.
float L2SqrSq8(const float* a, const uint8_t* codes, const float* step,
               size_t dim);                                      // sum (a_j - codes_j * step_j)^2
float DotSq8(const float* a, const uint8_t* codes, size_t dim);  // sum a_j * codes_j
// The same over n consecutive rows of codes ([n][dim]) into out[n]; out[i] equals the one-row
// kernel on row i exactly.
void L2SqrSq8Batch(const float* a, const uint8_t* codes, size_t n, const float* step, size_t dim,
                   float* out);
void DotSq8Batch(const float* a, const uint8_t* codes, size_t n, size_t dim, float* out);

// ---- nearest centroid (k-means assignment, simd/distance_ivf.cc) -------------------------------
// rows: [n][dim]; centroids: [k][dim], k > 0; out: [n]. out[i] = the centroid nearest (L2) to row
// i, found as min over c of |c|^2 - 2 row.c (a register-blocked matrix product): near-ties may
// resolve differently from comparing L2Sqr values, by rounding; exact ties go to the smaller index.
void NearestL2(const float* rows, size_t n, const float* centroids, size_t k, size_t dim,
               uint32_t* out);

// ---- conversions (scalar, exact bit manipulation, round-to-nearest-even) -----------------------
float F16ToF32(uint16_t h);
uint16_t F32ToF16(float f);  // overflow -> +-Inf; NaN -> quiet NaN keeping sign
float BF16ToF32(uint16_t h);
uint16_t F32ToBF16(float f);  // NaN -> quiet NaN keeping sign
// Bulk widening, SIMD dispatched. in: [n], out: [n]; must not alias.
void F16ToF32Array(const uint16_t* in, size_t n, float* out);
void BF16ToF32Array(const uint16_t* in, size_t n, float* out);

// ---- runtime target ----------------------------------------------------------------------------
// Name of the SIMD target that the dispatched kernels currently use, e.g. "AVX2", "AVX3" (AVX-512).
const char* ActiveTarget();

// For tests and benchmarks only: Highway target bits (HWY_AVX2, ...) that this library was compiled
// for AND the CPU supports, best first.
std::vector<int64_t> AvailableTargets();
const char* TargetName(int64_t target);
// Restricts dispatch to `target` (one of AvailableTargets()); 0 restores normal CPU detection.
// Process-global, not thread-safe: call only while no kernel runs on another thread.
void ForceTargetForTest(int64_t target);

namespace ref {
float L2Sqr(const float* a, const float* b, size_t dim);
float L2SqrBounded(const float* a, const float* b, size_t dim, float bound);
float InnerProduct(const float* a, const float* b, size_t dim);
float Norm(const float* a, size_t dim);
float L2SqrF16(const uint16_t* a, const uint16_t* b, size_t dim);
float InnerProductF16(const uint16_t* a, const uint16_t* b, size_t dim);
float NormF16(const uint16_t* a, size_t dim);
float L2SqrBF16(const uint16_t* a, const uint16_t* b, size_t dim);
float InnerProductBF16(const uint16_t* a, const uint16_t* b, size_t dim);
float NormBF16(const uint16_t* a, size_t dim);
float L2SqrI8(const int8_t* a, const int8_t* b, size_t dim);
float InnerProductI8(const int8_t* a, const int8_t* b, size_t dim);
float NormI8(const int8_t* a, size_t dim);
uint32_t Hamming(const uint8_t* a, const uint8_t* b, size_t nbytes);
float Jaccard(const uint8_t* a, const uint8_t* b, size_t nbytes);
float SparseInnerProduct(const uint32_t* ai, const float* av, size_t an, const uint32_t* bi,
                         const float* bv, size_t bn);
void L2SqrBatch(const float* q, const float* base, size_t n, size_t dim, float* out);
void InnerProductBatch(const float* q, const float* base, size_t n, size_t dim, float* out);
// Independent arithmetic implementations (ldexp / nearbyint on doubles, no bit tricks), used to
// check the bit-manipulating versions above.
float F16ToF32(uint16_t h);
uint16_t F32ToF16(float f);
float BF16ToF32(uint16_t h);
uint16_t F32ToBF16(float f);
}  // namespace ref

}  // namespace elanus::simd

#endif  // ELANUS_SIMD_DISTANCE_H_
