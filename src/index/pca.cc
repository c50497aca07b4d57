// PCA with Eigen's self-adjoint eigensolver (a tridiagonal QR method, O(dim^3)); the covariance
// is accumulated in double so that small trailing eigenvalues keep their order.
#include "index/pca.h"

#include <Eigen/Dense>
#include <cmath>

#include "simd/distance.h"

namespace elanus::index {

std::vector<float> PrincipalAxes(const float* rows, size_t n, size_t dim) {
  if (n < 2 || dim == 0) return {};
  const auto d = static_cast<Eigen::Index>(dim);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), d);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < dim; ++j) {
      const float v = rows[i * dim + j];
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = std::isfinite(v) ? v : 0.0;
    }
  }
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  Eigen::MatrixXd cov(d, d);
  cov.setZero();
  cov.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  cov /= static_cast<double>(n - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success) return {};
  // Eigenvalues come in increasing order: the last column is the first axis.
  std::vector<float> axes(dim * dim);
  for (size_t k = 0; k < dim; ++k) {
    const auto col = d - 1 - static_cast<Eigen::Index>(k);
    for (size_t j = 0; j < dim; ++j) {
      axes[k * dim + j] =
          static_cast<float>(solver.eigenvectors()(static_cast<Eigen::Index>(j), col));
    }
  }
  for (float v : axes) {
    if (!std::isfinite(v)) return {};
  }
  return axes;
}

void RotateRow(const std::vector<float>& axes, size_t dim, const float* in, float* out) {
  simd::InnerProductBatch(in, axes.data(), dim, dim, out);
}

}  // namespace elanus::index
