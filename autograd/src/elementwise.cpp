#include "xgrad/autograd/elementwise.hpp"

#include <xtensor/xmath.hpp>

#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Var<T> exp(const Var<T>& a) {
  return detail::make_result<T>(xt::exp(a.value()), "exp", {&a}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], self.grad * self.value);
  }, [](const BackwardContext<T>& c) -> Grads<T> { return {c.grad_output * c.output}; });
}

template <class T>
Var<T> log(const Var<T>& a) {
  return detail::make_result<T>(xt::log(a.value()), "log", {&a}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    accumulate_grad(x, self.grad / x.value);
  }, [](const BackwardContext<T>& c) -> Grads<T> { return {c.grad_output / c.inputs[0]}; });
}

template <class T>
Var<T> square(const Var<T>& a) {
  return detail::make_result<T>(a.value() * a.value(), "square", {&a}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    accumulate_grad(x, T(2) * x.value * self.grad);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    return {c.grad_output * c.inputs[0] * T(2)};
  });
}

template <class T>
Var<T> abs(const Var<T>& a) {
  return detail::make_result<T>(xt::abs(a.value()), "abs", {&a}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    accumulate_grad(x, xt::sign(x.value) * self.grad);  // sign(0) = 0
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    // sign(x) is a constant: abs'' = 0 wherever abs' exists.
    return {c.grad_output * Var<T>(Matrix<T>(xt::sign(c.inputs[0].value())))};
  });
}

#define XGRAD_INSTANTIATE(T)              \
  template Var<T> exp<T>(const Var<T>&);  \
  template Var<T> log<T>(const Var<T>&);  \
  template Var<T> square<T>(const Var<T>&); \
  template Var<T> abs<T>(const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
