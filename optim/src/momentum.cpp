#include "xgrad/optim/momentum.hpp"

#include "instantiate.hpp"

namespace xgrad {

template <class T>
Momentum<T>::Momentum(std::vector<Parameter<T>> parameters, double learning_rate,
                      double momentum, WeightDecay decay)
    : Optimizer<T>("Momentum", std::move(parameters), learning_rate, decay),
      momentum_(checked_hyperparameter("Momentum", "mu", momentum, 0.0, 1.0)),
      velocity_(this->add_buffer("velocity")) {}

template <class T>
void Momentum<T>::update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad) {
  Matrix<T>& v = this->buffer(velocity_, index);
  v = static_cast<T>(momentum_) * v - static_cast<T>(this->learning_rate()) * grad;
  value += v;
}

#define XGRAD_INSTANTIATE(T) template class Momentum<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
