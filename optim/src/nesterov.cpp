#include "xgrad/optim/nesterov.hpp"

#include "instantiate.hpp"

namespace xgrad {

template <class T>
Nesterov<T>::Nesterov(std::vector<Parameter<T>> parameters, double learning_rate,
                      double momentum, WeightDecay decay)
    : Optimizer<T>("Nesterov", std::move(parameters), learning_rate, decay),
      momentum_(checked_hyperparameter("Nesterov", "mu", momentum, 0.0, 1.0)),
      velocity_(this->add_buffer("velocity")) {}

template <class T>
void Nesterov<T>::update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad) {
  const T mu = static_cast<T>(momentum_), eta = static_cast<T>(this->learning_rate());
  Matrix<T>& v = this->buffer(velocity_, index);
  v = mu * v - eta * grad;
  value += mu * v - eta * grad;
}

#define XGRAD_INSTANTIATE(T) template class Nesterov<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
