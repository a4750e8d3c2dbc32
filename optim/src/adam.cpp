#include "xgrad/optim/adam.hpp"

#include <cmath>
#include <limits>

#include <xtensor/xmath.hpp>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {
namespace {

AdamOptions checked(AdamOptions o) {
  checked_hyperparameter("Adam", "beta1", o.beta1, 0.0, 1.0, true);
  checked_hyperparameter("Adam", "beta2", o.beta2, 0.0, 1.0, true);
  checked_hyperparameter("Adam", "epsilon", o.epsilon, std::numeric_limits<double>::min(),
                         std::numeric_limits<double>::infinity());
  return o;
}

}  // namespace

template <class T>
Adam<T>::Adam(std::vector<Parameter<T>> parameters, AdamOptions options)
    : Optimizer<T>("Adam", std::move(parameters), options.learning_rate, options.decay),
      options_(checked(options)),
      first_moment_(this->add_buffer("first_moment")),
      second_moment_(this->add_buffer("second_moment")) {}

template <class T>
void Adam<T>::update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) {
  const double t = static_cast<double>(this->steps());
  const T beta1 = static_cast<T>(options_.beta1), beta2 = static_cast<T>(options_.beta2);
  // The bias corrections are folded into the step size and ε (computed in double):
  // η m̂/(√v̂ + ε) = [η/(1 − β₁ᵗ)] · m / (√v/√(1 − β₂ᵗ) + ε).
  const double correction1 = 1.0 - std::pow(options_.beta1, t);
  const double root_correction2 = std::sqrt(1.0 - std::pow(options_.beta2, t));
  const T step = static_cast<T>(this->learning_rate() / correction1);
  const T inv_root_c2 = static_cast<T>(1.0 / root_correction2);
  const T eps = static_cast<T>(options_.epsilon);
  Matrix<T>& m = this->buffer(first_moment_, index);
  Matrix<T>& v = this->buffer(second_moment_, index);
  m = beta1 * m + (T(1) - beta1) * grad;
  v = beta2 * v + (T(1) - beta2) * grad * grad;
  if (keep != T(1)) value *= keep;  // AdamW's decoupled decay
  value -= step * m / (xt::sqrt(v) * inv_root_c2 + eps);
}

#define XGRAD_INSTANTIATE(T) template class Adam<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
