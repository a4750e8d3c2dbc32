#pragma once
/// @file
/// The training loop: mini-batch SGD over any Module, with network2.py's monitoring,
/// early stopping, learning-rate schedules and divergence detection — the Trainer class,
/// whose steps (an epoch, the monitoring, the state to resume from) can be run one by one,
/// and train(), which runs them all.

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
#include <xgrad/train/data_parallel.hpp>
#include <xgrad/train/early_stopping.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/schedule.hpp>
#include <xgrad/autograd/var.hpp>

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

/// The result of train(): every epoch's measurements, stored once in `epochs`, with
/// network2.py's four per-epoch lists computed from them (empty when not monitored).
struct TrainingHistory {
  Monitor monitor;                                ///< what was measured after each epoch
  std::vector<EpochStats> epochs;                 ///< every completed epoch
  StopReason stop_reason = StopReason::completed; ///< why it ended
  std::string stop_message;  ///< e.g. "non-finite cost (nan) at epoch 3, batch 1207"

  /// Total cost on the evaluation data per epoch, if monitored.
  std::vector<double> evaluation_cost() const {
    return list(monitor.evaluation_cost, &EpochStats::evaluation_cost);
  }
  /// Correct evaluation classifications per epoch, if monitored.
  std::vector<std::size_t> evaluation_accuracy() const {
    return list(monitor.evaluation_accuracy, &EpochStats::evaluation_correct);
  }
  /// Total cost on the training data per epoch, if monitored.
  std::vector<double> training_cost() const {
    return list(monitor.training_cost, &EpochStats::training_cost);
  }
  /// Correct training classifications per epoch, if monitored.
  std::vector<std::size_t> training_accuracy() const {
    return list(monitor.training_accuracy, &EpochStats::training_correct);
  }

 private:
  // The values of one measurement over the epochs; none unless it was monitored (evaluation
  // accuracy is also measured, unlisted, for early stopping and the schedule).
  template <class V>
  std::vector<V> list(bool monitored, std::optional<V> EpochStats::*field) const {
    std::vector<V> out;
    if (!monitored) return out;
    for (const EpochStats& e : epochs) {
      if (e.*field) out.push_back(*(e.*field));
    }
    return out;
  }
};

/// What train() needs, besides the parameters and the optimizer's state, to continue a run
/// exactly where it stopped: the next epoch, the shuffling generator, the dropout
/// generators, the early-stopping counters, the schedule's state and the history so far.
/// train() hands one to TrainOptions::on_checkpoint after every epoch.
struct TrainerState {
  std::size_t next_epoch = 0;  ///< the first epoch still to run
  BatcherState batcher;        ///< the shuffler, between epochs
  /// save_rng() text of the generator of every module with a Module::random_generator()
  /// (Dropout's masks), depth first in the order of Module::children().
  std::vector<std::string> generators;
  EarlyStopping::State early_stopping;          ///< the early-stopping counters
  StateDict<double> schedule;                   ///< the schedule's state(), if any
  TrainingHistory history;                      ///< the epochs run so far
};

/// The chapter's regularisation of the weights (never the biases), described once; both
/// terms are divided by the same n.
///
/// How train() applies it: L2 through the optimizer's decoupled weight decay — the step
/// w → (1 − ηλ/n)w − η∇C₀ of eq. 93, exactly the step of adding λ/(2n) Σw² (eqs. 85–87)
/// to the loss — and L1 as (λ₁/n) Σ|w| (eq. 95) in each mini-batch's loss, whose gradient
/// (λ₁/n) sgn(w) gives the step of eqs. 96–97. An optimizer that evaluates the loss itself (L-BFGS, Hessian-free,
/// nonlinear CG) has no weight decay; it gets both terms in its objective.
struct Regularization {
  double l2 = 0;      ///< L2's λ (network2.py's lmbda); 0: none
  double l1 = 0;      ///< L1's λ₁; 0: none
  std::size_t n = 0;  ///< the n of λ/n and λ₁/n: the training-set size when 0
};

/// Options of train().
template <class T>
struct TrainOptions {
  std::size_t epochs = 30;      ///< epochs to run (fewer if stopped early)
  std::size_t batch_size = 10;  ///< examples per mini-batch (the last one may be smaller)
  /// L2 and L1 regularisation. train() sets the optimizer's weight decay to {l2, n} when
  /// l2 > 0 (an optimizer built with a different weight decay is refused, so that λ is
  /// given in one place); with l2 = 0 an optimizer's own weight decay stays in force.
  Regularization regularization;
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
  /// Called at the end of every completed epoch with the state to resume from and the
  /// optimizer (save them with the module: save_checkpoint()).
  std::function<void(const TrainerState&, const Optimizer<T>&)> on_checkpoint;
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

/// The training loop as separate, testable steps. train() is `Trainer(…).run()`; a program
/// that wants to act between epochs runs the steps itself:
/// @code
/// Trainer<float> trainer(model, cost, optimizer, training, options);
/// while (trainer.run_epoch()) save_checkpoint(path, model, cost, optimizer, trainer.state());
/// @endcode
/// Two hooks are where other machinery plugs in: TrainOptions::data_parallel reduces each
/// mini-batch's gradient across processes (see DataParallel), and an optimizer whose
/// evaluates_objective() is true (L-BFGS, Hessian-free, nonlinear CG) takes each step
/// through step(objective), evaluating the mini-batch's loss itself. The model, cost,
/// optimizer, data and the options' pointees must outlive the Trainer.
template <class T>
class Trainer {
 public:
  /// Validates the options, gives the optimizer the L2 weight decay of
  /// TrainOptions::regularization and, with TrainOptions::resume, restores that state.
  /// Throws InvalidArgument for a zero batch size, empty training data, early stopping
  /// without evaluation data, data whose widths do not fit each other, a negative or
  /// non-finite λ, an optimizer whose own weight decay differs from the regularisation's
  /// L2, a state to resume that does not fit the model, or an optimizer that evaluates
  /// the loss itself under data parallelism.
  Trainer(Module<T>& model, const Cost& cost, Optimizer<T>& optimizer,
          const Dataset<T>& training, const TrainOptions<T>& options);

  /// Runs the remaining epochs (run_epoch() until it returns false) and returns the history.
  TrainingHistory run();
  /// One epoch: the training pass, the monitoring, the early-stopping and schedule
  /// decisions, then on_epoch and on_checkpoint. Returns false once training is over
  /// (history().stop_reason says why; StopReason::completed after the last epoch).
  bool run_epoch();
  /// One pass over the shuffled training data, one step() per mini-batch, timed into
  /// `stats`. Returns false, with the history's stop reason set, when the cost or a
  /// parameter became non-finite.
  bool train_pass(EpochStats& stats);
  /// Measures what the Monitor asks, and what early stopping and the schedule need, into
  /// `stats` (split across processes under data parallelism), without a graph.
  void monitor(EpochStats& stats);
  /// One optimizer step on the mini-batch (its inputs are swapped into the model's input
  /// and back, not copied). Returns the mini-batch's cost — summed over processes under
  /// data parallelism — measured before the step; a non-finite cost takes no step.
  double step(Batch<T>& batch);
  /// What resuming needs to continue after the epochs run so far.
  TrainerState state() const;
  /// Continues from `state` (which must come from the same model, data and options).
  /// Throws InvalidArgument when its generators do not match the model's random modules.
  void restore(const TrainerState& state);

  /// The epochs run so far and why training stopped.
  const TrainingHistory& history() const noexcept { return history_; }
  /// The next epoch to run (0-based).
  std::size_t epoch() const noexcept { return epoch_; }

 private:
  bool diverged(double cost, std::size_t batch);
  void apply_regularization(const Regularization& regularization);
  // λ of the monitored total costs: the one in the loss, or else the optimizer's decay.
  double monitored_l2() const { return l2_in_loss_ + optimizer_.weight_decay().lambda; }

  Module<T>& model_;
  const Cost& cost_;
  Optimizer<T>& optimizer_;
  const Dataset<T>& training_;
  const TrainOptions<T>& options_;
  DataParallel<T>* data_parallel_ = nullptr;  // null with one process
  std::size_t regularization_size_ = 0;       // n of λ/n and λ₁/n
  double l2_in_loss_ = 0;                     // λ added to the loss (no weight decay)
  Batcher<T> batcher_;
  EarlyStopping early_stopping_;
  std::vector<Module<T>*> random_modules_;    // modules with a random_generator()
  std::vector<std::size_t> draws_per_row_;    // their draws per example (data parallelism)
  TrainingHistory history_;
  std::size_t epoch_ = 0;
  bool over_ = false;
  Var<T> input_;     // the model's input leaf; its buffer is swapped with the batch's
  Matrix<T> share_;  // this process's targets under data parallelism
};

/// Trains `model` (which maps inputs to the output layer's logits z) by mini-batch
/// stochastic gradient descent: for every epoch, shuffle the training data, and for every
/// mini-batch compute cost.on_logits(model(x), y) (+ the regularisation terms that are not
/// the optimizer's weight decay, see Regularization), backpropagate and take one optimizer
/// step. Monitoring runs without recording a graph, in evaluation mode.
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
