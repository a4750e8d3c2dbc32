#include "xgrad/optim/optimizer.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

double checked_hyperparameter(const std::string& owner, const char* what, double value, double lo,
                              double hi, bool hi_open) {
  const bool below_hi = hi_open ? value < hi : value <= hi;
  if (!(std::isfinite(value) && value >= lo && below_hi)) {
    const std::string range =
        hi == std::numeric_limits<double>::infinity()
            ? fmt::format("finite and ≥ {}", lo)
            : fmt::format("in [{}, {}{}", lo, hi, hi_open ? ")" : "]");
    throw InvalidArgument(fmt::format("{}: {} = {} must be {}", owner, what, value, range));
  }
  return value;
}

namespace {

double checked_learning_rate(const std::string& owner, double eta) {
  if (!(std::isfinite(eta) && eta > 0.0)) {
    throw InvalidArgument(
        fmt::format("{}: learning rate eta = {} must be finite and > 0", owner, eta));
  }
  return eta;
}

WeightDecay checked_decay(const std::string& owner, WeightDecay decay) {
  checked_hyperparameter(owner, "weight decay lambda", decay.lambda, 0.0,
                         std::numeric_limits<double>::infinity());
  if (decay.n == 0) {
    throw InvalidArgument(fmt::format(
        "{}: weight decay n = 0, expected the training-set size (at least 1)", owner));
  }
  return decay;
}

}  // namespace

template <class T>
Optimizer<T>::Optimizer(std::string name, std::vector<Parameter<T>> parameters,
                        double learning_rate, WeightDecay decay)
    : name_(std::move(name)),
      parameters_(std::move(parameters)),
      learning_rate_(checked_learning_rate(name_, learning_rate)),
      decay_(checked_decay(name_, decay)) {
  // Whole gradients unless the subclass folds factors (SGD sets its own limit after this):
  // a permission an earlier SGD of these parameters gave would otherwise outlive it, and
  // this optimizer's grad() would pay for the copies and the deferred product every step.
  for (const Parameter<T>& p : parameters_) {
    if (p.var.defined()) p.var.accept_factored_grad(0);
  }
}

template <class T>
void Optimizer<T>::set_weight_decay(WeightDecay decay) {
  decay = checked_decay(name_, decay);
  if (decay.lambda > 0 && evaluates_objective()) {
    throw InvalidArgument(fmt::format(
        "{}: weight decay lambda = {} is not applied by an optimizer that evaluates the loss "
        "itself; add l2_penalty() to its objective instead",
        name_, decay.lambda));
  }
  decay_ = decay;
}

template <class T>
void Optimizer<T>::step() {
  for (const Parameter<T>& p : parameters_) {
    if (p.var.requires_grad() && !p.var.has_grad()) {
      throw GraphError(fmt::format(
          "{}.step(): parameter '{}' {} has no gradient: call backward() on a loss that "
          "depends on it before step(), or freeze it with set_requires_grad(false)",
          name_, p.name, shape_string(p.var.shape())));
    }
  }
  ++steps_;
  const double shrink = learning_rate_ * decay_.lambda / static_cast<double>(decay_.n);
  const T keep = static_cast<T>(1.0 - shrink);
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    const Parameter<T>& p = parameters_[k];
    if (!p.var.requires_grad()) continue;
    const T keep_k = p.is_weight() ? keep : T(1);
    const auto [left, right] = p.var.grad_factors();
    if (left && update_from_factors(k, p.var.mutable_value(), *left, *right, keep_k)) continue;
    update(k, p.var.mutable_value(), p.var.grad(), keep_k);
  }
}

template <class T>
double Optimizer<T>::step(const Objective<T>& objective) {
  zero_grad();
  const Var<T> loss = objective();
  count_evaluations(1);
  loss.backward();
  step();
  return static_cast<double>(loss.item());
}

template <class T>
void Optimizer<T>::require_objective() const {
  throw GraphError(fmt::format("{}.step(): this optimizer evaluates the loss itself; call "
                               "step(objective) with a function that computes the loss",
                               name_));
}

template <class T>
void Optimizer<T>::update(std::size_t, Matrix<T>&, const Matrix<T>&, T) {
  require_objective();
}

template <class T>
bool Optimizer<T>::update_from_factors(std::size_t, Matrix<T>&, const Matrix<T>&,
                                       const Matrix<T>&, T) {
  return false;
}

template <class T>
void Optimizer<T>::add_state(const std::string& name, Matrix<T>* target) {
  extra_state_.emplace_back(name, target);
}

template <class T>
void Optimizer<T>::zero_grad() {
  for (const Parameter<T>& p : parameters_) p.var.zero_grad();
}

template <class T>
void Optimizer<T>::set_learning_rate(double eta) {
  learning_rate_ = checked_learning_rate(name_, eta);
}

template <class T>
std::size_t Optimizer<T>::add_buffer(const std::string& name) {
  std::vector<Matrix<T>> per_parameter;
  for (const Parameter<T>& p : parameters_) {
    per_parameter.push_back(xt::zeros<T>(p.var.value().shape()));
  }
  buffer_names_.push_back(name);
  buffers_.push_back(std::move(per_parameter));
  return buffers_.size() - 1;
}

template <class T>
StateDict<T> Optimizer<T>::state() const {
  StateDict<T> state{{"learning_rate", Matrix<T>({{static_cast<T>(learning_rate_)}})},
                     {"steps", Matrix<T>({{static_cast<T>(steps_)}})}};
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
      state.push_back({parameters_[k].name + "." + buffer_names_[b], buffers_[b][k]});
    }
  }
  for (const auto& [name, target] : extra_state_) state.push_back({name, *target});
  return state;
}

template <class T>
void Optimizer<T>::load_state(const StateDict<T>& state) {
  Matrix<T> learning_rate = xt::zeros<T>({1, 1}), steps = xt::zeros<T>({1, 1});
  std::vector<Matrix<T>> staged;  // buffers are written only once everything checks out
  staged.reserve(buffers_.size() * parameters_.size() + extra_state_.size());  // no reallocation: slots point into it
  std::vector<StateSlot<T>> slots{{"learning_rate", &learning_rate}, {"steps", &steps}};
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
      staged.push_back(buffers_[b][k]);
      slots.push_back({parameters_[k].name + "." + buffer_names_[b], &staged.back()});
    }
  }
  for (const auto& entry : extra_state_) {
    staged.push_back(*entry.second);
    slots.push_back({entry.first, &staged.back()});
  }
  load_state_into(state, slots, name_ + ".load_state");
  const double eta = static_cast<double>(learning_rate(0, 0));
  const double count = static_cast<double>(steps(0, 0));
  if (!(count >= 0.0 && count == std::floor(count))) {
    throw InvalidArgument(
        fmt::format("{}.load_state: steps = {} must be a whole number ≥ 0", name_, count));
  }
  set_learning_rate(eta);
  steps_ = static_cast<std::size_t>(count);
  std::size_t i = 0;
  for (auto& per_parameter : buffers_) {
    for (Matrix<T>& buffer : per_parameter) buffer = std::move(staged[i++]);
  }
  for (auto& entry : extra_state_) *entry.second = std::move(staged[i++]);
}

#define XGRAD_INSTANTIATE(T) template class Optimizer<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
