#include "xgrad/layers/activations.hpp"

#include <typeinfo>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/activation.hpp"
#include "xgrad/autograd/softmax.hpp"

namespace xgrad {

template <class T>
Var<T> Sigmoid<T>::forward(const Var<T>& z) {
  return sigmoid(z);
}

template <class T>
Var<T> Tanh<T>::forward(const Var<T>& z) {
  return tanh(z);
}

template <class T>
Var<T> ReLU<T>::forward(const Var<T>& z) {
  return relu(z);
}

template <class T>
Var<T> Softmax<T>::forward(const Var<T>& z) {
  return softmax(z);
}

template <class T>
std::optional<Activation> Sigmoid<T>::fusable_activation() const {
  if (typeid(*this) != typeid(Sigmoid<T>)) return std::nullopt;
  return Activation::sigmoid;
}

template <class T>
std::optional<Activation> Tanh<T>::fusable_activation() const {
  if (typeid(*this) != typeid(Tanh<T>)) return std::nullopt;
  return Activation::tanh;
}

template <class T>
std::optional<Activation> ReLU<T>::fusable_activation() const {
  if (typeid(*this) != typeid(ReLU<T>)) return std::nullopt;
  return Activation::relu;
}

template <class T>
std::shared_ptr<Module<T>> make_activation_module(Activation act) {
  switch (act) {
    case Activation::sigmoid: return std::make_shared<Sigmoid<T>>();
    case Activation::tanh: return std::make_shared<Tanh<T>>();
    case Activation::relu: return std::make_shared<ReLU<T>>();
    case Activation::identity: break;
  }
  return nullptr;
}

#define XGRAD_INSTANTIATE(T) \
  template class Sigmoid<T>; \
  template class Tanh<T>;    \
  template class ReLU<T>;    \
  template class Softmax<T>; \
  template std::shared_ptr<Module<T>> make_activation_module<T>(Activation);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
