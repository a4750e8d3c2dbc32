#include "xgrad/layers/cost.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/activation.hpp"
#include "xgrad/autograd/fused_losses.hpp"
#include "xgrad/autograd/softmax.hpp"
#include "xgrad/layers/cost_functions.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

const char* to_string(OutputActivation output) {
  switch (output) {
    case OutputActivation::sigmoid: return "sigmoid";
    case OutputActivation::softmax: return "softmax";
    case OutputActivation::identity: return "identity";
  }
  return "unknown";
}

Cost Cost::quadratic(OutputActivation output) { return {CostKind::quadratic, output}; }
Cost Cost::cross_entropy() { return {CostKind::cross_entropy, OutputActivation::sigmoid}; }
Cost Cost::log_likelihood() { return {CostKind::log_likelihood, OutputActivation::softmax}; }

Cost Cost::from_name(const std::string& name) {
  for (const Cost& cost : {quadratic(), cross_entropy(), log_likelihood()}) {
    if (cost.name() == name) return cost;
  }
  throw InvalidArgument(fmt::format(
      "unknown cost '{}' (expected QuadraticCost, CrossEntropyCost or LogLikelihoodCost)", name));
}

std::string Cost::name() const {
  switch (kind_) {
    case CostKind::quadratic: return "QuadraticCost";
    case CostKind::cross_entropy: return "CrossEntropyCost";
    case CostKind::log_likelihood: return "LogLikelihoodCost";
  }
  return "UnknownCost";
}

template <class T>
Var<T> Cost::activate(const Var<T>& z) const {
  switch (output_) {
    case OutputActivation::sigmoid: return sigmoid(z);
    case OutputActivation::softmax: return softmax(z);
    case OutputActivation::identity: return z;
  }
  return z;
}

template <class T>
Var<T> Cost::on_outputs(const Var<T>& a, const Matrix<T>& y) const {
  switch (kind_) {
    case CostKind::quadratic: return quadratic_cost(a, y);
    case CostKind::cross_entropy: return cross_entropy_cost(a, y);
    case CostKind::log_likelihood: return log_likelihood_cost(a, y);
  }
  throw Error("Cost: unknown kind");
}

template <class T>
Var<T> Cost::on_logits(const Var<T>& z, const Matrix<T>& y) const {
  switch (kind_) {
    case CostKind::cross_entropy: return cross_entropy_cost_with_logits(z, y);
    case CostKind::log_likelihood: return softmax_log_likelihood(z, y);
    case CostKind::quadratic: break;  // no fused form: its gradient needs f'(z) anyway
  }
  return on_outputs(activate(z), y);
}

#define XGRAD_INSTANTIATE(T)                                                     \
  template Var<T> Cost::activate<T>(const Var<T>&) const;                        \
  template Var<T> Cost::on_outputs<T>(const Var<T>&, const Matrix<T>&) const;    \
  template Var<T> Cost::on_logits<T>(const Var<T>&, const Matrix<T>&) const;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
