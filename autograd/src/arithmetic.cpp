#include "xgrad/autograd/arithmetic.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Var<T> add(const Var<T>& a, const Var<T>& b) {
  broadcast_shape("add", a.shape(), b.shape());
  return detail::make_result<T>(a.value() + b.value(), "add", {&a, &b}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    Node<T>& y = *self.parents[1];
    if (x.requires_grad) accumulate_reduced(x, self.grad);
    if (y.requires_grad) accumulate_reduced(y, self.grad);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    return {c.grad_output, c.grad_output};  // the engine sums each back to its shape
  });
}

template <class T>
Var<T> sub(const Var<T>& a, const Var<T>& b) {
  broadcast_shape("sub", a.shape(), b.shape());
  return detail::make_result<T>(a.value() - b.value(), "sub", {&a, &b}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    Node<T>& y = *self.parents[1];
    if (x.requires_grad) accumulate_reduced(x, self.grad);
    if (y.requires_grad) accumulate_reduced(y, -self.grad);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    return {c.grad_output, c.needs_input_grad(1) ? -c.grad_output : Var<T>()};
  });
}

template <class T>
Var<T> mul(const Var<T>& a, const Var<T>& b) {
  broadcast_shape("mul", a.shape(), b.shape());
  return detail::make_result<T>(a.value() * b.value(), "mul", {&a, &b}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    Node<T>& y = *self.parents[1];
    if (x.requires_grad) accumulate_reduced(x, self.grad * y.value);
    if (y.requires_grad) accumulate_reduced(y, self.grad * x.value);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    const Var<T>& g = c.grad_output;
    return {c.needs_input_grad(0) ? g * c.inputs[1] : Var<T>(),
            c.needs_input_grad(1) ? g * c.inputs[0] : Var<T>()};
  });
}

template <class T>
Var<T> div(const Var<T>& a, const Var<T>& b) {
  broadcast_shape("div", a.shape(), b.shape());
  return detail::make_result<T>(a.value() / b.value(), "div", {&a, &b}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    Node<T>& y = *self.parents[1];
    if (x.requires_grad) accumulate_reduced(x, self.grad / y.value);
    // −G·x/y² = −G·out/y, with the saved output.
    if (y.requires_grad) accumulate_reduced(y, -self.grad * self.value / y.value);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    const Var<T>& g = c.grad_output;
    return {c.needs_input_grad(0) ? g / c.inputs[1] : Var<T>(),
            c.needs_input_grad(1) ? -(g * c.output / c.inputs[1]) : Var<T>()};
  });
}

template <class T>
Var<T> neg(const Var<T>& a) {
  return detail::make_result<T>(-a.value(), "neg", {&a}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], -self.grad);
  }, [](const BackwardContext<T>& c) -> Grads<T> { return {-c.grad_output}; });
}

template <class T>
Var<T> add(const Var<T>& a, T s) {
  return detail::make_result<T>(a.value() + s, "add_scalar", {&a}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], self.grad);
  }, [](const BackwardContext<T>& c) -> Grads<T> { return {c.grad_output}; });
}

template <class T>
Var<T> mul(const Var<T>& a, T s) {
  return detail::make_result<T>(a.value() * s, "mul_scalar", {&a}, [s](Node<T>& self) {
    accumulate_grad(*self.parents[0], self.grad * s);
  }, [s](const BackwardContext<T>& c) -> Grads<T> { return {c.grad_output * s}; });
}

template <class T>
Var<T> div(T s, const Var<T>& a) {
  return detail::make_result<T>(s / a.value(), "div_scalar", {&a}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    // ∂(s/x)/∂x = −s/x² = −out/x.
    accumulate_grad(x, -self.grad * self.value / x.value);
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    return {-(c.grad_output * c.output / c.inputs[0])};
  });
}

#define XGRAD_INSTANTIATE(T)                                   \
  template Var<T> add<T>(const Var<T>&, const Var<T>&);       \
  template Var<T> sub<T>(const Var<T>&, const Var<T>&);       \
  template Var<T> mul<T>(const Var<T>&, const Var<T>&);       \
  template Var<T> div<T>(const Var<T>&, const Var<T>&);       \
  template Var<T> neg<T>(const Var<T>&);                      \
  template Var<T> add<T>(const Var<T>&, T);                   \
  template Var<T> mul<T>(const Var<T>&, T);                   \
  template Var<T> div<T>(T, const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
