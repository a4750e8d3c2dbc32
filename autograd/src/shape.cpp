#include "xgrad/autograd/shape.hpp"

#include <fmt/format.h>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbroadcast.hpp>

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
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    const Shape s = c.inputs[0].shape();
    return {reshape(c.grad_output, s[0], s[1])};
  });
}

template <class T>
Var<T> broadcast_to(const Var<T>& a, std::size_t rows, std::size_t cols) {
  const Shape s = a.shape();
  if ((s[0] != rows && s[0] != 1) || (s[1] != cols && s[1] != 1)) {
    throw ShapeError(fmt::format("broadcast_to: cannot broadcast {} to ({}, {}) (each dimension "
                                 "must be 1 or the target's)",
                                 shape_string(s), rows, cols));
  }
  Matrix<T> out = xt::broadcast(a.value(), std::array<std::size_t, 2>{rows, cols});
  return detail::make_result<T>(std::move(out), "broadcast_to", {&a}, [](Node<T>& self) {
    accumulate_broadcast_grad(*self.parents[0], self.grad);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    return {c.grad_output};  // the engine sums it back to a's shape
  });
}

#define XGRAD_INSTANTIATE(T)                                          \
  template Var<T> reshape<T>(const Var<T>&, std::size_t, std::size_t); \
  template Var<T> broadcast_to<T>(const Var<T>&, std::size_t, std::size_t);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
