#include "xgrad/layers/activations.hpp"

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

#define XGRAD_INSTANTIATE(T) \
  template class Sigmoid<T>; \
  template class Tanh<T>;    \
  template class ReLU<T>;    \
  template class Softmax<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
