#include "chapter3/runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "chapter3/statistics.hpp"
#include "common/record.hpp"

namespace xgrad::examples::chapter3 {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

const char* to_string(EvalData e) { return e == EvalData::test ? "test" : "validation"; }

std::string RunSpec::key() const {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}{}{}{}", fmt::join(sizes, ","), quadratic,
                     int(init), eta, lambda, epochs, batch, train_size, int(eval), eval_size,
                     monitor.evaluation_cost, monitor.evaluation_accuracy, monitor.training_cost,
                     monitor.training_accuracy);
}

std::string RunSpec::describe() const {
  return fmt::format("[{}], {}, {} init, η = {}, λ = {}, mini-batch {}, {} epochs, {} training "
                     "images, {} {} images",
                     fmt::join(sizes, ","), quadratic ? "quadratic" : "cross-entropy",
                     init == Init::large ? "large" : "default", eta, lambda, batch, epochs,
                     train_size, eval_size, to_string(eval));
}

std::string encode(const Run& run) {
  RecordWriter w;
  w.put(std::uint64_t(run.final_correct)).put(std::uint64_t(run.eval_size)).put(run.seconds);
  w.put(std::uint64_t(run.history.stop_reason)).put(run.history.stop_message);
  const Monitor& m = run.history.monitor;
  for (bool flag : {m.evaluation_cost, m.evaluation_accuracy, m.training_cost, m.training_accuracy}) {
    w.put(std::uint64_t(flag));
  }
  w.put(std::uint64_t(run.history.epochs.size()));
  for (const EpochStats& e : run.history.epochs) {
    w.put(std::uint64_t(e.epoch)).put(e.learning_rate).put(e.seconds).put(e.monitor_seconds);
    w.put(e.training_cost).put(e.training_correct).put(std::uint64_t(e.training_size));
    w.put(e.evaluation_cost).put(e.evaluation_correct).put(std::uint64_t(e.evaluation_size));
  }
  return w.text();
}

Run decode(const std::string& text, const RunSpec& spec, std::uint64_t seed) {
  RecordReader r(text);
  Run run;
  run.spec = spec;
  run.seed = seed;
  run.final_correct = std::size_t(r.natural());
  run.eval_size = std::size_t(r.natural());
  run.seconds = r.real();
  run.history.stop_reason = StopReason(r.natural());
  run.history.stop_message = r.string();
  Monitor& m = run.history.monitor;
  for (bool* flag : {&m.evaluation_cost, &m.evaluation_accuracy, &m.training_cost,
                     &m.training_accuracy}) {
    *flag = r.natural() != 0;
  }
  run.history.epochs.resize(std::size_t(r.natural()));
  for (EpochStats& e : run.history.epochs) {
    e.epoch = std::size_t(r.natural());
    e.learning_rate = r.real();
    e.seconds = r.real();
    e.monitor_seconds = r.real();
    e.training_cost = r.optional_real();
    e.training_correct = r.optional_natural();
    e.training_size = std::size_t(r.natural());
    e.evaluation_cost = r.optional_real();
    e.evaluation_correct = r.optional_natural();
    e.evaluation_size = std::size_t(r.natural());
  }
  return run;
}

template <class T>
Lab<T>::Lab(const Options& options, mnist::Split<T> split, std::string data_description)
    : options_(options),
      split_(std::move(split)),
      data_(std::move(data_description)),
      progress_({Progress::Style::steps, true, "epoch", 30.0}) {}

template <class T>
std::vector<std::uint64_t> Lab<T>::seeds() const {
  std::vector<std::uint64_t> s;
  for (std::size_t i = 0; i < seed_count(); ++i) s.push_back(options_.seed + i);
  return s;
}

template <class T>
RunSpec Lab<T>::scaled(RunSpec spec) const {
  if (!quick() || spec.fixed) return spec;
  spec.epochs = std::max<std::size_t>(2, spec.epochs / 10);
  spec.train_size = std::min<std::size_t>(spec.train_size, 5000);
  spec.eval_size = std::min<std::size_t>(spec.eval_size, 2000);
  return spec;
}

template <class T>
std::vector<const Run*> Lab<T>::runs(const RunSpec& spec) {
  std::vector<const Run*> out;
  for (std::uint64_t seed : seeds()) out.push_back(&run(spec, seed));
  return out;
}

template <class T>
const Run& Lab<T>::run(const RunSpec& requested, std::uint64_t seed) {
  const RunSpec spec = scaled(requested);
  const std::string key = spec.key() + fmt::format("|seed {}", seed);
  if (auto it = cache_.find(key); it != cache_.end()) {
    if (auto first = prefetched_.find(key); first != prefetched_.end() && first->second) {
      first->second = false;  // trained for this experiment, elsewhere
      ++trained_;
      prefetched_seconds_ += it->second->seconds;
    } else {
      ++reused_;
    }
    return *it->second;
  }
  if (!prefetched_.empty()) {
    fmt::print(stderr, "note: {} seed {} was not in the plan; trained on rank 0\n", spec.label, seed);
  }
  std::unique_ptr<Run> run = train(spec, seed, true);
  ++trained_;
  fmt::print("    {}\n", summary_line(*run));
  std::fflush(stdout);
  return *cache_.emplace(key, std::move(run)).first->second;
}

template <class T>
std::unique_ptr<Run> Lab<T>::train(const RunSpec& spec, std::uint64_t seed, bool show) {
  auto run = std::make_unique<Run>();
  run->spec = spec;
  run->seed = seed;
  const Dataset<T>& training = subset(split_.training, spec.train_size);
  const Dataset<T>& evaluation =
      subset(spec.eval == EvalData::test ? split_.test : split_.validation, spec.eval_size);
  run->eval_size = evaluation.size();

  NetworkOptions network;
  network.init = spec.init;
  network.seed = seed;
  Network<T> net(spec.sizes, spec.quadratic ? Cost::quadratic() : Cost::cross_entropy(), network);
  SgdOptions<T> sgd;
  sgd.regularization.l2 = spec.lambda;
  const Monitor& m = spec.monitor;
  if (m.evaluation_accuracy || m.evaluation_cost) sgd.evaluation = &evaluation;
  sgd.monitor = m;
  sgd.seed = seed;
  if (show) {
    progress_.start(fmt::format("{} seed {}", spec.label, seed));
    sgd.on_epoch = [&](const EpochStats& e) {
      std::string status;
      if (e.evaluation_correct) {
        status = fmt::format(", {} accuracy {:.2f}%", to_string(spec.eval),
                             100.0 * double(*e.evaluation_correct) / double(e.evaluation_size));
      } else if (e.training_cost) {
        status = fmt::format(", training cost {:.4f}", *e.training_cost);
      }
      progress_.update(e.epoch + 1, spec.epochs, status);
    };
  }
  const auto start = Clock::now();
  run->history = net.sgd(training, spec.epochs, spec.batch, spec.eta, sgd);
  run->final_correct = run->history.evaluation_accuracy().empty() ||
                               run->history.stop_reason != StopReason::completed
                           ? net.accuracy(evaluation)
                           : run->history.evaluation_accuracy().back();
  run->seconds = seconds_since(start);
  if (show) progress_.finish();
  return run;
}

template <class T>
std::string Lab<T>::summary_line(const Run& run) {
  const std::vector<double> acc = series(run, Quantity::eval_accuracy);
  std::string summary =
      fmt::format("final {} accuracy {:.2f}%", to_string(run.spec.eval), final_eval(run));
  if (!acc.empty() && std::isfinite(best_of(acc))) {
    summary = fmt::format("best {} accuracy {:.2f}% at epoch {}, ", to_string(run.spec.eval),
                          best_of(acc), arg_best(acc) + 1) + summary;
  }
  return fmt::format("{} seed {}: {} ({:.1f} s){}", run.spec.label, run.seed, summary, run.seconds,
                     run.history.stop_reason == StopReason::completed
                         ? ""
                         : fmt::format(" — stopped: {}", run.history.stop_message));
}

template <class T>
std::size_t Lab<T>::prefetch(const std::vector<RunSpec>& specs, const Processes& processes) {
  std::vector<std::pair<RunSpec, std::uint64_t>> todo;
  std::vector<std::string> keys;
  for (const RunSpec& requested : specs) {
    const RunSpec spec = scaled(requested);
    for (std::uint64_t seed : seeds()) {
      const std::string key = spec.key() + fmt::format("|seed {}", seed);
      if (cache_.count(key) || std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      todo.emplace_back(spec, seed);
      keys.push_back(key);
    }
  }
  // The longest runs first (examples trained and evaluated × weights), so that the last
  // ones to finish are short and no process idles long at the end.
  std::vector<double> cost(todo.size());
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const RunSpec& s = todo[i].first;
    double weights = 0;
    for (std::size_t l = 0; l + 1 < s.sizes.size(); ++l) weights += double(s.sizes[l] * s.sizes[l + 1]);
    const bool evaluates = s.monitor.evaluation_accuracy || s.monitor.evaluation_cost;
    const bool on_training = s.monitor.training_accuracy || s.monitor.training_cost;
    cost[i] = double(s.epochs) * weights *
              (3.0 * double(s.train_size) + (evaluates ? double(s.eval_size) : 0.0) +
               (on_training ? double(s.train_size) : 0.0));
  }
  std::vector<std::size_t> order(todo.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });

  std::size_t done = 0;
  const std::vector<std::string> results = processes.run_tasks(
      todo.size(),
      [&](std::size_t i) { return encode(*train(todo[i].first, todo[i].second, false)); },
      [&](std::size_t i, int rank, const std::string& text) {
        const Run run = decode(text, todo[i].first, todo[i].second);
        fmt::print("    [{}/{}] {} on rank {}\n", ++done, todo.size(), summary_line(run), rank);
        std::fflush(stdout);
      },
      order);
  for (std::size_t i = 0; i < todo.size(); ++i) {
    cache_.emplace(keys[i], std::make_unique<Run>(decode(results[i], todo[i].first, todo[i].second)));
    prefetched_[keys[i]] = true;
  }
  return todo.size();
}

template <class T>
const Dataset<T>& Lab<T>::subset(const Dataset<T>& data, std::size_t n) {
  if (n >= data.size()) return data;
  const auto key = std::make_pair(&data, n);
  auto it = subsets_.find(key);
  if (it == subsets_.end()) it = subsets_.emplace(key, data.head(n)).first;
  return it->second;
}

template class Lab<float>;
template class Lab<double>;

}  // namespace xgrad::examples::chapter3
