#include "xgrad/optim/sgd.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
SGD<T>::SGD(std::vector<Parameter<T>> parameters, double learning_rate, WeightDecay decay)
    : Optimizer<T>("SGD", std::move(parameters), learning_rate, decay) {}

template <class T>
void SGD<T>::update(std::size_t, Matrix<T>& value, const Matrix<T>& grad, T keep) {
  // A plain loop over raw pointers: the compiler vectorises it, and it is the whole step.
  const T eta = static_cast<T>(this->learning_rate());
  T* w = value.data();
  const T* g = grad.data();
  for (std::size_t i = 0, n = value.size(); i < n; ++i) w[i] = keep * w[i] - eta * g[i];
}

#define XGRAD_INSTANTIATE(T) template class SGD<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
