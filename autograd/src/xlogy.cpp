#include "xgrad/autograd/xlogy.hpp"

#include <cmath>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Var<T> xlogy(const Matrix<T>& x, const Var<T>& y) {
  if (shape_of(x) != y.shape()) {
    throw ShapeError(fmt::format("xlogy: x has shape {} but y has shape {}",
                                 shape_string(shape_of(x)), shape_string(y.shape())));
  }
  const Matrix<T>& yv = y.value();
  Matrix<T> out = xt::empty<T>(yv.shape());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out.flat(k) = x.flat(k) == T(0) ? T(0) : x.flat(k) * std::log(yv.flat(k));
  }
  // x is copied into the closure: the caller may reuse its buffer (the next batch's targets).
  return detail::make_result<T>(std::move(out), "xlogy", {&y}, [x](Node<T>& self) {
    Node<T>& in = *self.parents[0];
    Matrix<T> dy = xt::empty<T>(in.value.shape());
    for (std::size_t k = 0; k < dy.size(); ++k) {
      dy.flat(k) = x.flat(k) == T(0) ? T(0) : self.grad.flat(k) * x.flat(k) / in.value.flat(k);
    }
    accumulate_grad(in, std::move(dy));
  });
}

#define XGRAD_INSTANTIATE(T) template Var<T> xlogy<T>(const Matrix<T>&, const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
