#include "xgrad/optim/nesterov.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Nesterov<T>::Nesterov(std::vector<Parameter<T>> parameters, double learning_rate,
                      double momentum, WeightDecay decay)
    : Momentum<T>("Nesterov", std::move(parameters), learning_rate, momentum, decay) {}

template <class T>
void Nesterov<T>::update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) {
  const T mu = static_cast<T>(this->momentum()), eta = static_cast<T>(this->learning_rate());
  const T* v = this->update_velocity(index, grad).data();
  const T* g = grad.data();
  T* w = value.data();
  for (std::size_t i = 0, n = value.size(); i < n; ++i) w[i] = keep * w[i] + (mu * v[i] - eta * g[i]);
}

#define XGRAD_INSTANTIATE(T) template class Nesterov<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
