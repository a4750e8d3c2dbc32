#include "xgrad/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include "xgrad/autograd/blas.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/datasets/batcher.hpp"
#include "xgrad/datasets/random.hpp"
#include "xgrad/layers/penalty.hpp"
#include "xgrad/train/early_stopping.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

// Rows per forward pass when evaluating: bounds the memory of monitoring whatever the data
// size. Two costs pull in opposite directions:
// - A fresh chunk buffer is paid in page faults on its first use, about 12 µs per 4 KiB page
//   on the development VM: the 1.25 MB of 400 MNIST rows cost 3–4 ms, as much as the whole
//   evaluation of the book's network, whose products libxsmm runs as well on a few rows. So
//   small networks take chunks of at most kEvaluationChunkBytes of input, which also stay
//   in the second-level cache.
// - Products that go to OpenBLAS (above kSmallGemmLimit) repack the weights on every call, so
//   wide networks take kLargeEvaluationChunk rows to spread that over more rows.
// Measured with `xgrad-mnist --epochs 2 --monitor eval-acc` (monitor_seconds, 2 runs each):
// [784,30,10] first evaluation 8.4–8.5 ms with 400 rows, 5.3–5.4 ms with this rule's 41;
// [784,100,10] 17.0 → 12.2–12.3 ms; [784,1000,1000,10] 0.21 s with 400 rows, 0.26 s with 40.
constexpr std::size_t kEvaluationChunkBytes = std::size_t(128) << 10;
constexpr std::size_t kLargeEvaluationChunk = 400;

template <class T>
std::size_t evaluation_rows(const Module<T>& model, std::size_t input_width) {
  const std::size_t small = std::clamp<std::size_t>(
      kEvaluationChunkBytes / (std::max<std::size_t>(input_width, 1) * sizeof(T)), 16,
      kLargeEvaluationChunk);
  std::size_t largest = 0;  // elements of the largest weight: the largest product per row
  for (const Parameter<T>& p : model.parameters()) {
    largest = std::max(largest, p.var.value().size());
  }
  return double(small) * double(largest) > kSmallGemmLimit ? kLargeEvaluationChunk : small;
}

// Runs `f(z, first, rows)` on the logits of consecutive chunks of the n rows of `width`
// inputs that `load(first, rows, out)` copies, in evaluation mode and without a graph;
// restores the module's mode afterwards.
// Only rows [begin, end) when given (a process's share under data parallelism).
template <class T, class Load, class F>
void for_each_chunk(Module<T>& model, std::size_t n, std::size_t width, Load&& load, F&& f,
                    std::size_t begin = 0, std::size_t end = std::size_t(-1)) {
  const bool was_training = model.is_training();
  model.eval();
  NoGrad no_grad;
  n = std::min(end, n);
  const Var<T> x(Matrix<T>::from_shape({0, 0}));
  const std::size_t rows_per_chunk = evaluation_rows(model, width);
  for (std::size_t first = begin; first < n; first += rows_per_chunk) {
    const std::size_t rows = std::min(rows_per_chunk, n - first);
    Matrix<T>& chunk = x.mutable_value();
    if (chunk.shape()[0] != rows || chunk.shape()[1] != width) chunk.resize({rows, width});
    load(first, rows, chunk.data());
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

// Every module below `module` (itself included) that draws from a random generator
// (Dropout's masks), depth first in children() order: what checkpoints save and what data
// parallelism advances past the other processes' rows.
template <class T>
void collect_random_modules(Module<T>& module, std::vector<Module<T>*>& out) {
  if (module.random_generator()) out.push_back(&module);
  for (const auto& child : module.children()) collect_random_modules(*child.second, out);
}

// Draws each random module makes per example (row) in a training forward pass, found by
// running one row of zeros without a graph and counting how far each generator moved; the
// generators and the mode are restored afterwards.
template <class T>
std::vector<std::size_t> draws_per_row(Module<T>& model, const std::vector<Module<T>*>& randoms,
                                       std::size_t input_width) {
  std::vector<Rng> before;
  for (Module<T>* m : randoms) before.push_back(*m->random_generator());
  const bool was_training = model.is_training();
  model.train();
  {
    NoGrad no_grad;
    model.forward(Var<T>(Matrix<T>(xt::zeros<T>({std::size_t(1), input_width}))));
  }
  model.train(was_training);
  std::vector<std::size_t> draws(randoms.size(), 0);
  for (std::size_t i = 0; i < randoms.size(); ++i) {
    Rng walker = before[i];
    while (!(walker == *randoms[i]->random_generator())) {
      walker.discard(1);
      if (++draws[i] > (std::size_t(1) << 26)) {  // a custom layer drawing without bound
        throw InvalidArgument(fmt::format(
            "train: cannot count the draws of {} per example (more than 2^26)",
            randoms[i]->describe()));
      }
    }
    randoms[i]->set_random_generator(before[i]);
  }
  return draws;
}

// Advances every random module's generator past the draws of `rows` examples, as if it had
// drawn them: each process skips the other processes' rows, so the masks do not depend on N.
template <class T>
void skip_rows(const std::vector<Module<T>*>& randoms, const std::vector<std::size_t>& per_row,
               std::size_t rows) {
  if (rows == 0) return;
  for (std::size_t i = 0; i < randoms.size(); ++i) {
    Rng g = *randoms[i]->random_generator();
    g.discard(static_cast<unsigned long long>(rows) * per_row[i]);
    randoms[i]->set_random_generator(g);
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
  const std::size_t width = inputs.shape()[1];
  // Rows of a row-major matrix are contiguous: one memcpy, not an element-wise view copy.
  const auto load = [&](std::size_t first, std::size_t rows, T* chunk) {
    std::copy_n(inputs.data() + first * width, rows * width, chunk);
  };
  for_each_chunk(model, inputs.shape()[0], width, load,
                 [&](const Matrix<T>& z, std::size_t first, std::size_t rows) {
                   if (first == 0) out = xt::empty<T>({inputs.shape()[0], z.shape()[1]});
                   NoGrad no_grad;
                   xt::view(out, xt::range(first, first + rows), xt::all()) =
                       cost.activate(Var<T>(z)).value();
                 });
  return out;
}

namespace {

// for_each_chunk()'s loader of `data`'s inputs: from its bytes when it has them.
template <class T>
auto input_rows(const Dataset<T>& data) {
  return [&data](std::size_t first, std::size_t rows, T* out) {
    data.copy_input_rows(first, rows, out);
  };
}

// Correct classifications among rows [begin, end) of `data`.
template <class T>
std::size_t count_correct_rows(Module<T>& model, const Dataset<T>& data, std::size_t begin,
                               std::size_t end) {
  std::size_t correct = 0;
  for_each_chunk(
      model, data.size(), data.input_size(), input_rows(data),
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
      model, data.size(), data.input_size(), input_rows(data),
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
  return sum / double(size) + penalty_value(model, lambda, l1, size);
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

// `training`, after the checks that must come before a Batcher is made of it.
template <class T>
const Dataset<T>& checked_training(const Dataset<T>& training, const TrainOptions<T>& options) {
  if (options.batch_size == 0) throw InvalidArgument("train: batch size 0, expected ≥ 1");
  if (training.empty()) throw InvalidArgument("train: the training data is empty");
  return training;
}

}  // namespace

template <class T>
Trainer<T>::Trainer(Module<T>& model, const Cost& cost, Optimizer<T>& optimizer,
                    const Dataset<T>& training, const TrainOptions<T>& options)
    : model_(model),
      cost_(cost),
      optimizer_(optimizer),
      training_(training),
      options_(options),
      batcher_(checked_training(training, options), options.batch_size, options.seed),
      early_stopping_(options.early_stopping),
      input_(Matrix<T>::from_shape({0, 0})) {
  if (options.evaluation) check_widths(*options.evaluation, training, "evaluation");
  if (options.early_stopping > 0 && !options.evaluation) {
    throw InvalidArgument(
        "train: early stopping watches the evaluation accuracy, but no evaluation data was given");
  }
  apply_regularization(options.regularization);
  collect_random_modules(model, random_modules_);
  if (options.data_parallel && options.data_parallel->size() > 1) {
    data_parallel_ = options.data_parallel;
    if (optimizer.evaluates_objective()) {
      throw InvalidArgument(fmt::format(
          "train: {} evaluates the loss itself, which data-parallel training does not support "
          "(it reduces gradients, not objectives); use a first-order optimizer",
          optimizer.name()));
    }
    // Random modules draw row by row: each process skips the draws of the rows before and
    // after its share, so that it applies the masks one process would, and every process's
    // generators end each step in the same state (checkpoints and --resume with any N).
    if (!random_modules_.empty()) {
      draws_per_row_ = draws_per_row(model, random_modules_, training.input_size());
    }
  }
  history_.monitor = options.monitor;
  if (options.resume) restore(*options.resume);
}

template <class T>
void Trainer<T>::apply_regularization(const Regularization& r) {
  checked_hyperparameter("train", "regularization.l2", r.l2, 0.0,
                         std::numeric_limits<double>::infinity());
  checked_hyperparameter("train", "regularization.l1", r.l1, 0.0,
                         std::numeric_limits<double>::infinity());
  regularization_size_ = r.n ? r.n : training_.size();
  if (optimizer_.evaluates_objective()) {
    l2_in_loss_ = r.l2;  // no weight decay: the objective carries it
    return;
  }
  if (r.l2 > 0) {
    const WeightDecay own = optimizer_.weight_decay();
    const WeightDecay wanted{r.l2, regularization_size_};
    if (own.lambda > 0 && (own.lambda != wanted.lambda || own.n != wanted.n)) {
      throw InvalidArgument(fmt::format(
          "train: regularization.l2 = {} (n = {}) but the optimizer {} already has weight "
          "decay lambda = {} (n = {}); give L2 in one place",
          wanted.lambda, wanted.n, optimizer_.name(), own.lambda, own.n));
    }
    optimizer_.set_weight_decay(wanted);
  }
}

template <class T>
void Trainer<T>::restore(const TrainerState& state) {
  if (state.generators.size() != random_modules_.size()) {
    throw InvalidArgument(fmt::format(
        "train: the state to resume has {} dropout generators, the model {} Dropout layers",
        state.generators.size(), random_modules_.size()));
  }
  batcher_.restore(state.batcher);
  for (std::size_t i = 0; i < random_modules_.size(); ++i) {
    Rng generator;
    restore_rng(generator, state.generators[i]);
    random_modules_[i]->set_random_generator(generator);
  }
  early_stopping_.restore(state.early_stopping);
  if (options_.schedule) options_.schedule->load_state(state.schedule);
  history_ = state.history;
  history_.monitor = options_.monitor;  // the options say what this run measures
  epoch_ = state.next_epoch;
}

template <class T>
TrainerState Trainer<T>::state() const {
  TrainerState state;
  state.next_epoch = epoch_;
  state.batcher = batcher_.state();
  for (const Module<T>* m : random_modules_) state.generators.push_back(save_rng(*m->random_generator()));
  state.early_stopping = early_stopping_.state();
  if (options_.schedule) state.schedule = options_.schedule->state();
  state.history = history_;
  return state;
}

template <class T>
bool Trainer<T>::diverged(double cost, std::size_t batch) {
  if (std::isfinite(cost)) return false;
  history_.stop_reason = StopReason::diverged;
  history_.stop_message = fmt::format(
      "non-finite cost ({}) at epoch {}, batch {} (η = {}); the parameters are those "
      "before that batch",
      cost, epoch_, batch, optimizer_.learning_rate());
  return true;
}

template <class T>
double Trainer<T>::step(Batch<T>& batch) {
  const std::size_t n = regularization_size_;
  const double l1 = options_.regularization.l1, l2 = l2_in_loss_;
  if (!data_parallel_) {
    std::swap(input_.mutable_value(), batch.inputs);
    const auto loss_of_batch = [&] {
      Var<T> loss = cost_.on_logits(model_.forward(input_), batch.targets);
      if (l2 > 0) loss = loss + l2_penalty(model_, l2, n);
      if (l1 > 0) loss = loss + l1_penalty(model_, l1, n);
      return loss;
    };
    double value;
    if (optimizer_.evaluates_objective()) {
      value = optimizer_.step(loss_of_batch);
    } else {
      const Var<T> loss = loss_of_batch();
      value = double(loss.item());
      if (std::isfinite(value)) {
        optimizer_.zero_grad();
        loss.backward();
        optimizer_.step();
      }
    }
    std::swap(input_.mutable_value(), batch.inputs);
    return value;
  }

  // Data parallelism: this process's share of the global mini-batch. Its mean loss is
  // weighted by its share of the rows, so that the summed gradient is that of the mean over
  // the whole batch; the L1 term, a function of the (equal) parameters, is added by rank 0
  // only, so the sum counts it once. (L2 is the optimizer's weight decay, applied by every
  // process to the same summed gradient.) The cost is summed with the gradients, so every
  // process sees the same one and all stop together, before the step, when it is not
  // finite.
  DataParallel<T>& dp = *data_parallel_;
  const auto [first, last] = dp.share(batch.size());
  Var<T> loss;
  skip_rows(random_modules_, draws_per_row_, first);
  if (last > first) {
    copy_rows(batch.inputs, first, last, input_.mutable_value());
    copy_rows(batch.targets, first, last, share_);
    loss = cost_.on_logits(model_.forward(input_), share_) *
           (double(last - first) / double(batch.size()));
  }
  skip_rows(random_modules_, draws_per_row_, batch.size() - last);
  if (l1 > 0 && dp.rank() == 0) {
    loss = loss.defined() ? loss + l1_penalty(model_, l1, n) : l1_penalty(model_, l1, n);
  }
  std::vector<double> value{loss.defined() ? double(loss.item()) : 0.0};
  optimizer_.zero_grad();
  if (loss.defined()) loss.backward();
  dp.reduce_gradients(optimizer_.parameters(), value);
  if (std::isfinite(value[0])) optimizer_.step();
  return value[0];
}

template <class T>
bool Trainer<T>::train_pass(EpochStats& stats) {
  const bool is_root = !data_parallel_ || data_parallel_->rank() == 0;
  model_.train();
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0, batch_index = 0;
  while (Batch<T>* batch = batcher_.next()) {
    if (diverged(step(*batch), batch_index)) return false;
    done += batch->size();
    ++batch_index;
    if (options_.on_progress && is_root) options_.on_progress(done, training_.size());
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!all_finite(model_)) {
    history_.stop_reason = StopReason::diverged;
    history_.stop_message = fmt::format("a parameter became non-finite during epoch {}", epoch_);
    return false;
  }
  return true;
}

template <class T>
void Trainer<T>::monitor(EpochStats& stats) {
  DataParallel<T>* const dp = data_parallel_;
  const double lambda = monitored_l2(), l1 = options_.regularization.l1;
  const auto start = std::chrono::steady_clock::now();
  const Monitor& m = options_.monitor;
  if (m.training_cost) {
    stats.training_cost = total_cost_parallel(model_, cost_, training_, lambda, l1, dp);
  }
  if (m.training_accuracy) {
    stats.training_correct = count_correct_parallel(model_, training_, dp);
  }
  const Dataset<T>* evaluation = options_.evaluation;
  if (evaluation) {
    stats.evaluation_size = evaluation->size();
    if (m.evaluation_cost) {
      stats.evaluation_cost = total_cost_parallel(model_, cost_, *evaluation, lambda, l1, dp);
    }
    if (m.evaluation_accuracy || options_.early_stopping || options_.schedule) {
      stats.evaluation_correct = count_correct_parallel(model_, *evaluation, dp);
    }
  }
  stats.monitor_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <class T>
bool Trainer<T>::run_epoch() {
  if (over_ || epoch_ >= options_.epochs) return false;
  const bool is_root = !data_parallel_ || data_parallel_->rank() == 0;
  if (options_.schedule) optimizer_.set_learning_rate(options_.schedule->learning_rate());
  EpochStats stats;
  stats.epoch = epoch_;
  stats.learning_rate = optimizer_.learning_rate();
  stats.training_size = training_.size();
  if (!train_pass(stats)) {
    over_ = true;
    return false;
  }
  monitor(stats);
  history_.epochs.push_back(stats);
  if (options_.on_epoch && is_root) options_.on_epoch(stats);

  if (options_.early_stopping &&
      !early_stopping_.on_epoch_end(double(*stats.evaluation_correct))) {
    history_.stop_reason = StopReason::early_stopping;
    history_.stop_message = fmt::format(
        "no improvement in evaluation accuracy for {} epochs (best {} at epoch {})",
        options_.early_stopping, early_stopping_.best(), early_stopping_.best_epoch());
  }
  if (options_.schedule && history_.stop_reason == StopReason::completed) {
    // Without evaluation data the schedule watches the training cost (reused if monitored).
    const double metric =
        options_.evaluation
            ? double(*stats.evaluation_correct) / double(stats.evaluation_size)
        : stats.training_cost
            ? *stats.training_cost
            : total_cost_parallel(model_, cost_, training_, monitored_l2(),
                                  options_.regularization.l1, data_parallel_);
    if (!options_.schedule->on_epoch_end(metric)) {
      history_.stop_reason = StopReason::schedule;
      history_.stop_message =
          fmt::format("the schedule ended: {}", options_.schedule->describe());
    }
  }
  ++epoch_;
  if (options_.on_checkpoint && is_root) options_.on_checkpoint(state(), optimizer_);
  over_ = history_.stop_reason != StopReason::completed || epoch_ >= options_.epochs;
  return !over_;
}

template <class T>
TrainingHistory Trainer<T>::run() {
  while (run_epoch()) {
  }
  return history_;
}

template <class T>
TrainingHistory train(Module<T>& model, const Cost& cost, Optimizer<T>& optimizer,
                      const Dataset<T>& training, const TrainOptions<T>& options) {
  return Trainer<T>(model, cost, optimizer, training, options).run();
}

#define XGRAD_INSTANTIATE(T)                                                                   \
  template Matrix<T> predict<T>(Module<T>&, const Cost&, const Matrix<T>&);                    \
  template std::size_t count_correct<T>(Module<T>&, const Dataset<T>&);                        \
  template double total_cost<T>(Module<T>&, const Cost&, const Dataset<T>&, double, double);   \
  template TrainingHistory train<T>(Module<T>&, const Cost&, Optimizer<T>&, const Dataset<T>&, \
                                    const TrainOptions<T>&);                                  \
  template class Trainer<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
