#include "xgrad/autograd/activation.hpp"

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"
#include "kernels.hpp"

namespace xgrad {

const char* to_string(Activation act) {
  switch (act) {
    case Activation::identity: return "identity";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
  }
  return "unknown";
}

Activation activation_from_string(const std::string& name) {
  for (Activation a : {Activation::identity, Activation::sigmoid, Activation::tanh,
                       Activation::relu}) {
    if (name == to_string(a)) return a;
  }
  throw InvalidArgument(
      fmt::format("unknown activation '{}' (expected identity, sigmoid, tanh or relu)", name));
}

namespace {

template <class T>
Var<T> activation_op(const Var<T>& z, Activation act, const char* name) {
  Matrix<T> a = xt::empty<T>(z.value().shape());
  detail::activate(act, z.value().data(), a.data(), a.size());
  return detail::make_result<T>(std::move(a), name, {&z}, [act](Node<T>& self) {
    Matrix<T> dz = xt::empty<T>(self.value.shape());
    detail::activation_grad(act, self.grad.data(), self.value.data(), dz.data(), dz.size());
    accumulate_grad(*self.parents[0], std::move(dz));
  }, [act](const BackwardContext<T>& c) -> Grads<T> {
    return {detail::activation_grad_graph(act, c.grad_output, c.output)};
  });
}

}  // namespace

template <class T>
Var<T> sigmoid(const Var<T>& z) {
  return activation_op(z, Activation::sigmoid, "sigmoid");
}

template <class T>
Var<T> tanh(const Var<T>& z) {
  return activation_op(z, Activation::tanh, "tanh");
}

template <class T>
Var<T> relu(const Var<T>& z) {
  return activation_op(z, Activation::relu, "relu");
}

#define XGRAD_INSTANTIATE(T)                  \
  template Var<T> sigmoid<T>(const Var<T>&);  \
  template Var<T> tanh<T>(const Var<T>&);     \
  template Var<T> relu<T>(const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
