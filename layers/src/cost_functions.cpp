#include "xgrad/layers/cost_functions.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/ops.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

template <class T>
void require_target_shape(const char* cost, const Var<T>& a, const Matrix<T>& y) {
  if (shape_of(y) != a.shape()) {
    throw ShapeError(fmt::format("{}: targets have shape {} but the outputs have shape {}", cost,
                                 shape_string(shape_of(y)), shape_string(a.shape())));
  }
}

}  // namespace

template <class T>
Var<T> quadratic_cost(const Var<T>& a, const Matrix<T>& y) {
  require_target_shape("quadratic_cost", a, y);
  return sum(square(a - Var<T>(y))) * (T(0.5) * row_mean_factor<T>(a.rows()));
}

template <class T>
Var<T> cross_entropy_cost(const Var<T>& a, const Matrix<T>& y) {
  require_target_shape("cross_entropy_cost", a, y);
  const Matrix<T> not_y = T(1) - y;
  return (sum(xlogy(y, a)) + sum(xlogy(not_y, T(1) - a))) * -row_mean_factor<T>(a.rows());
}

template <class T>
Var<T> cross_entropy_cost_with_logits(const Var<T>& z, const Matrix<T>& y) {
  return binary_cross_entropy_with_logits(z, y);
}

template <class T>
Var<T> log_likelihood_cost(const Var<T>& a, const std::vector<std::size_t>& labels) {
  if (labels.size() != a.rows()) {
    throw ShapeError(fmt::format(
        "log_likelihood_cost: {} labels for outputs of shape {} (one label per row expected)",
        labels.size(), shape_string(a.shape())));
  }
  Matrix<T> one_hot = xt::zeros<T>({a.rows(), a.cols()});
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= a.cols()) {
      throw InvalidArgument(fmt::format(
          "log_likelihood_cost: label {} of row {} is out of range (expected below {}, the "
          "number of classes)",
          labels[i], i, a.cols()));
    }
    one_hot(i, labels[i]) = T(1);
  }
  return log_likelihood_cost(a, one_hot);
}

template <class T>
Var<T> log_likelihood_cost(const Var<T>& a, const Matrix<T>& y) {
  require_target_shape("log_likelihood_cost", a, y);
  return sum(xlogy(y, a)) * -row_mean_factor<T>(a.rows());
}

#define XGRAD_INSTANTIATE(T)                                                               \
  template Var<T> quadratic_cost<T>(const Var<T>&, const Matrix<T>&);                      \
  template Var<T> cross_entropy_cost<T>(const Var<T>&, const Matrix<T>&);                  \
  template Var<T> cross_entropy_cost_with_logits<T>(const Var<T>&, const Matrix<T>&);      \
  template Var<T> log_likelihood_cost<T>(const Var<T>&, const std::vector<std::size_t>&);  \
  template Var<T> log_likelihood_cost<T>(const Var<T>&, const Matrix<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
