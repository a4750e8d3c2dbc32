#include "xgrad/autograd/reduction.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/shape.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

void check_axis(const char* op, int axis) {
  if (axis != 0 && axis != 1) {
    throw InvalidArgument(
        fmt::format("{}: axis {} is out of range (0 sums over rows, 1 over columns)", op, axis));
  }
}

// Σ along `axis` (0 → 1×n, 1 → m×1), times `scale`.
template <class T>
Matrix<T> reduce_axis(const Matrix<T>& a, int axis, T scale) {
  const std::size_t m = a.shape()[0], n = a.shape()[1];
  Matrix<T> out = xt::zeros<T>({axis == 0 ? std::size_t(1) : m, axis == 0 ? n : std::size_t(1)});
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) out(axis == 0 ? 0 : i, axis == 0 ? j : 0) += a(i, j);
  }
  out *= scale;
  return out;
}

// Shared by sum and mean: the result is scale·Σ, so the gradient is scale·G broadcast back.
template <class T>
Var<T> scaled_sum_all(const Var<T>& a, T scale, const char* op) {
  Matrix<T> out({1, 1}, xt::sum(a.value())() * scale);
  return detail::make_result<T>(std::move(out), op, {&a}, [scale](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    const T g = self.grad(0, 0) * scale;
    materialize_grad(x);
    if (x.has_grad) {
      x.grad += g;
    } else {
      x.grad.resize(x.value.shape());
      x.grad.fill(g);
      x.has_grad = true;
    }
  }, [scale](const BackwardContext<T>& c) -> Grads<T> {
    const Shape s = c.inputs[0].shape();
    return {broadcast_to(c.grad_output * scale, s[0], s[1])};
  });
}

template <class T>
Var<T> scaled_sum_axis(const Var<T>& a, int axis, T scale, const char* op) {
  check_axis(op, axis);
  return detail::make_result<T>(reduce_axis(a.value(), axis, scale), op, {&a},
                                [scale](Node<T>& self) {
                                  Node<T>& x = *self.parents[0];
                                  accumulate_grad(x, xt::broadcast(self.grad * scale,
                                                                   x.value.shape()));
                                },
                                [scale](const BackwardContext<T>& c) -> Grads<T> {
                                  const Shape s = c.inputs[0].shape();
                                  return {broadcast_to(c.grad_output * scale, s[0], s[1])};
                                });
}

template <class T>
T inverse_count(std::size_t count) {
  return count == 0 ? T(0) : T(1) / static_cast<T>(count);
}

}  // namespace

template <class T>
Var<T> sum(const Var<T>& a) {
  return scaled_sum_all(a, T(1), "sum");
}

template <class T>
Var<T> sum(const Var<T>& a, int axis) {
  return scaled_sum_axis(a, axis, T(1), "sum_axis");
}

template <class T>
Var<T> mean(const Var<T>& a) {
  return scaled_sum_all(a, inverse_count<T>(a.size()), "mean");
}

template <class T>
Var<T> mean(const Var<T>& a, int axis) {
  check_axis("mean_axis", axis);
  return scaled_sum_axis(a, axis, inverse_count<T>(a.shape()[axis == 0 ? 0 : 1]), "mean_axis");
}

#define XGRAD_INSTANTIATE(T)                  \
  template Var<T> sum<T>(const Var<T>&);      \
  template Var<T> sum<T>(const Var<T>&, int); \
  template Var<T> mean<T>(const Var<T>&);     \
  template Var<T> mean<T>(const Var<T>&, int);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
