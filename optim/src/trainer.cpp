#include "xgrad/optim/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/datasets/batcher.hpp"
#include "xgrad/datasets/random.hpp"
#include "xgrad/layers/dropout.hpp"
#include "xgrad/layers/penalty.hpp"
#include "xgrad/optim/early_stopping.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

// Rows per forward pass when evaluating: bounds the memory of monitoring whatever the data
// size. 500 MNIST rows (1.5 MB in float32) measured fastest for the 10,000-image validation
// pass of [784,30,10]: 12.5–13 ms against 14–17 ms with 1,000 rows, 13.3 with 250 and 35+
// with the whole set at once (the copy into the input leaf then misses every cache).
constexpr std::size_t kEvaluationChunk = 500;

// Runs `f(z, first, rows)` on the logits of consecutive chunks of `inputs`, in evaluation
// mode and without a graph; restores the module's mode afterwards.
// Only rows [begin, end) when given (a process's share under data parallelism).
template <class T, class F>
void for_each_chunk(Module<T>& model, const Matrix<T>& inputs, F&& f, std::size_t begin = 0,
                    std::size_t end = std::size_t(-1)) {
  const bool was_training = model.is_training();
  model.eval();
  NoGrad no_grad;
  const std::size_t n = std::min(end, inputs.shape()[0]), width = inputs.shape()[1];
  const Var<T> x(Matrix<T>::from_shape({0, 0}));
  for (std::size_t first = begin; first < n; first += kEvaluationChunk) {
    const std::size_t rows = std::min(kEvaluationChunk, n - first);
    // Rows of a row-major matrix are contiguous: one memcpy, not an element-wise view copy.
    Matrix<T>& chunk = x.mutable_value();
    if (chunk.shape()[0] != rows || chunk.shape()[1] != width) chunk.resize({rows, width});
    std::copy_n(inputs.data() + first * width, rows * width, chunk.data());
    const Var<T> z = model.forward(x);
    f(z.value(), first, rows);
  }
  model.train(was_training);
}

template <class T>
std::size_t argmax_row(const Matrix<T>& m, std::size_t i) {
  std::size_t best = 0;
  for (std::size_t j = 1; j < m.shape()[1]; ++j) {
    if (m(i, j) > m(i, best)) best = j;
  }
  return best;
}

template <class T>
bool all_finite(const Module<T>& model) {
  for (const Parameter<T>& p : model.parameters()) {
    for (const T v : p.var.value()) {
      if (!std::isfinite(v)) return false;
    }
  }
  return true;
}

template <class T>
void check_widths(const Dataset<T>& data, const Dataset<T>& training, const char* what) {
  if (data.input_size() != training.input_size() || data.target_size() != training.target_size()) {
    throw InvalidArgument(fmt::format(
        "train: the {} data has {} inputs and {} targets per example, the training data {} and {}",
        what, data.input_size(), data.target_size(), training.input_size(),
        training.target_size()));
  }
}

// Every Dropout below `module`, depth first in children() order.
template <class T>
void collect_dropouts(Module<T>& module, std::vector<Dropout<T>*>& out) {
  if (auto* d = dynamic_cast<Dropout<T>*>(&module)) out.push_back(d);
  for (const auto& child : module.children()) collect_dropouts(*child.second, out);
}

// Draws each Dropout makes per example (row) in a training forward pass, found by running
// one row of zeros without a graph and counting how far each generator moved; the
// generators and the mode are restored afterwards.
template <class T>
std::vector<std::size_t> dropout_draws_per_row(Module<T>& model,
                                               const std::vector<Dropout<T>*>& dropouts,
                                               std::size_t input_width) {
  std::vector<Rng> before;
  for (Dropout<T>* d : dropouts) before.push_back(d->generator());
  const bool was_training = model.is_training();
  model.train();
  {
    NoGrad no_grad;
    model.forward(Var<T>(Matrix<T>(xt::zeros<T>({std::size_t(1), input_width}))));
  }
  model.train(was_training);
  std::vector<std::size_t> draws(dropouts.size(), 0);
  for (std::size_t i = 0; i < dropouts.size(); ++i) {
    Rng walker = before[i];
    while (!(walker == dropouts[i]->generator())) {
      walker.discard(1);
      if (++draws[i] > (std::size_t(1) << 26)) {  // a custom layer drawing without bound
        throw InvalidArgument(fmt::format(
            "train: cannot count the draws of Dropout layer {} per example (more than 2^26)", i));
      }
    }
    dropouts[i]->set_generator(before[i]);
  }
  return draws;
}

// Advances every Dropout's generator past the masks of `rows` examples, as if it had drawn
// them: each process skips the other processes' rows, so the masks do not depend on N.
template <class T>
void skip_dropout_rows(const std::vector<Dropout<T>*>& dropouts,
                       const std::vector<std::size_t>& draws_per_row, std::size_t rows) {
  if (rows == 0) return;
  for (std::size_t i = 0; i < dropouts.size(); ++i) {
    Rng g = dropouts[i]->generator();
    g.discard(static_cast<unsigned long long>(rows) * draws_per_row[i]);
    dropouts[i]->set_generator(g);
  }
}

}  // namespace

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::completed: return "completed";
    case StopReason::early_stopping: return "early stopping";
    case StopReason::schedule: return "schedule";
    case StopReason::diverged: return "diverged";
  }
  return "unknown";
}

template <class T>
Matrix<T> predict(Module<T>& model, const Cost& cost, const Matrix<T>& inputs) {
  Matrix<T> out;
  for_each_chunk(model, inputs, [&](const Matrix<T>& z, std::size_t first, std::size_t rows) {
    if (first == 0) out = xt::empty<T>({inputs.shape()[0], z.shape()[1]});
    NoGrad no_grad;
    xt::view(out, xt::range(first, first + rows), xt::all()) = cost.activate(Var<T>(z)).value();
  });
  return out;
}

namespace {

// Correct classifications among rows [begin, end) of `data`.
template <class T>
std::size_t count_correct_rows(Module<T>& model, const Dataset<T>& data, std::size_t begin,
                               std::size_t end) {
  std::size_t correct = 0;
  for_each_chunk(
      model, data.inputs(),
      [&](const Matrix<T>& z, std::size_t first, std::size_t rows) {
        for (std::size_t i = 0; i < rows; ++i) {
          // argmax of z is the argmax of the outputs: sigmoid and softmax are increasing.
          const std::size_t truth =
              data.has_labels() ? data.labels()[first + i] : argmax_row(data.targets(), first + i);
          correct += argmax_row(z, i) == truth;
        }
      },
      begin, end);
  return correct;
}

// Σ C_x over rows [begin, end) of `data`.
template <class T>
double cost_sum_rows(Module<T>& model, const Cost& cost, const Dataset<T>& data,
                     std::size_t begin, std::size_t end) {
  double sum = 0;
  for_each_chunk(
      model, data.inputs(),
      [&](const Matrix<T>& z, std::size_t first, std::size_t rows) {
        const Matrix<T> y = xt::view(data.targets(), xt::range(first, first + rows), xt::all());
        sum += double(cost.on_logits(Var<T>(z), y).item()) * double(rows);  // on_logits is a mean
      },
      begin, end);
  return sum;
}

// network2.py's total cost from Σ C_x over all n examples.
template <class T>
double total_cost_from_sum(const Module<T>& model, double sum, std::size_t size, double lambda,
                           double l1) {
  const double n = double(size);
  double squares = 0, absolutes = 0;
  for (const Parameter<T>& p : model.parameters()) {
    if (!p.is_weight()) continue;
    for (const T w : p.var.value()) {
      squares += double(w) * double(w);
      absolutes += std::abs(double(w));
    }
  }
  return sum / n + 0.5 * (lambda / n) * squares + (l1 / n) * absolutes;
}

}  // namespace

template <class T>
std::size_t count_correct(Module<T>& model, const Dataset<T>& data) {
  return count_correct_rows(model, data, 0, data.size());
}

template <class T>
double total_cost(Module<T>& model, const Cost& cost, const Dataset<T>& data, double lambda,
                  double l1) {
  if (data.empty()) return 0.0;
  return total_cost_from_sum(model, cost_sum_rows(model, cost, data, 0, data.size()), data.size(),
                             lambda, l1);
}

namespace {

// Measurements under data parallelism: each process measures its share, then they are summed.
template <class T>
std::size_t count_correct_parallel(Module<T>& model, const Dataset<T>& data,
                                   DataParallel<T>* dp) {
  if (!dp) return count_correct(model, data);
  const auto [begin, end] = dp->share(data.size());
  std::vector<double> correct{double(count_correct_rows(model, data, begin, end))};
  dp->sum(correct);
  return std::size_t(correct[0]);
}

template <class T>
double total_cost_parallel(Module<T>& model, const Cost& cost, const Dataset<T>& data,
                           double lambda, double l1, DataParallel<T>* dp) {
  if (!dp) return total_cost(model, cost, data, lambda, l1);
  if (data.empty()) return 0.0;
  const auto [begin, end] = dp->share(data.size());
  std::vector<double> sum{cost_sum_rows(model, cost, data, begin, end)};
  dp->sum(sum);
  return total_cost_from_sum(model, sum[0], data.size(), lambda, l1);
}

// Rows [first, last) of `from` into `to` (contiguous in a row-major matrix: one copy).
template <class T>
void copy_rows(const Matrix<T>& from, std::size_t first, std::size_t last, Matrix<T>& to) {
  const std::size_t width = from.shape()[1];
  if (to.shape()[0] != last - first || to.shape()[1] != width) to.resize({last - first, width});
  std::copy_n(from.data() + first * width, (last - first) * width, to.data());
}

}  // namespace

template <class T>
TrainingHistory train(Module<T>& model, const Cost& cost, Optimizer<T>& optimizer,
                      const Dataset<T>& training, const TrainOptions<T>& options) {
  if (options.batch_size == 0) throw InvalidArgument("train: batch size 0, expected ≥ 1");
  if (training.empty()) throw InvalidArgument("train: the training data is empty");
  if (options.evaluation) check_widths(*options.evaluation, training, "evaluation");
  if (options.early_stopping > 0 && !options.evaluation) {
    throw InvalidArgument(
        "train: early stopping watches the evaluation accuracy, but no evaluation data was given");
  }
  const std::size_t n = options.regularization_size ? options.regularization_size : training.size();
  const double lambda = optimizer.weight_decay().lambda;

  TrainingHistory history;
  Batcher<T> batcher(training, options.batch_size, options.seed);
  EarlyStopping early_stopping(options.early_stopping);
  std::vector<Dropout<T>*> dropouts;
  collect_dropouts(model, dropouts);
  std::size_t first_epoch = 0;
  if (const TrainerState* r = options.resume) {
    if (r->dropout_generators.size() != dropouts.size()) {
      throw InvalidArgument(fmt::format(
          "train: the state to resume has {} dropout generators, the model {} Dropout layers",
          r->dropout_generators.size(), dropouts.size()));
    }
    batcher.restore(r->batcher);
    for (std::size_t i = 0; i < dropouts.size(); ++i) {
      Rng generator;
      restore_rng(generator, r->dropout_generators[i]);
      dropouts[i]->set_generator(generator);
    }
    early_stopping.restore(r->early_stopping_best, r->early_stopping_best_epoch,
                           r->early_stopping_without, r->early_stopping_epochs);
    if (options.schedule) options.schedule->load_state(r->schedule);
    history = r->history;
    first_epoch = r->next_epoch;
  }
  // The input leaf whose buffer is swapped with the batcher's: no copy of the batch.
  const Var<T> x(Matrix<T>::from_shape({0, 0}));

  // Data parallelism: this process's share of each global mini-batch. Its mean loss is
  // weighted by its share of the rows, so that the summed gradient is that of the mean over
  // the whole batch; the L1 term, a function of the (equal) parameters, is added by rank 0
  // only, so the sum counts it once. (L2 is the optimizer's weight decay, applied by every
  // process to the same summed gradient.) The cost is summed with the gradients, so every
  // process sees the same one and all stop together, before the step, when it is not
  // finite (returning false).
  DataParallel<T>* const dp =
      options.data_parallel && options.data_parallel->size() > 1 ? options.data_parallel : nullptr;
  const bool is_root = !dp || dp->rank() == 0;
  Matrix<T> y_share;
  std::size_t epoch = first_epoch, batch_index = 0;
  // Dropout draws masks row by row: each process skips the draws of the rows before and
  // after its share, so that it applies the masks one process would, and every process's
  // generators end each step in the same state (checkpoints and --resume with any N).
  const std::vector<std::size_t> draws_per_row =
      dp && !dropouts.empty() ? dropout_draws_per_row(model, dropouts, training.input_size())
                              : std::vector<std::size_t>();
  const auto data_parallel_step = [&](const Batch<T>& batch) {
    const auto [first, last] = dp->share(batch.size());
    Var<T> loss;
    skip_dropout_rows(dropouts, draws_per_row, first);
    if (last > first) {
      copy_rows(batch.inputs, first, last, x.mutable_value());
      copy_rows(batch.targets, first, last, y_share);
      loss = cost.on_logits(model.forward(x), y_share) *
             (double(last - first) / double(batch.size()));
    }
    skip_dropout_rows(dropouts, draws_per_row, batch.size() - last);
    if (options.l1 > 0 && dp->rank() == 0) {
      loss = loss.defined() ? loss + l1_penalty(model, options.l1, n) : l1_penalty(model, options.l1, n);
    }
    std::vector<double> value{loss.defined() ? double(loss.item()) : 0.0};
    optimizer.zero_grad();
    if (loss.defined()) loss.backward();
    dp->reduce_gradients(optimizer.parameters(), value);
    if (!std::isfinite(value[0])) {
      history.stop_reason = StopReason::diverged;
      history.stop_message = fmt::format(
          "non-finite cost ({}) at epoch {}, batch {} (η = {}); the parameters are those "
          "before that batch",
          value[0], epoch, batch_index, optimizer.learning_rate());
      return false;
    }
    optimizer.step();
    return true;
  };

  for (; epoch < options.epochs; ++epoch) {
    if (options.schedule) optimizer.set_learning_rate(options.schedule->learning_rate());
    EpochStats stats;
    stats.epoch = epoch;
    stats.learning_rate = optimizer.learning_rate();
    stats.training_size = training.size();
    model.train();
    const auto start = std::chrono::steady_clock::now();
    std::size_t done = 0;
    batch_index = 0;
    while (Batch<T>* batch = batcher.next()) {
      if (dp) {
        if (!data_parallel_step(*batch)) return history;
        done += batch->size();
        ++batch_index;
        if (options.on_progress && is_root) options.on_progress(done, training.size());
        continue;
      }
      std::swap(x.mutable_value(), batch->inputs);
      Var<T> loss = cost.on_logits(model.forward(x), batch->targets);
      if (options.l1 > 0) loss = loss + l1_penalty(model, options.l1, n);
      const T value = loss.item();
      if (!std::isfinite(value)) {
        std::swap(x.mutable_value(), batch->inputs);
        history.stop_reason = StopReason::diverged;
        history.stop_message = fmt::format(
            "non-finite cost ({}) at epoch {}, batch {} (η = {}); the parameters are those "
            "before that batch",
            value, epoch, batch_index, optimizer.learning_rate());
        return history;
      }
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      std::swap(x.mutable_value(), batch->inputs);
      done += batch->size();
      ++batch_index;
      if (options.on_progress && is_root) options.on_progress(done, training.size());
    }
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!all_finite(model)) {
      history.stop_reason = StopReason::diverged;
      history.stop_message = fmt::format("a parameter became non-finite during epoch {}", epoch);
      return history;
    }

    const auto monitor_start = std::chrono::steady_clock::now();
    const Monitor& m = options.monitor;
    if (m.training_cost) {
      stats.training_cost = total_cost_parallel(model, cost, training, lambda, options.l1, dp);
      history.training_cost.push_back(*stats.training_cost);
    }
    if (m.training_accuracy) {
      stats.training_correct = count_correct_parallel(model, training, dp);
      history.training_accuracy.push_back(*stats.training_correct);
    }
    const bool needs_eval_accuracy =
        options.evaluation && (m.evaluation_accuracy || options.early_stopping || options.schedule);
    if (options.evaluation) {
      stats.evaluation_size = options.evaluation->size();
      if (m.evaluation_cost) {
        stats.evaluation_cost =
            total_cost_parallel(model, cost, *options.evaluation, lambda, options.l1, dp);
        history.evaluation_cost.push_back(*stats.evaluation_cost);
      }
      if (needs_eval_accuracy) {
        stats.evaluation_correct = count_correct_parallel(model, *options.evaluation, dp);
      }
      if (m.evaluation_accuracy) history.evaluation_accuracy.push_back(*stats.evaluation_correct);
    }
    stats.monitor_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - monitor_start).count();
    history.epochs.push_back(stats);
    if (options.on_epoch && is_root) options.on_epoch(stats);

    if (options.early_stopping &&
        !early_stopping.on_epoch_end(double(*stats.evaluation_correct))) {
      history.stop_reason = StopReason::early_stopping;
      history.stop_message = fmt::format(
          "no improvement in evaluation accuracy for {} epochs (best {} at epoch {})",
          options.early_stopping, early_stopping.best(), early_stopping.best_epoch());
    }
    if (options.schedule && history.stop_reason == StopReason::completed) {
      // Without evaluation data the schedule watches the training cost (reused if monitored).
      const double metric = options.evaluation
          ? double(*stats.evaluation_correct) / double(stats.evaluation_size)
          : stats.training_cost ? *stats.training_cost
                                : total_cost_parallel(model, cost, training, lambda, options.l1, dp);
      if (!options.schedule->on_epoch_end(metric)) {
        history.stop_reason = StopReason::schedule;
        history.stop_message = fmt::format("the schedule ended: {}", options.schedule->describe());
      }
    }
    if (options.on_checkpoint && is_root) {
      TrainerState state;
      state.next_epoch = epoch + 1;
      state.batcher = batcher.state();
      for (Dropout<T>* d : dropouts) state.dropout_generators.push_back(save_rng(d->generator()));
      state.early_stopping_best = early_stopping.best();
      state.early_stopping_best_epoch = early_stopping.best_epoch();
      state.early_stopping_without = early_stopping.epochs_without_improvement();
      state.early_stopping_epochs = early_stopping.epochs();
      if (options.schedule) state.schedule = options.schedule->state();
      state.history = history;
      options.on_checkpoint(state);
    }
    if (history.stop_reason != StopReason::completed) return history;
  }
  return history;
}

#define XGRAD_INSTANTIATE(T)                                                                   \
  template Matrix<T> predict<T>(Module<T>&, const Cost&, const Matrix<T>&);                    \
  template std::size_t count_correct<T>(Module<T>&, const Dataset<T>&);                        \
  template double total_cost<T>(Module<T>&, const Cost&, const Dataset<T>&, double, double);   \
  template TrainingHistory train<T>(Module<T>&, const Cost&, Optimizer<T>&, const Dataset<T>&, \
                                    const TrainOptions<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
