#include "xgrad/autograd/activation.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>

#include "xgrad/autograd/dtypes.hpp"
#include "kernels.hpp"

namespace xgrad {

template <class T>
Var<T> sigmoid(const Var<T>& z) {
  Matrix<T> a = xt::empty<T>(z.value().shape());
  std::transform(z.value().begin(), z.value().end(), a.begin(), detail::stable_sigmoid<T>);
  return detail::make_result<T>(std::move(a), "sigmoid", {&z}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], self.grad * self.value * (T(1) - self.value));
  });
}

template <class T>
Var<T> tanh(const Var<T>& z) {
  return detail::make_result<T>(xt::tanh(z.value()), "tanh", {&z}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], self.grad * (T(1) - self.value * self.value));
  });
}

template <class T>
Var<T> relu(const Var<T>& z) {
  return detail::make_result<T>(xt::maximum(z.value(), T(0)), "relu", {&z}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], xt::where(self.value > T(0), self.grad, T(0)));
  });
}

#define XGRAD_INSTANTIATE(T)                  \
  template Var<T> sigmoid<T>(const Var<T>&);  \
  template Var<T> tanh<T>(const Var<T>&);     \
  template Var<T> relu<T>(const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
