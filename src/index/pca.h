// Principal component analysis of a sample of rows, for the HNSW row rotation (hnsw_rows.cc).
#pragma once

#include <cstddef>
#include <vector>

namespace elanus::index {

// An orthonormal basis of R^dim ordered by decreasing variance of `rows` ([n][dim], row-major,
// non-finite values counted as 0): [dim][dim] row-major, row k = the k-th principal axis. Empty
// when n < 2 or the eigen-decomposition fails. Cost O(n dim^2 + dim^3).
std::vector<float> PrincipalAxes(const float* rows, size_t n, size_t dim);

// out[k] = axes[k] . in for k < dim (in and out must not overlap): the coordinates of `in` in
// the basis of PrincipalAxes. An orthogonal transform, so distances and dot products are kept
// (up to float rounding).
void RotateRow(const std::vector<float>& axes, size_t dim, const float* in, float* out);

}  // namespace elanus::index
