#include "xgrad/optim/nesterov.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Nesterov<T>::Nesterov(std::vector<Parameter<T>> parameters, double learning_rate,
                      double momentum, WeightDecay decay)
    : Momentum<T>("Nesterov", std::move(parameters), learning_rate, momentum, decay) {}

template <class T>
void Nesterov<T>::update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad) {
  const Matrix<T>& v = this->update_velocity(index, grad);
  value += static_cast<T>(this->momentum()) * v - static_cast<T>(this->learning_rate()) * grad;
}

#define XGRAD_INSTANTIATE(T) template class Nesterov<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
