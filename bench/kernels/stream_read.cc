#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stream_read.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include "hwy/highway.h"
#include "stream_read.h"

HWY_BEFORE_NAMESPACE();
namespace elanus::bench::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

float StreamSumImpl(const float* HWY_RESTRICT p, size_t n) {
  const hn::ScalableTag<float> df;
  const size_t N = hn::Lanes(df);
  auto s0 = hn::Zero(df), s1 = hn::Zero(df), s2 = hn::Zero(df), s3 = hn::Zero(df);
  auto s4 = hn::Zero(df), s5 = hn::Zero(df), s6 = hn::Zero(df), s7 = hn::Zero(df);
  size_t i = 0;
  for (; i + 8 * N <= n; i += 8 * N) {
    s0 = hn::Add(s0, hn::LoadU(df, p + i));
    s1 = hn::Add(s1, hn::LoadU(df, p + i + N));
    s2 = hn::Add(s2, hn::LoadU(df, p + i + 2 * N));
    s3 = hn::Add(s3, hn::LoadU(df, p + i + 3 * N));
    s4 = hn::Add(s4, hn::LoadU(df, p + i + 4 * N));
    s5 = hn::Add(s5, hn::LoadU(df, p + i + 5 * N));
    s6 = hn::Add(s6, hn::LoadU(df, p + i + 6 * N));
    s7 = hn::Add(s7, hn::LoadU(df, p + i + 7 * N));
  }
  float tail = 0;
  for (; i < n; ++i) tail += p[i];
  const auto s =
      hn::Add(hn::Add(hn::Add(s0, s1), hn::Add(s2, s3)), hn::Add(hn::Add(s4, s5), hn::Add(s6, s7)));
  return hn::GetLane(hn::SumOfLanes(df, s)) + tail;
}

}  // namespace elanus::bench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace elanus::bench {
HWY_EXPORT(StreamSumImpl);
float StreamSum(const float* p, size_t n) { return HWY_DYNAMIC_DISPATCH(StreamSumImpl)(p, n); }
}  // namespace elanus::bench
#endif  // HWY_ONCE
