#include "xgrad/optim/sgd.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
SGD<T>::SGD(std::vector<Parameter<T>> parameters, double learning_rate, WeightDecay decay)
    : Optimizer<T>("SGD", std::move(parameters), learning_rate, decay) {}

template <class T>
void SGD<T>::update(std::size_t, Matrix<T>& value, const Matrix<T>& grad) {
  value -= static_cast<T>(this->learning_rate()) * grad;
}

#define XGRAD_INSTANTIATE(T) template class SGD<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
