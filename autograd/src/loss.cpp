#include "xgrad/autograd/loss.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include "xgrad/autograd/dtypes.hpp"
#include "kernels.hpp"

namespace xgrad {
namespace {

template <class T>
T inverse_rows(const Matrix<T>& z) {
  return z.shape()[0] == 0 ? T(0) : T(1) / static_cast<T>(z.shape()[0]);
}

template <class T>
void require_same_shape(const char* op, const Var<T>& z, const Matrix<T>& y) {
  if (shape_of(y) != z.shape()) {
    throw ShapeError(fmt::format("{}: targets have shape {} but the logits have shape {}", op,
                                 shape_string(shape_of(y)), shape_string(z.shape())));
  }
}

}  // namespace

template <class T>
Var<T> binary_cross_entropy_with_logits(const Var<T>& z, const Matrix<T>& y) {
  require_same_shape("binary_cross_entropy_with_logits", z, y);
  const Matrix<T>& zv = z.value();
  // −[y ln σ(z) + (1−y) ln(1−σ(z))] = max(z,0) − z·y + ln(1 + e^(−|z|)). The same e^(−|z|)
  // gives σ(z) stably, so the residual σ(z) − y that backward needs is made here, once,
  // and kept instead of a copy of y (whose buffer the caller may reuse).
  Matrix<T> residual = xt::empty<T>(zv.shape());
  T total = 0;
  for (std::size_t k = 0; k < zv.size(); ++k) {
    const T zk = zv.flat(k), yk = y.flat(k);
    const T e = std::exp(-std::abs(zk));
    total += std::max(zk, T(0)) - zk * yk + std::log1p(e);
    residual.flat(k) = (zk >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e)) - yk;
  }
  const T scale = inverse_rows(zv);
  return detail::make_result<T>(
      Matrix<T>({1, 1}, total * scale), "binary_cross_entropy_with_logits", {&z},
      [residual = std::move(residual), scale](Node<T>& self) {
        const T g = self.grad(0, 0) * scale;
        Matrix<T> dz = xt::empty<T>(residual.shape());
        for (std::size_t k = 0; k < dz.size(); ++k) dz.flat(k) = g * residual.flat(k);
        accumulate_grad(*self.parents[0], std::move(dz));
      });
}

template <class T>
Var<T> softmax_log_likelihood(const Var<T>& z, const std::vector<std::size_t>& labels) {
  const std::size_t m = z.rows(), n = z.cols();
  if (labels.size() != m) {
    throw ShapeError(fmt::format("softmax_log_likelihood: {} labels for logits of shape {} (one "
                                 "label per row expected)",
                                 labels.size(), shape_string(z.shape())));
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (labels[i] >= n) {
      throw std::invalid_argument(fmt::format(
          "softmax_log_likelihood: label {} of row {} is out of range (the logits have {} "
          "classes, so labels must be below {})",
          labels[i], i, n, n));
    }
  }
  Matrix<T> log_a = detail::row_log_softmax(z.value());
  T total = 0;
  for (std::size_t i = 0; i < m; ++i) total -= log_a(i, labels[i]);
  const T scale = inverse_rows(log_a);
  return detail::make_result<T>(
      Matrix<T>({1, 1}, total * scale), "softmax_log_likelihood", {&z},
      [labels, log_a = std::move(log_a), scale](Node<T>& self) {
        const T g = self.grad(0, 0) * scale;
        Matrix<T> dz = g * xt::exp(log_a);
        for (std::size_t i = 0; i < labels.size(); ++i) dz(i, labels[i]) -= g;
        accumulate_grad(*self.parents[0], std::move(dz));
      });
}

template <class T>
Var<T> softmax_log_likelihood(const Var<T>& z, const Matrix<T>& y) {
  require_same_shape("softmax_log_likelihood", z, y);
  Matrix<T> log_a = detail::row_log_softmax(z.value());
  // 0·ln a counts as 0 even where a underflows to 0 (ln a = −inf).
  T total = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (y.flat(k) != T(0)) total -= y.flat(k) * log_a.flat(k);
  }
  const T scale = inverse_rows(log_a);
  return detail::make_result<T>(
      Matrix<T>({1, 1}, total * scale), "softmax_log_likelihood", {&z},
      [y, log_a = std::move(log_a), scale](Node<T>& self) {
        const T g = self.grad(0, 0) * scale;
        const std::size_t m = y.shape()[0], n = y.shape()[1];
        Matrix<T> dz = xt::empty<T>({m, n});
        for (std::size_t i = 0; i < m; ++i) {
          T row_total = 0;
          for (std::size_t j = 0; j < n; ++j) row_total += y(i, j);
          for (std::size_t j = 0; j < n; ++j) {
            dz(i, j) = g * (std::exp(log_a(i, j)) * row_total - y(i, j));
          }
        }
        accumulate_grad(*self.parents[0], std::move(dz));
      });
}

#define XGRAD_INSTANTIATE(T)                                                                \
  template Var<T> binary_cross_entropy_with_logits<T>(const Var<T>&, const Matrix<T>&);    \
  template Var<T> softmax_log_likelihood<T>(const Var<T>&, const std::vector<std::size_t>&); \
  template Var<T> softmax_log_likelihood<T>(const Var<T>&, const Matrix<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
