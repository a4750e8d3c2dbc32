#include "xgrad/optim/schedule.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/optim/optimizer.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

Matrix<double> scalar(double v) { return Matrix<double>({{v}}); }

double checked_count(const std::string& owner, const char* what, double v) {
  if (!(v >= 0.0 && v == std::floor(v))) {
    throw InvalidArgument(
        fmt::format("{}: {} = {} must be a whole number ≥ 0", owner, what, v));
  }
  return v;
}

}  // namespace

LearningRateSchedule::LearningRateSchedule(const char* owner, double initial_learning_rate)
    : initial_learning_rate_(initial_learning_rate), learning_rate_(initial_learning_rate) {
  if (!(std::isfinite(initial_learning_rate) && initial_learning_rate > 0.0)) {
    throw InvalidArgument(fmt::format(
        "{}: learning rate eta0 = {} must be finite and > 0", owner, initial_learning_rate));
  }
}

bool LearningRateSchedule::on_epoch_end(double metric) {
  ++epochs_;
  return advance(metric);
}

StateDict<double> LearningRateSchedule::state() const {
  StateDict<double> state{{"learning_rate", scalar(learning_rate_)},
                          {"epochs", scalar(static_cast<double>(epochs_))}};
  for (const auto& [name, value] : own_state()) state.push_back({name, scalar(value)});
  return state;
}

void LearningRateSchedule::load_state(const StateDict<double>& state) {
  StateDict<double> staged = this->state();  // the expected names, filled from `state`
  std::vector<StateSlot<double>> slots;
  for (NamedMatrix<double>& entry : staged) slots.push_back({entry.name, &entry.value});
  const std::string owner = describe() + ".load_state";
  load_state_into(state, slots, owner);
  const double eta = staged[0].value(0, 0);
  if (!(std::isfinite(eta) && eta > 0.0)) {
    throw InvalidArgument(
        fmt::format("{}: learning_rate = {} must be finite and > 0", owner, eta));
  }
  const double epochs = checked_count(owner, "epochs", staged[1].value(0, 0));
  std::vector<double> own;
  for (std::size_t i = 2; i < staged.size(); ++i) own.push_back(staged[i].value(0, 0));
  restore_own_state(own);
  learning_rate_ = eta;
  epochs_ = static_cast<std::size_t>(epochs);
}

ConstantLearningRate::ConstantLearningRate(double eta)
    : LearningRateSchedule("ConstantLearningRate", eta) {}

std::string ConstantLearningRate::describe() const {
  return fmt::format("ConstantLearningRate(eta = {})", initial_learning_rate());
}

StepDecay::StepDecay(double initial_learning_rate, std::size_t step_epochs, double gamma)
    : LearningRateSchedule("StepDecay", initial_learning_rate),
      step_epochs_(step_epochs),
      gamma_(gamma) {
  if (step_epochs == 0) {
    throw InvalidArgument("StepDecay: step_epochs = 0 must be at least 1");
  }
  if (!(gamma > 0.0 && gamma <= 1.0)) {
    throw InvalidArgument(fmt::format("StepDecay: gamma = {} must be in (0, 1]", gamma));
  }
}

std::string StepDecay::describe() const {
  return fmt::format("StepDecay(eta0 = {}, step_epochs = {}, gamma = {})",
                     initial_learning_rate(), step_epochs_, gamma_);
}

bool StepDecay::advance(double) {
  const double decays = static_cast<double>(epochs() / step_epochs_);
  set_learning_rate(initial_learning_rate() * std::pow(gamma_, decays));
  return true;
}

HalveOnPlateau::HalveOnPlateau(double initial_learning_rate, std::size_t patience,
                               MetricGoal goal, double stop_fraction)
    : LearningRateSchedule("HalveOnPlateau", initial_learning_rate),
      patience_(patience),
      goal_(goal),
      stop_fraction_(stop_fraction),
      best_(goal == MetricGoal::maximize ? -std::numeric_limits<double>::infinity()
                                         : std::numeric_limits<double>::infinity()) {
  if (patience == 0) {
    throw InvalidArgument("HalveOnPlateau: patience = 0 must be at least 1");
  }
  checked_hyperparameter("HalveOnPlateau", "stop_fraction", stop_fraction,
                         std::numeric_limits<double>::min(), 1.0, true);
}

std::string HalveOnPlateau::describe() const {
  return fmt::format("HalveOnPlateau(eta0 = {}, patience = {}, {}, stop at eta0 * {})",
                     initial_learning_rate(), patience_,
                     goal_ == MetricGoal::maximize ? "maximize" : "minimize", stop_fraction_);
}

bool HalveOnPlateau::advance(double metric) {
  const bool improved = goal_ == MetricGoal::maximize ? metric > best_ : metric < best_;
  if (improved) {
    best_ = metric;
    since_improvement_ = 0;
  } else if (++since_improvement_ >= patience_) {
    set_learning_rate(learning_rate() / 2.0);
    since_improvement_ = 0;
  }
  return learning_rate() > initial_learning_rate() * stop_fraction_;
}

std::vector<std::pair<std::string, double>> HalveOnPlateau::own_state() const {
  return {{"best", best_},
          {"epochs_without_improvement", static_cast<double>(since_improvement_)}};
}

void HalveOnPlateau::restore_own_state(const std::vector<double>& values) {
  const double since = checked_count(describe(), "epochs_without_improvement", values[1]);
  best_ = values[0];
  since_improvement_ = static_cast<std::size_t>(since);
}

}  // namespace xgrad
