// 8-bit scalar quantizer with per-dimension offsets and one shared step, so that differences of
// codes are proportional to differences of values in every dimension:
//   x_i ~= offset_i + step * c_i,  c_i = clamp(round((x_i - offset_i) / step), -127, 127).
// Hence L2(x, y) ~= step^2 * L2(c_x, c_y) (plain int8 kernel), and
// IP(x, y) ~= |offset|^2 + step * (offset . c_x + offset . c_y) + step^2 * (c_x . c_y).
// Offsets are the per-dimension mid-ranges of the training rows, step = widest range / 254.
// Dimensions with a small range get fewer levels than with per-dimension steps; that is the price
// of using the exact integer kernels. Values outside the trained range are clamped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace elanus::index {

class Sq8Quantizer {
 public:
  // Trains on n rows of dim floats, row i at rows + i * stride; n may be 0 (step 1, offsets 0).
  void Train(const float* rows, size_t n, size_t dim, size_t stride);
  // Restores a trained state (from an index image); returns false if the values are unusable.
  bool Restore(std::vector<float> offsets, float step);

  // code: [dim]; returns offset . code (the per-vector IP correction term).
  float Encode(const float* x, int8_t* code) const;
  size_t dim() const { return offsets_.size(); }
  float step() const { return step_; }
  const std::vector<float>& offsets() const { return offsets_; }
  float offset_norm2() const { return offset_norm2_; }

 private:
  std::vector<float> offsets_;
  float step_ = 1.0f;
  float offset_norm2_ = 0;
};

}  // namespace elanus::index
