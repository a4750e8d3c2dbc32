#pragma once
/// @file
/// The training loop: mini-batch SGD over any Module, with network2.py's monitoring,
/// early stopping, learning-rate schedules and divergence detection.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <xgrad/datasets/batcher.hpp>
#include <xgrad/datasets/dataset.hpp>
#include <xgrad/layers/cost.hpp>
#include <xgrad/layers/module.hpp>
#include <xgrad/optim/data_parallel.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/schedule.hpp>

namespace xgrad {

/// What to measure after each epoch: network2.py's four monitor flags.
struct Monitor {
  bool evaluation_cost = false;      ///< total cost on the evaluation data
  bool evaluation_accuracy = false;  ///< correct classifications on the evaluation data
  bool training_cost = false;        ///< total cost on the training data
  bool training_accuracy = false;    ///< correct classifications on the training data
};

/// One epoch's measurements. Costs follow network2.py's total_cost(data, λ):
/// Σ_x C_x / len(data) + ½(λ/len(data)) Σ‖w‖² (+ (λ₁/len(data)) Σ|w| with an L1 term).
struct EpochStats {
  std::size_t epoch = 0;          ///< 0-based, as network2.py prints it
  double learning_rate = 0;       ///< η used during the epoch
  double seconds = 0;             ///< wall time of the training pass (monitoring excluded)
  double monitor_seconds = 0;     ///< wall time of the monitoring after it
  std::optional<double> training_cost;            ///< when monitored
  std::optional<std::size_t> training_correct;    ///< when monitored
  std::size_t training_size = 0;                  ///< examples in the training data
  std::optional<double> evaluation_cost;          ///< when monitored
  std::optional<std::size_t> evaluation_correct;  ///< when monitored
  std::size_t evaluation_size = 0;                ///< examples in the evaluation data
};

/// Where training ended.
enum class StopReason {
  completed,      ///< ran every epoch
  early_stopping, ///< no improvement in `early_stopping` epochs
  schedule,       ///< the learning-rate schedule ended (e.g. η reached η₀/128)
  diverged,       ///< the cost or a parameter became non-finite
};

/// The result of train(): network2.py's four per-epoch lists (empty when not monitored) and
/// everything else measured.
struct TrainingHistory {
  std::vector<double> evaluation_cost;            ///< per epoch, if monitored
  std::vector<std::size_t> evaluation_accuracy;   ///< correct per epoch, if monitored
  std::vector<double> training_cost;              ///< per epoch, if monitored
  std::vector<std::size_t> training_accuracy;     ///< correct per epoch, if monitored
  std::vector<EpochStats> epochs;                 ///< every completed epoch
  StopReason stop_reason = StopReason::completed; ///< why it ended
  std::string stop_message;  ///< e.g. "non-finite cost (nan) at epoch 3, batch 1207"
};

/// What train() needs, besides the parameters and the optimizer's state, to continue a run
/// exactly where it stopped: the next epoch, the shuffling generator, the dropout
/// generators, the early-stopping counters, the schedule's state and the history so far.
/// train() hands one to TrainOptions::on_checkpoint after every epoch.
struct TrainerState {
  std::size_t next_epoch = 0;  ///< the first epoch still to run
  BatcherState batcher;        ///< the shuffler, between epochs
  /// save_rng() text of every Dropout's generator, in the order of Module::children().
  std::vector<std::string> dropout_generators;
  double early_stopping_best = 0;               ///< EarlyStopping::best()
  std::size_t early_stopping_best_epoch = 0;    ///< EarlyStopping::best_epoch()
  std::size_t early_stopping_without = 0;       ///< EarlyStopping::epochs_without_improvement()
  std::size_t early_stopping_epochs = 0;        ///< EarlyStopping::epochs()
  StateDict<double> schedule;                   ///< the schedule's state(), if any
  TrainingHistory history;                      ///< the epochs run so far
};

/// Options of train().
template <class T>
struct TrainOptions {
  std::size_t epochs = 30;      ///< epochs to run (fewer if stopped early)
  std::size_t batch_size = 10;  ///< examples per mini-batch (the last one may be smaller)
  /// L1 regularisation λ₁: adds (λ₁/n) Σ|w| over weights to each mini-batch's loss.
  /// (L2 is the optimizer's WeightDecay, the book's rule w → (1 − ηλ/n)w.)
  double l1 = 0;
  /// n for the L1 term: the training-set size when 0.
  std::size_t regularization_size = 0;
  /// Data to evaluate on after each epoch (validation or test); nullptr for none.
  const Dataset<T>* evaluation = nullptr;
  Monitor monitor;  ///< what to measure after each epoch
  /// No-improvement-in-n on evaluation accuracy (requires evaluation data); 0 = off.
  std::size_t early_stopping = 0;
  /// Learning-rate schedule asked after each epoch with the evaluation accuracy (or the
  /// training cost when there is no evaluation data); nullptr keeps η fixed.
  LearningRateSchedule* schedule = nullptr;
  std::uint64_t seed = 0;  ///< seeds the per-epoch shuffles
  /// Called after each epoch (e.g. to print network2.py's lines).
  std::function<void(const EpochStats&)> on_epoch;
  /// Called after each mini-batch with (examples done, examples per epoch), e.g. for a
  /// progress bar.
  std::function<void(std::size_t, std::size_t)> on_progress;
  /// Called at the end of every completed epoch with the state to resume from (save it
  /// together with the module's and the optimizer's state()).
  std::function<void(const TrainerState&)> on_checkpoint;
  /// Continue the run this state came from (same model, data, options and seed; the
  /// module's and optimizer's states restored by the caller): single-threaded, the result
  /// is bit-identical to the uninterrupted run. nullptr starts afresh.
  const TrainerState* resume = nullptr;
  /// Train on several processes (see DataParallel): each computes the gradient of its share
  /// of every global mini-batch of `batch_size` rows, the gradients are summed, and
  /// monitoring is split across the processes and summed. on_epoch, on_progress and
  /// on_checkpoint are then called on rank 0 only. nullptr: this process alone.
  DataParallel<T>* data_parallel = nullptr;
};

/// Trains `model` (which maps inputs to the output layer's logits z) by mini-batch
/// stochastic gradient descent: for every epoch, shuffle the training data, and for every
/// mini-batch compute cost.on_logits(model(x), y) (+ the L1 term), backpropagate and take
/// one optimizer step. Monitoring runs without recording a graph, in evaluation mode.
///
/// A non-finite mini-batch cost stops training at once (StopReason::diverged, the message
/// names the epoch and the batch) with the parameters as they were before that batch's
/// step; a non-finite parameter is detected at the end of the epoch.
///
/// Throws std::invalid_argument for a zero batch size, empty training data, early stopping
/// without evaluation data, or data whose widths do not fit the model (via ShapeError).
template <class T>
TrainingHistory train(Module<T>& model, const Cost& cost, Optimizer<T>& optimizer,
                      const Dataset<T>& training, const TrainOptions<T>& options);

/// The outputs a = f(z) of `model` on `inputs`, in chunks, without recording a graph and in
/// evaluation mode.
template <class T>
Matrix<T> predict(Module<T>& model, const Cost& cost, const Matrix<T>& inputs);

/// Correct classifications of `model` on labelled `data` (argmax of the output vs. label).
template <class T>
std::size_t count_correct(Module<T>& model, const Dataset<T>& data);

/// network2.py's total_cost(data, λ): Σ_x C_x / len(data) + ½(λ/len(data)) Σ‖w‖², plus
/// (λ₁/len(data)) Σ|w| when l1 > 0.
template <class T>
double total_cost(Module<T>& model, const Cost& cost, const Dataset<T>& data, double lambda,
                  double l1 = 0);

/// "completed", "early stopping", "schedule" or "diverged".
const char* to_string(StopReason reason);

}  // namespace xgrad
