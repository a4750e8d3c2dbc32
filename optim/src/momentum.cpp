#include "xgrad/optim/momentum.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Momentum<T>::Momentum(std::vector<Parameter<T>> parameters, double learning_rate,
                      double momentum, WeightDecay decay)
    : Momentum("Momentum", std::move(parameters), learning_rate, momentum, decay) {}

template <class T>
Momentum<T>::Momentum(const char* name, std::vector<Parameter<T>> parameters,
                      double learning_rate, double momentum, WeightDecay decay)
    : Optimizer<T>(name, std::move(parameters), learning_rate, decay),
      momentum_(checked_hyperparameter(name, "mu", momentum, 0.0, 1.0)),
      velocity_(this->add_buffer("velocity")) {}

template <class T>
const Matrix<T>& Momentum<T>::update_velocity(std::size_t index, const Matrix<T>& grad) {
  Matrix<T>& velocity = this->buffer(velocity_, index);
  const T mu = static_cast<T>(momentum_), eta = static_cast<T>(this->learning_rate());
  T* v = velocity.data();
  const T* g = grad.data();
  for (std::size_t i = 0, n = velocity.size(); i < n; ++i) v[i] = mu * v[i] - eta * g[i];
  return velocity;
}

template <class T>
void Momentum<T>::update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) {
  const T* v = update_velocity(index, grad).data();
  T* w = value.data();
  for (std::size_t i = 0, n = value.size(); i < n; ++i) w[i] = keep * w[i] + v[i];
}

#define XGRAD_INSTANTIATE(T) template class Momentum<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
