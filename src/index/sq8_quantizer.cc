#include "index/sq8_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace elanus::index {

void Sq8Quantizer::Train(const float* rows, size_t n, size_t dim, size_t stride) {
  std::vector<float> lo(dim, std::numeric_limits<float>::infinity());
  std::vector<float> hi(dim, -std::numeric_limits<float>::infinity());
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < dim; ++j) {
      const float v = rows[i * stride + j];
      if (!std::isfinite(v)) continue;
      lo[j] = std::min(lo[j], v);
      hi[j] = std::max(hi[j], v);
    }
  }
  std::vector<float> offsets(dim, 0.0f);
  float widest = 0;
  for (size_t j = 0; j < dim; ++j) {
    if (lo[j] > hi[j]) continue;  // no finite value seen
    offsets[j] = 0.5f * (lo[j] + hi[j]);
    widest = std::max(widest, hi[j] - lo[j]);
  }
  (void)Restore(std::move(offsets), widest > 0 && std::isfinite(widest) ? widest / 254.0f : 1.0f);
}

bool Sq8Quantizer::Restore(std::vector<float> offsets, float step) {
  if (!(step > 0) || !std::isfinite(step)) return false;
  double norm2 = 0;
  for (float o : offsets) {
    if (!std::isfinite(o)) return false;
    norm2 += static_cast<double>(o) * o;
  }
  offsets_ = std::move(offsets);
  step_ = step;
  offset_norm2_ = static_cast<float>(norm2);
  return true;
}

float Sq8Quantizer::Encode(const float* x, int8_t* code) const {
  const float inv = 1.0f / step_;
  double corr = 0;
  for (size_t j = 0; j < offsets_.size(); ++j) {
    float c = std::clamp((x[j] - offsets_[j]) * inv, -127.0f, 127.0f);  // NaN stays NaN
    c = c == c ? std::floor(c + 0.5f) : 0.0f;
    code[j] = static_cast<int8_t>(c);
    corr += static_cast<double>(offsets_[j]) * c;
  }
  return static_cast<float>(corr);
}

}  // namespace elanus::index
