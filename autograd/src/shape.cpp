#include "xgrad/autograd/shape.hpp"

#include <fmt/format.h>
#include <xtensor/xadapt.hpp>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Var<T> reshape(const Var<T>& a, std::size_t rows, std::size_t cols) {
  if (rows * cols != a.size()) {
    throw ShapeError(fmt::format("reshape: cannot view {} ({} elements) as ({}, {}) ({} elements)",
                                 shape_string(a.shape()), a.size(), rows, cols, rows * cols));
  }
  Matrix<T> out = a.value();
  out.reshape({rows, cols});
  return detail::make_result<T>(std::move(out), "reshape", {&a}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    accumulate_grad(x, xt::adapt(self.grad.data(), self.grad.size(), xt::no_ownership(),
                                 x.value.shape()));
  });
}

#define XGRAD_INSTANTIATE(T) \
  template Var<T> reshape<T>(const Var<T>&, std::size_t, std::size_t);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
