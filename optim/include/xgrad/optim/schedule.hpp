#pragma once
/// @file
/// Learning-rate schedules: objects a training loop asks, once per epoch, for the learning
/// rate to use next and whether to keep going.
/// @code
/// HalveOnPlateau schedule(0.5, 10);                  // the book's: no-improvement-in-10
/// for (int epoch = 0;; ++epoch) {
///   optimizer.set_learning_rate(schedule.learning_rate());
///   train_one_epoch();
///   if (!schedule.on_epoch_end(validation_accuracy())) break;
/// }
/// @endcode

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/layers/state.hpp>

namespace xgrad {

/// Base of the schedules. Learning rates are double whatever the network's element type.
class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;

  /// The learning rate for the next epoch.
  double learning_rate() const noexcept { return learning_rate_; }
  /// The learning rate the schedule started with, η₀.
  double initial_learning_rate() const noexcept { return initial_learning_rate_; }
  /// Number of on_epoch_end() calls so far.
  std::size_t epochs() const noexcept { return epochs_; }

  /// Records the end of an epoch whose monitored metric was `metric` (ignored by schedules
  /// that do not watch one), updates learning_rate(), and returns false when training
  /// should stop.
  bool on_epoch_end(double metric);

  /// A description such as "HalveOnPlateau(eta0 = 0.5, patience = 10, maximize)".
  virtual std::string describe() const = 0;

  /// The schedule's state as 1×1 entries: "learning_rate", "epochs" and the subclass's own.
  StateDict<double> state() const;
  /// Restores a state() of a schedule of the same kind. Throws std::invalid_argument (or
  /// ShapeError) and changes nothing if it does not fit.
  void load_state(const StateDict<double>& state);

 protected:
  /// Throws std::invalid_argument naming `owner` unless η₀ is finite and > 0.
  LearningRateSchedule(const char* owner, double initial_learning_rate);
  /// Sets the learning rate (by the subclass's rule).
  void set_learning_rate(double eta) noexcept { learning_rate_ = eta; }

  /// The subclass's rule, run by on_epoch_end() after epochs() has been incremented.
  virtual bool advance(double metric) = 0;
  /// The subclass's own scalars, in a fixed order, for state().
  virtual std::vector<std::pair<std::string, double>> own_state() const { return {}; }
  /// Restores the subclass's scalars, given in own_state()'s order (names already checked).
  virtual void restore_own_state(const std::vector<double>& /*values*/) {}

 private:
  double initial_learning_rate_;
  double learning_rate_;
  std::size_t epochs_ = 0;
};

/// η stays η₀; never asks to stop.
class ConstantLearningRate : public LearningRateSchedule {
 public:
  /// Throws std::invalid_argument unless η is finite and > 0.
  explicit ConstantLearningRate(double eta);
  std::string describe() const override;

 protected:
  bool advance(double) override { return true; }
};

/// Step decay: after e epochs, η = η₀ · γ^⌊e / step_epochs⌋; never asks to stop.
class StepDecay : public LearningRateSchedule {
 public:
  /// Throws std::invalid_argument unless step_epochs ≥ 1 and 0 < γ ≤ 1.
  StepDecay(double initial_learning_rate, std::size_t step_epochs, double gamma = 0.5);
  std::string describe() const override;

 protected:
  bool advance(double) override;

 private:
  std::size_t step_epochs_;
  double gamma_;
};

/// Whether a larger or a smaller metric is an improvement.
enum class MetricGoal { maximize, minimize };

/// The book's schedule: halve η each time the metric (e.g. validation accuracy) has not
/// improved on its best for `patience` epochs in a row ("no-improvement-in-10"), and stop
/// once η has fallen to η₀/128 (or to η₀·stop_fraction). After a halving the count of
/// epochs without improvement starts again from 0. A NaN metric never improves.
class HalveOnPlateau : public LearningRateSchedule {
 public:
  /// Throws std::invalid_argument unless patience ≥ 1 and 0 < stop_fraction < 1.
  explicit HalveOnPlateau(double initial_learning_rate, std::size_t patience = 10,
                          MetricGoal goal = MetricGoal::maximize,
                          double stop_fraction = 1.0 / 128.0);
  std::string describe() const override;

  /// The best metric seen so far (−∞ for maximize, +∞ for minimize before any epoch).
  double best() const noexcept { return best_; }
  /// Epochs since the last improvement or halving.
  std::size_t epochs_without_improvement() const noexcept { return since_improvement_; }

 protected:
  bool advance(double metric) override;
  std::vector<std::pair<std::string, double>> own_state() const override;
  void restore_own_state(const std::vector<double>& values) override;

 private:
  std::size_t patience_;
  MetricGoal goal_;
  double stop_fraction_;
  double best_;
  std::size_t since_improvement_ = 0;
};

}  // namespace xgrad
