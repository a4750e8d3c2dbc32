#pragma once
/// @file
/// Early stopping: the book's no-improvement-in-n rule.

#include <cstddef>

namespace xgrad {

/// Stops training when the monitored metric (classification accuracy on the validation
/// data, by default larger is better) has not improved for `patience` epochs in a row.
/// patience = 0 never stops.
class EarlyStopping {
 public:
  /// `maximize`: whether larger values of the metric are improvements.
  explicit EarlyStopping(std::size_t patience, bool maximize = true)
      : patience_(patience), maximize_(maximize) {}

  /// Records one epoch's metric; returns false when training should stop.
  bool on_epoch_end(double metric) {
    ++epochs_;
    if (epochs_ == 1 || (maximize_ ? metric > best_ : metric < best_)) {
      best_ = metric;
      best_epoch_ = epochs_ - 1;
      since_improvement_ = 0;
    } else {
      ++since_improvement_;
    }
    return patience_ == 0 || since_improvement_ < patience_;
  }

  double best() const noexcept { return best_; }  ///< the best metric so far
  /// The 0-based epoch of best().
  std::size_t best_epoch() const noexcept { return best_epoch_; }
  /// Epochs since the last improvement.
  std::size_t epochs_without_improvement() const noexcept { return since_improvement_; }
  std::size_t patience() const noexcept { return patience_; }  ///< n of no-improvement-in-n
  /// Epochs recorded so far.
  std::size_t epochs() const noexcept { return epochs_; }

  /// The counters, to save with a checkpoint and restore() later.
  struct State {
    double best = 0;                       ///< best()
    std::size_t best_epoch = 0;            ///< best_epoch()
    std::size_t without_improvement = 0;  ///< epochs_without_improvement()
    std::size_t epochs = 0;                ///< epochs()
  };
  /// The counters as they are now.
  State state() const noexcept { return {best_, best_epoch_, since_improvement_, epochs_}; }
  /// Continues from the counters of an earlier run (patience and direction are this
  /// object's own).
  void restore(const State& state) noexcept {
    best_ = state.best;
    best_epoch_ = state.best_epoch;
    since_improvement_ = state.without_improvement;
    epochs_ = state.epochs;
  }

 private:
  std::size_t patience_;
  bool maximize_;
  std::size_t epochs_ = 0, best_epoch_ = 0, since_improvement_ = 0;
  double best_ = 0;
};

}  // namespace xgrad
