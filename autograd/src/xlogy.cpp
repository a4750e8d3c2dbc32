#include "xgrad/autograd/xlogy.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "xgrad/autograd/arithmetic.hpp"
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
  // x is copied, once, for both backward functions: the caller may reuse its buffer (the
  // next batch's targets).
  auto saved = std::make_shared<const Matrix<T>>(x);
  return detail::make_result<T>(std::move(out), "xlogy", {&y}, [saved](Node<T>& self) {
    const Matrix<T>& xs = *saved;
    Node<T>& in = *self.parents[0];
    Matrix<T> dy = xt::empty<T>(in.value.shape());
    for (std::size_t k = 0; k < dy.size(); ++k) {
      dy.flat(k) = xs.flat(k) == T(0) ? T(0) : self.grad.flat(k) * xs.flat(k) / in.value.flat(k);
    }
    accumulate_grad(in, std::move(dy));
  }, [saved](const BackwardContext<T>& c) -> Grads<T> {
    // G ⊙ x ⊘ y, with y shifted by 1 where x = 0 so that those entries are 0 (not 0/0) and
    // stay 0 in every derivative.
    const Matrix<T>& xs = *saved;
    Matrix<T> shift = xt::empty<T>(xs.shape());
    for (std::size_t k = 0; k < xs.size(); ++k) shift.flat(k) = xs.flat(k) == T(0) ? T(1) : T(0);
    return {c.grad_output * Var<T>(Matrix<T>(xs)) / (c.inputs[0] + Var<T>(std::move(shift)))};
  });
}

#define XGRAD_INSTANTIATE(T) template Var<T> xlogy<T>(const Matrix<T>&, const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
