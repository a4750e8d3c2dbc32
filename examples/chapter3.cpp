// xgrad-chapter3: the experiments #1–#15 of chapter 3 of "Neural Networks and Deep
// Learning", each with the book's hyper-parameters, a table "book vs
// measured" (mean and spread over seeds), the per-epoch histories as CSV and plots shaped
// like the book's graphs (gnuplot).
//
//   xgrad-chapter3 4 9 10                 experiments by number …
//   xgrad-chapter3 overfitting init       … or by name (--list shows them)
//   xgrad-chapter3 all                    everything, and the report docs/REPRODUCTION.md
//   xgrad-chapter3 6 --quick              a smoke run: fewer epochs, smaller data, one seed
//
// Runs shared by several experiments (e.g. #6 is #8's baseline) are trained once per seed.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "cli.hpp"
#include "gnuplot.hpp"
#include "toy_neuron.hpp"

using namespace xgrad;
using namespace xgrad::examples;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------------------
// Options

struct Options {
  std::vector<std::string> experiments;
  std::string data;
  fs::path out = "chapter3";
  std::string report;  // empty: docs/REPRODUCTION.md for `all` (out/REPRODUCTION.md with --quick)
  bool no_report = false;
  std::size_t seeds = 0;  // 0: 3 (1 with --quick)
  std::uint64_t seed = 1;
  bool quick = false;
  std::string dtype = "f32";
  int threads = 1;
  bool no_plots = false;
  bool all = false;
};

// ---------------------------------------------------------------------------------------
// Statistics over seeds

struct Summary {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = 0, min = mean, max = mean;
  std::size_t n = 0;
};

Summary summarize(const std::vector<double>& values) {
  Summary s;
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  s.n = v.size();
  if (v.empty()) return s;
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double squares = 0;
  for (double x : v) squares += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(squares / double(v.size() - 1)) : 0.0;  // sample sd
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  return s;
}

// "95.37%", or with several seeds "95.37% ± 0.05 (95.30–95.44)".
std::string format_summary(const Summary& s, int decimals, const std::string& unit) {
  if (s.n == 0) return "n/a";
  std::string text = fmt::format("{:.{}f}{}", s.mean, decimals, unit);
  if (s.n > 1) {
    text += fmt::format(" ± {:.{}f} ({:.{}f}–{:.{}f})", s.sd, decimals, s.min, decimals, s.max,
                        decimals);
  }
  return text;
}

// ---------------------------------------------------------------------------------------
// Results of one experiment

enum class Verdict { none, pass, fail };

Verdict verdict(bool ok) { return ok ? Verdict::pass : Verdict::fail; }

struct Row {
  std::string quantity, book, measured, target;
  Verdict verdict = Verdict::none;
  bool headline = false;  // also shown in the report's summary table
};

struct Plot {
  fs::path png;
  std::string caption;
};

struct Result {
  std::string label;  // "#6", "#1–#3"
  std::string key, title, setup;
  std::vector<Row> rows;
  std::vector<std::string> notes;
  std::vector<Plot> plots;
  std::vector<fs::path> files;
  std::size_t seeds = 0;
  std::size_t runs_trained = 0, runs_reused = 0;
  double seconds = 0;
};

// ---------------------------------------------------------------------------------------
// One training run of a network on MNIST

enum class EvalData { test, validation };

const char* to_string(EvalData e) { return e == EvalData::test ? "test" : "validation"; }

struct RunSpec {
  std::string label;  // for plots and progress
  std::vector<std::size_t> sizes = {784, 30, 10};
  bool quadratic = false;  // cost: cross-entropy unless quadratic
  Init init = Init::large;
  double eta = 0.5, lambda = 0;
  std::size_t epochs = 30, batch = 10;
  std::size_t train_size = 50000;  // the first n training images
  EvalData eval = EvalData::test;
  std::size_t eval_size = 10000;
  Monitor monitor{false, true, false, false};  // evaluation accuracy only
  bool fixed = false;  // not scaled down by --quick (the experiment chose its quick plan)

  // Everything that determines the result (with the seed): the cache key.
  std::string key() const {
    return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}{}{}{}", fmt::join(sizes, ","), quadratic,
                       int(init), eta, lambda, epochs, batch, train_size, int(eval), eval_size,
                       monitor.evaluation_cost, monitor.evaluation_accuracy, monitor.training_cost,
                       monitor.training_accuracy);
  }
  std::string describe() const {
    return fmt::format("[{}], {}, {} init, η = {}, λ = {}, mini-batch {}, {} epochs, {} training "
                       "images, {} {} images",
                       fmt::join(sizes, ","), quadratic ? "quadratic" : "cross-entropy",
                       init == Init::large ? "large" : "default", eta, lambda, batch, epochs,
                       train_size, eval_size, to_string(eval));
  }
};

struct Run {
  RunSpec spec;  // as trained (after --quick scaling)
  std::uint64_t seed = 0;
  TrainingHistory history;
  std::size_t final_correct = 0, eval_size = 0;  // evaluation accuracy after the last epoch
  double seconds = 0;
};

// Per-epoch quantities of a run.
enum class Quantity { eval_accuracy, eval_cost, train_accuracy, train_cost };

std::vector<double> series(const Run& run, Quantity q) {
  std::vector<double> out;
  for (const EpochStats& e : run.history.epochs) {
    const auto percent = [](const std::optional<std::size_t>& c, std::size_t n) {
      return c ? 100.0 * double(*c) / double(n) : std::numeric_limits<double>::quiet_NaN();
    };
    const auto value = [](const std::optional<double>& v) {
      return v ? *v : std::numeric_limits<double>::quiet_NaN();
    };
    switch (q) {
      case Quantity::eval_accuracy: out.push_back(percent(e.evaluation_correct, e.evaluation_size)); break;
      case Quantity::eval_cost: out.push_back(value(e.evaluation_cost)); break;
      case Quantity::train_accuracy: out.push_back(percent(e.training_correct, e.training_size)); break;
      case Quantity::train_cost: out.push_back(value(e.training_cost)); break;
    }
  }
  return out;
}

double best_of(const std::vector<double>& v) {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (double x : v) {
    if (std::isfinite(x) && !(x <= best)) best = x;
  }
  return best;
}

// Index of the first maximum (or minimum) of v; -1 if empty.
double arg_best(const std::vector<double>& v, bool maximum = true) {
  double best_index = -1, best = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) continue;
    if (best_index < 0 || (maximum ? v[i] > best : v[i] < best)) {
      best = v[i];
      best_index = double(i);
    }
  }
  return best_index;
}

double mean_between(const std::vector<double>& v, std::size_t first, std::size_t last) {
  std::vector<double> part;
  for (std::size_t i = first; i < std::min(last, v.size()); ++i) part.push_back(v[i]);
  return summarize(part).mean;
}

// A statistic of each run, summarised over the runs (the seeds).
template <class F>
Summary over(const std::vector<const Run*>& runs, F&& statistic) {
  std::vector<double> values;
  for (const Run* r : runs) values.push_back(statistic(*r));
  return summarize(values);
}

double best_eval(const Run& r) { return best_of(series(r, Quantity::eval_accuracy)); }

bool diverged(const Run& r) { return r.history.stop_reason == StopReason::diverged; }
double final_eval(const Run& r) { return 100.0 * double(r.final_correct) / double(r.eval_size); }

// statistic(a[i]) − statistic(b[i]) for each seed i, summarised: a difference between two
// configurations measured on the same seeds.
template <class F>
Summary paired(const std::vector<const Run*>& a, const std::vector<const Run*>& b, F&& statistic) {
  std::vector<double> d;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) d.push_back(statistic(*a[i]) - statistic(*b[i]));
  return summarize(d);
}

// The mean curve of a quantity over the runs with its min–max band; epoch numbers from 1,
// as in the book's graphs (a value "at epoch 1" is measured after one epoch of training).
Curve mean_curve(const std::vector<const Run*>& runs, Quantity q, std::string title) {
  Curve c;
  c.title = std::move(title);
  std::vector<std::vector<double>> all;
  std::size_t epochs = 0;
  for (const Run* r : runs) {
    all.push_back(series(*r, q));
    epochs = std::max(epochs, all.back().size());
  }
  for (std::size_t e = 0; e < epochs; ++e) {
    std::vector<double> at;
    for (const auto& s : all) {
      if (e < s.size()) at.push_back(s[e]);
    }
    const Summary s = summarize(at);
    c.x.push_back(double(e + 1));
    c.y.push_back(s.mean);
    if (runs.size() > 1) {
      c.low.push_back(s.min);
      c.high.push_back(s.max);
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------
// Progress on long runs: a line redrawn on a terminal, a line every 30 s otherwise.

class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) != 0) {}
  void start(std::string what) {
    what_ = std::move(what);
    start_ = last_ = Clock::now();
  }
  void update(std::size_t epoch, std::size_t epochs, const std::string& status) {
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (since < (tty_ ? 0.1 : 30.0) && epoch + 1 < epochs) return;
    last_ = now;
    const double elapsed = seconds_since(start_);
    const double eta = elapsed / double(epoch + 1) * double(epochs - epoch - 1);
    const std::string line = fmt::format("    {}: epoch {}/{}{}, {:.0f} s, ETA {:.0f} s", what_,
                                         epoch + 1, epochs, status, elapsed, eta);
    if (tty_) {
      fmt::print(stderr, "\r{:<100.100}", line);
    } else if (epoch + 1 < epochs) {
      fmt::print("{}\n", line);
      std::fflush(stdout);
    }
  }
  void finish() {
    if (tty_) fmt::print(stderr, "\r{:100}\r", "");
  }

 private:
  bool tty_;
  std::string what_;
  Clock::time_point start_, last_;
};

// ---------------------------------------------------------------------------------------
// The laboratory: the data, the seeds, and every run trained so far.

template <class T>
class Lab {
 public:
  Lab(const Options& options, mnist::Split<T> split, std::string data_description)
      : options_(options), split_(std::move(split)), data_(std::move(data_description)) {}

  const Options& options() const { return options_; }
  bool quick() const { return options_.quick; }
  const std::string& data_description() const { return data_; }
  std::size_t seed_count() const { return options_.seeds ? options_.seeds : (quick() ? 1 : 3); }
  std::vector<std::uint64_t> seeds() const {
    std::vector<std::uint64_t> s;
    for (std::size_t i = 0; i < seed_count(); ++i) s.push_back(options_.seed + i);
    return s;
  }
  std::size_t trained() const { return trained_; }
  std::size_t reused() const { return reused_; }

  // --quick: a tenth of the epochs (at least 2), at most 5,000 training and 2,000
  // evaluation images.
  RunSpec scaled(RunSpec spec) const {
    if (!quick() || spec.fixed) return spec;
    spec.epochs = std::max<std::size_t>(2, spec.epochs / 10);
    spec.train_size = std::min<std::size_t>(spec.train_size, 5000);
    spec.eval_size = std::min<std::size_t>(spec.eval_size, 2000);
    return spec;
  }

  // The runs of `spec` for every seed (trained now or earlier).
  std::vector<const Run*> runs(const RunSpec& spec) {
    std::vector<const Run*> out;
    for (std::uint64_t seed : seeds()) out.push_back(&run(spec, seed));
    return out;
  }

  const Run& run(const RunSpec& requested, std::uint64_t seed) {
    const RunSpec spec = scaled(requested);
    const std::string key = spec.key() + fmt::format("|seed {}", seed);
    if (auto it = cache_.find(key); it != cache_.end()) {
      ++reused_;
      return *it->second;
    }
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
    sgd.lambda = spec.lambda;
    const Monitor& m = spec.monitor;
    if (m.evaluation_accuracy || m.evaluation_cost) sgd.evaluation_data = &evaluation;
    sgd.monitor_evaluation_accuracy = m.evaluation_accuracy;
    sgd.monitor_evaluation_cost = m.evaluation_cost;
    sgd.monitor_training_accuracy = m.training_accuracy;
    sgd.monitor_training_cost = m.training_cost;
    sgd.seed = seed;
    progress_.start(fmt::format("{} seed {}", spec.label, seed));
    sgd.on_epoch = [&](const EpochStats& e) {
      std::string status;
      if (e.evaluation_correct) {
        status = fmt::format(", {} accuracy {:.2f}%", to_string(spec.eval),
                             100.0 * double(*e.evaluation_correct) / double(e.evaluation_size));
      } else if (e.training_cost) {
        status = fmt::format(", training cost {:.4f}", *e.training_cost);
      }
      progress_.update(e.epoch, spec.epochs, status);
    };
    const auto start = Clock::now();
    run->history = net.sgd(training, spec.epochs, spec.batch, spec.eta, sgd);
    run->final_correct = run->history.evaluation_accuracy.empty() ||
                                 run->history.stop_reason != StopReason::completed
                             ? net.accuracy(evaluation)
                             : run->history.evaluation_accuracy.back();
    run->seconds = seconds_since(start);
    progress_.finish();
    ++trained_;

    const std::vector<double> acc = series(*run, Quantity::eval_accuracy);
    std::string summary = fmt::format("final {} accuracy {:.2f}%", to_string(spec.eval), final_eval(*run));
    if (!acc.empty() && std::isfinite(best_of(acc))) {
      summary = fmt::format("best {} accuracy {:.2f}% at epoch {}, ", to_string(spec.eval),
                            best_of(acc), arg_best(acc) + 1) + summary;
    }
    fmt::print("    {} seed {}: {} ({:.1f} s){}\n", spec.label, seed, summary, run->seconds,
               run->history.stop_reason == StopReason::completed
                   ? ""
                   : fmt::format(" — stopped: {}", run->history.stop_message));
    std::fflush(stdout);
    return *cache_.emplace(key, std::move(run)).first->second;
  }

 private:
  // The first n examples of `data` (a copy made once per size; `data` itself when n covers it).
  const Dataset<T>& subset(const Dataset<T>& data, std::size_t n) {
    if (n >= data.size()) return data;
    const auto key = std::make_pair(&data, n);
    auto it = subsets_.find(key);
    if (it == subsets_.end()) it = subsets_.emplace(key, data.head(n)).first;
    return it->second;
  }

  const Options& options_;
  mnist::Split<T> split_;
  std::string data_;
  std::map<std::string, std::unique_ptr<Run>> cache_;
  std::map<std::pair<const Dataset<T>*, std::size_t>, Dataset<T>> subsets_;
  std::size_t trained_ = 0, reused_ = 0;
  Progress progress_;
};

// ---------------------------------------------------------------------------------------
// Output files

// Per-epoch histories of runs, one line per (run, seed, epoch); accuracies as fractions.
void write_histories(const fs::path& path, const std::string& experiment,
                     const std::vector<const Run*>& runs) {
  std::ofstream out(path);
  out << "experiment,run,seed,epoch,learning_rate,seconds,training_cost,training_accuracy,"
         "evaluation,evaluation_cost,evaluation_accuracy\n";
  const auto opt = [](const auto& v) { return v ? fmt::format("{:.8g}", double(*v)) : std::string(); };
  for (const Run* r : runs) {
    for (const EpochStats& e : r->history.epochs) {
      const auto frac = [](const std::optional<std::size_t>& c, std::size_t n) {
        return c ? fmt::format("{:.6f}", double(*c) / double(n)) : std::string();
      };
      out << fmt::format("{},\"{}\",{},{},{},{:.4f},{},{},{},{},{}\n", experiment, r->spec.label,
                         r->seed, e.epoch + 1, e.learning_rate, e.seconds, opt(e.training_cost),
                         frac(e.training_correct, e.training_size), to_string(r->spec.eval),
                         opt(e.evaluation_cost), frac(e.evaluation_correct, e.evaluation_size));
    }
  }
  if (!out) throw std::runtime_error("could not write " + path.string());
}

// Writes the figure's script (stem.gp) and, unless --no-plots, draws stem.png.
void draw(const Options& options, Result& result, const std::string& stem, const Figure& figure,
          const std::string& caption) {
  const fs::path png = options.out / (stem + ".png");
  const fs::path gp = options.out / (stem + ".gp");
  const std::string script = figure_script(figure, png);
  std::ofstream(gp) << script;
  result.files.push_back(gp);
  if (options.no_plots) return;
  if (!run_gnuplot(script)) {
    result.notes.push_back(fmt::format("gnuplot could not draw {} (is gnuplot installed?)", png.string()));
    return;
  }
  result.files.push_back(png);
  result.plots.push_back({png, caption});
}

std::string seed_list(const std::vector<std::uint64_t>& seeds) {
  return fmt::format("{}", fmt::join(seeds, ", "));
}

// Prints an experiment's table.
void print_result(const Result& r) {
  fmt::print("\n{} {} — {:.1f} s\n", r.label, r.title, r.seconds);
  std::size_t w0 = 8, w1 = 4, w2 = 8;
  for (const Row& row : r.rows) {
    w0 = std::max(w0, row.quantity.size());
    w1 = std::max(w1, row.book.size());
    w2 = std::max(w2, row.measured.size());
  }
  w0 = std::min<std::size_t>(w0, 60);
  fmt::print("  {:<{}}  {:<{}}  {:<{}}  {}\n", "quantity", w0, "book", w1, "measured", w2, "target");
  for (const Row& row : r.rows) {
    const char* mark = row.verdict == Verdict::pass ? "  ok" : row.verdict == Verdict::fail ? "  MISSED" : "";
    fmt::print("  {:<{}}  {:<{}}  {:<{}}  {}{}\n", row.quantity, w0, row.book, w1, row.measured, w2,
               row.target, mark);
  }
  for (const std::string& n : r.notes) fmt::print("  note: {}\n", n);
  for (const fs::path& f : r.files) fmt::print("  wrote {}\n", f.string());
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------
// The experiments

template <class T>
struct Context {
  Lab<T>& lab;
  Result& result;
  const Options& options() const { return lab.options(); }
  // A verdict, or none in a --quick run (whose numbers are not comparable with the book's).
  Verdict check(bool ok) const { return lab.quick() ? Verdict::none : verdict(ok); }
  void row(std::string quantity, std::string book, std::string measured, std::string target = "",
           Verdict v = Verdict::none, bool headline = false) {
    result.rows.push_back({std::move(quantity), std::move(book), std::move(measured),
                           std::move(target), v, headline});
  }
  // The runs of `spec` over the seeds; a run that diverged is noted in the result.
  std::vector<const Run*> runs(const RunSpec& spec) {
    std::vector<const Run*> out = lab.runs(spec);
    for (const Run* r : out) {
      if (r->history.stop_reason != StopReason::diverged) continue;
      const std::string note = fmt::format("{} (seed {}) diverged: {}.", r->spec.label, r->seed,
                                           r->history.stop_message);
      if (std::find(result.notes.begin(), result.notes.end(), note) == result.notes.end()) {
        result.notes.push_back(note);
      }
    }
    return out;
  }
  // Writes the per-epoch histories of the groups of runs as the experiment's CSV.
  void histories(std::initializer_list<std::vector<const Run*>> groups) {
    std::vector<const Run*> runs;
    for (const auto& g : groups) runs.insert(runs.end(), g.begin(), g.end());
    const fs::path csv = options().out / (result.key + ".csv");
    write_histories(csv, result.key, runs);
    result.files.push_back(csv);
  }
  void draw(const Figure& figure, const std::string& caption) {
    ::draw(options(), result, result.key, figure, caption);
  }
  // A figure of one panel.
  void draw(Panel panel, const std::string& caption) {
    Figure f;
    f.panels = {std::move(panel)};
    draw(f, caption);
  }
};

std::string pct(const Summary& s) { return format_summary(s, 2, "%"); }
std::string pp(const Summary& s) { return format_summary(s, 2, " pp"); }
std::string num(const Summary& s, int decimals = 1) { return format_summary(s, decimals, ""); }
std::string epoch_of(const Summary& s) { return format_summary(s, 0, ""); }

Panel accuracy_panel(std::string title, std::string ylabel = "accuracy (%)", std::vector<Curve> curves = {}) {
  Panel p;
  p.title = std::move(title);
  p.xlabel = "epoch";
  p.ylabel = std::move(ylabel);
  p.curves = std::move(curves);
  return p;
}

// #1–#3: the toy neuron.
template <class T>
void slowdown(Context<T>& c) {
  const int epochs = 300;
  std::vector<NeuronRun> runs = book_neuron_runs();
  for (NeuronRun& r : runs) train_neuron(r, epochs);
  const auto one = [](double v) { Summary s = summarize({v}); return s; };
  const auto q = [](const NeuronRun& r) { return summarize({double(epochs_before_learning(r))}); };
  c.row("#1 quadratic from (0.6, 0.9), η = 0.15: output after 300 epochs", "≈ 0.09",
        num(one(runs[0].output.back()), 3), "0.09 ± 0.01",
        verdict(std::abs(runs[0].output.back() - 0.09) <= 0.01), true);
  c.row("#1 epochs before the fastest learning (half the largest one-epoch fall)", "learns at once",
        epoch_of(q(runs[0])), "");
  c.row("#2 quadratic from (2, 2), η = 0.15: output after 300 epochs", "learns eventually",
        num(one(runs[1].output.back()), 3), "< 0.5", verdict(runs[1].output.back() < 0.5));
  c.row("#2 epochs before the fastest learning", "~150 (nearly flat)", epoch_of(q(runs[1])),
        "≥ 100", verdict(epochs_before_learning(runs[1]) >= 100), true);
  c.row("#2 share of the cost gone in the first 100 epochs", "nearly flat",
        format_summary(one(100.0 * (1 - runs[1].value[100] / runs[1].value[0])), 1, "%"), "< 10%",
        verdict(runs[1].value[100] > 0.9 * runs[1].value[0]));
  for (int i : {2, 3}) {
    c.row(fmt::format("#3 cross-entropy from {}, η = 0.005: epochs before the fastest learning",
                      i == 2 ? "(0.6, 0.9)" : "(2, 2)"),
          "0 (learns fast from the start)", epoch_of(q(runs[std::size_t(i)])), "≤ 5",
          verdict(epochs_before_learning(runs[std::size_t(i)]) <= 5), i == 3);
  }
  c.result.notes.push_back(
      "'Epochs before the fastest learning' is the first epoch whose cost decrease reaches half "
      "the largest one-epoch decrease of the run: 0 when learning is fastest at the start, large "
      "after a plateau. The toy neuron is deterministic (no seed).");
  const fs::path csv = c.options().out / (c.result.key + ".csv");
  write_neuron_csv(csv, runs, epochs);
  c.result.files.push_back(csv);
  const fs::path png = c.options().out / (c.result.key + ".png");
  const fs::path gp = c.options().out / (c.result.key + ".gp");
  const std::string script = neuron_plot_script(csv, png);
  std::ofstream(gp) << script;
  c.result.files.push_back(gp);
  if (!c.options().no_plots) {
    if (run_gnuplot(script)) {
      c.result.files.push_back(png);
      c.result.plots.push_back({png, "Cost and output of the toy neuron per epoch (#1–#3)"});
    } else {
      c.result.notes.push_back("gnuplot could not draw " + png.string());
    }
  }
  c.result.seeds = 1;
  c.result.runs_trained = runs.size();
}

// The full training set, monitoring training and test accuracy (#4, #5, #7, #9).
RunSpec full_data(double lambda) {
  RunSpec s;
  s.label = fmt::format("50,000 images λ = {}", lambda);
  s.lambda = lambda;
  s.monitor = {false, true, false, true};
  return s;
}

// #4 / #5: cross-entropy on the full data, with chapter 1's quadratic network for comparison.
template <class T>
void cross_entropy(Context<T>& c, std::size_t hidden, double book, double book_quadratic) {
  RunSpec ce = full_data(0);  // #7 is the same run, so it is trained once
  ce.label = fmt::format("[784,{},10] cross-entropy η = 0.5", hidden);
  ce.sizes = {784, hidden, 10};
  RunSpec quad = ce;
  quad.monitor.training_accuracy = false;
  quad.label = fmt::format("[784,{},10] quadratic η = 3.0", hidden);
  quad.quadratic = true;
  quad.eta = 3.0;
  const auto ce_runs = c.runs(ce), quad_runs = c.runs(quad);
  const Summary best = over(ce_runs, best_eval);
  c.row("best test accuracy, cross-entropy, η = 0.5", fmt::format("{:.2f}%", book), pct(best),
        fmt::format("{:.2f}% ± 0.5 pp", book), c.check(std::abs(best.mean - book) <= 0.5), true);
  c.row("test accuracy after the last epoch", "", pct(over(ce_runs, final_eval)));
  c.row("best test accuracy, quadratic, η = 3.0 (chapter 1's network.py)",
        fmt::format("{:.2f}%", book_quadratic), pct(over(quad_runs, best_eval)));
  if (hidden == 100) {
    RunSpec small = ce;  // #4's runs
    small.sizes = {784, 30, 10};
    small.label = "[784,30,10] cross-entropy η = 0.5";
    const auto small_runs = c.runs(small);
    const Summary g = paired(ce_runs, small_runs, best_eval);
    c.row("gain over 30 hidden neurons (#4), same seeds", "+1.33 pp (96.82 − 95.49)", pp(g), "> 0",
          c.check(g.mean > 0));
  }
  const Summary quad_best = over(quad_runs, best_eval);
  if (quad_best.n > 1 && quad_best.max - quad_best.min > 2.0) {
    c.result.notes.push_back(fmt::format(
        "The quadratic runs vary widely between seeds ({:.2f}% to {:.2f}%), while the "
        "cross-entropy runs agree within {:.2f} pp. With the large initialization many sigmoid "
        "neurons start saturated, and under the quadratic cost their gradient carries the factor "
        "σ'(z) ≈ 0 (the slowdown of #2), so how far a run gets depends on its start. Chapter 1 "
        "of the book also remarks that this experiment varies a lot from run to run.",
        quad_best.min, quad_best.max, best.max - best.min));
  }
  c.histories({ce_runs, quad_runs});
  c.draw(accuracy_panel(fmt::format("[784,{},10], large init, mini-batch 10: test accuracy", hidden),
                        "accuracy (%)",
                        {mean_curve(ce_runs, Quantity::eval_accuracy, "cross-entropy, η = 0.5"),
                         mean_curve(quad_runs, Quantity::eval_accuracy, "quadratic, η = 3.0")}),
         "Test accuracy per epoch, cross-entropy vs chapter 1's quadratic cost (mean over "
                "seeds, band = min–max)");
}

// #6 / #8: 1,000 training images, 400 epochs, all four monitors.
RunSpec small_data(double lambda) {
  RunSpec s;
  s.label = lambda > 0 ? fmt::format("1,000 images λ = {}", lambda) : "1,000 images λ = 0";
  s.train_size = 1000;
  s.epochs = 400;
  s.lambda = lambda;
  s.monitor = {true, true, true, true};
  return s;
}

template <class T>
void overfitting(Context<T>& c) {
  const auto runs = c.runs(small_data(0));
  const std::size_t epochs = runs.front()->spec.epochs;
  const Summary best = over(runs, best_eval);
  c.row("best test accuracy", "≈ 82.27%", pct(best), "low 80s (80–85%)",
        c.check(best.mean >= 80 && best.mean <= 85), true);
  const Summary best_epoch = over(runs, [](const Run& r) {
    return arg_best(series(r, Quantity::eval_accuracy)) + 1;
  });
  c.row("epoch of the best test accuracy", "≈ 280 (plateau)", epoch_of(best_epoch));
  const Summary train_final = over(runs, [](const Run& r) {
    return series(r, Quantity::train_accuracy).back();
  });
  c.row("training accuracy after the last epoch", "100%", pct(train_final), "100%",
        c.check(train_final.min == 100.0), true);
  c.row("first epoch with 100% training accuracy", "", epoch_of(over(runs, [](const Run& r) {
          const auto s = series(r, Quantity::train_accuracy);
          for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == 100.0) return double(i + 1);
          }
          return std::numeric_limits<double>::quiet_NaN();
        })));
  const Summary cost_min = over(runs, [](const Run& r) {
    return arg_best(series(r, Quantity::eval_cost), false) + 1;
  });
  c.row("epoch of the minimum test cost", "≈ 15", epoch_of(cost_min),
        "long before the accuracy peak", c.check(cost_min.max < best_epoch.min / 2));
  c.row("test accuracy: mean of the last quarter of the epochs − mean of the second quarter", "plateau",
        pp(over(runs, [epochs](const Run& r) {
          const auto s = series(r, Quantity::eval_accuracy);
          return mean_between(s, epochs - epochs / 4, epochs) - mean_between(s, epochs / 4, epochs / 2);
        })));
  c.histories({runs});
  Figure f;
  f.columns = 2;
  f.width = 640;
  f.height = 420;
  Panel cost = accuracy_panel("Cost on the training data", "cost");
  cost.key = "top right";
  cost.curves = {mean_curve(runs, Quantity::train_cost, "training cost")};
  Panel acc = accuracy_panel("Accuracy on the test data");
  acc.curves = {mean_curve(runs, Quantity::eval_accuracy, "test accuracy")};
  Panel test_cost = accuracy_panel("Cost on the test data", "cost");
  test_cost.key = "top left";
  test_cost.curves = {mean_curve(runs, Quantity::eval_cost, "test cost")};
  Panel train_acc = accuracy_panel("Accuracy on the training data");
  train_acc.curves = {mean_curve(runs, Quantity::train_accuracy, "training accuracy")};
  f.panels = {cost, acc, test_cost, train_acc};
  f.title = "[784,30,10] on the first 1,000 training images, η = 0.5, no regularization";
  c.draw(f, "The four monitors of the overfitting run (#6), as the book's four graphs");
}

template <class T>
void regularization_small(Context<T>& c) {
  const auto runs = c.runs(small_data(0.1));
  const auto base = c.runs(small_data(0));
  const std::size_t epochs = runs.front()->spec.epochs;
  const Summary best = over(runs, best_eval);
  c.row("best test accuracy, λ = 0.1", "well above #6's ≈ 82.27%", pct(best));
  c.row("best test accuracy, λ = 0 (#6, same seeds)", "≈ 82.27%", pct(over(base, best_eval)));
  const Summary g = paired(runs, base, best_eval);
  c.row("gain of the peak over #6", "well above", pp(g), "≥ 2 pp", c.check(g.min >= 2), true);
  const auto rise = [epochs](const Run& r) {
    const auto s = series(r, Quantity::eval_accuracy);
    return mean_between(s, epochs - epochs / 4, epochs) - mean_between(s, epochs / 4, epochs / 2);
  };
  const Summary still = over(runs, rise);
  c.row("test accuracy: mean of the last quarter of the epochs − mean of the second quarter", "keeps rising",
        pp(still), fmt::format("> #6's {}", pp(over(base, rise))),
        c.check(still.mean > over(base, rise).mean));
  c.row("training accuracy after the last epoch", "", pct(over(runs, [](const Run& r) {
          return series(r, Quantity::train_accuracy).back();
        })));
  c.histories({runs, base});
  Figure f;
  f.columns = 2;
  f.width = 640;
  f.height = 440;
  Panel acc = accuracy_panel("Accuracy on the test data");
  acc.curves = {mean_curve(runs, Quantity::eval_accuracy, "λ = 0.1"),
                mean_curve(base, Quantity::eval_accuracy, "λ = 0 (#6)")};
  Panel cost = accuracy_panel("Cost on the training data (λ = 0.1)", "cost");
  cost.key = "top right";
  cost.curves = {mean_curve(runs, Quantity::train_cost, "training cost")};
  f.panels = {acc, cost};
  f.title = "[784,30,10] on 1,000 training images, 400 epochs: L2 regularization";
  c.draw(f, "Regularized (#8) vs unregularized (#6) test accuracy, and #8's training cost");
}


double best_train(const Run& r) { return best_of(series(r, Quantity::train_accuracy)); }
double final_gap(const Run& r) {
  return series(r, Quantity::train_accuracy).back() - series(r, Quantity::eval_accuracy).back();
}

Figure train_vs_test(const std::vector<std::pair<std::vector<const Run*>, std::string>>& groups,
                     const std::string& title) {
  Figure f;
  Panel p = accuracy_panel(title);
  for (const auto& [runs, name] : groups) {
    p.curves.push_back(mean_curve(runs, Quantity::train_accuracy, "training, " + name));
    p.curves.push_back(mean_curve(runs, Quantity::eval_accuracy, "test, " + name));
  }
  f.panels = {p};
  return f;
}

template <class T>
void overfitting_full(Context<T>& c) {
  const auto runs = c.runs(full_data(0));
  const Summary train = over(runs, best_train), test = over(runs, best_eval);
  c.row("best training accuracy", "97.86%", pct(train), "", Verdict::none, true);
  c.row("best test accuracy", "95.33%", pct(test), "", Verdict::none, true);
  c.row("best training − best test accuracy", "2.53 pp (97.86 − 95.33)",
        pp(over(runs, [](const Run& r) { return best_train(r) - best_eval(r); })));
  const Summary gap = over(runs, final_gap);
  c.row("training − test accuracy after the last epoch", "", pp(gap), "> 0 (some overfitting)",
        c.check(gap.min > 0));
  c.histories({runs});
  c.draw(train_vs_test({{runs, "λ = 0"}}, "[784,30,10], 50,000 images, η = 0.5, no regularization"),
         "Training vs test accuracy per epoch on the full training set, unregularized (#7)");
}

template <class T>
void regularization_full(Context<T>& c) {
  const auto runs = c.runs(full_data(5.0));
  const auto base = c.runs(full_data(0));
  const Summary best = over(runs, best_eval);
  c.row("best test accuracy, λ = 5.0", "96.49%", pct(best), "96.49% ± 0.5 pp",
        c.check(std::abs(best.mean - 96.49) <= 0.5), true);
  c.row("test accuracy after the last epoch", "", pct(over(runs, final_eval)));
  const Summary gap = over(runs, final_gap);
  c.row("training − test accuracy after the last epoch", "under 1 pp", pp(gap), "< 1 pp",
        c.check(gap.mean < 1.0), true);
  c.row("the same gap without regularization (#7, same seeds)", "", pp(over(base, final_gap)));
  const Summary g = paired(runs, base, best_eval);
  c.row("gain of the best test accuracy over #7", "+1.16 pp (96.49 − 95.33)", pp(g), "> 0", c.check(g.mean > 0));
  c.histories({runs, base});
  c.draw(train_vs_test({{runs, "λ = 5"}, {base, "λ = 0 (#7)"}},
                           "[784,30,10], 50,000 images, η = 0.5"),
         "Training vs test accuracy with λ = 5.0 (#9) and without (#7)");
}

// #10 / #11: [784,100,10] with λ = 5 on the validation data.
RunSpec hundred(double eta, std::size_t epochs) {
  RunSpec s;
  s.label = fmt::format("[784,100,10] λ = 5 η = {} {} epochs", eta, epochs);
  s.sizes = {784, 100, 10};
  s.lambda = 5.0;
  s.eta = eta;
  s.epochs = epochs;
  s.eval = EvalData::validation;
  return s;
}

template <class T>
void hundred_short(Context<T>& c) {
  const auto runs = c.runs(hundred(0.5, 30));
  const Summary best = over(runs, best_eval);
  c.row("best validation accuracy", "97.92%", pct(best), "≥ 97.5%", c.check(best.mean >= 97.5), true);
  c.row("validation accuracy after the last epoch", "", pct(over(runs, final_eval)));
  c.histories({runs});
  c.draw(accuracy_panel("[784,100,10], λ = 5.0, η = 0.5: validation accuracy", "accuracy (%)",
                        {mean_curve(runs, Quantity::eval_accuracy, "validation accuracy")}),
         "Validation accuracy per epoch of [784,100,10] with λ = 5.0 (#10)");
}

template <class T>
void hundred_long(Context<T>& c) {
  const auto runs = c.runs(hundred(0.1, 60));
  const auto base = c.runs(hundred(0.5, 30));
  const Summary best = over(runs, best_eval);
  c.row("best validation accuracy", "98.04%", pct(best), "> 98% (the book: 'breaks 98%')",
        c.check(best.mean > 98.0), true);
  const auto above = std::count_if(runs.begin(), runs.end(), [](const Run* r) { return best_eval(*r) > 98.0; });
  c.row("seeds whose best validation accuracy is above 98%", "the book's one run: 98.04%",
        fmt::format("{} of {}", above, runs.size()));
  const Summary g = paired(runs, base, best_eval);
  c.row("gain over #10 (η = 0.5, 30 epochs), same seeds", "+0.12 pp (98.04 − 97.92)", pp(g), "> 0", c.check(g.mean > 0));
  c.histories({runs, base});
  c.draw(accuracy_panel("[784,100,10], λ = 5.0: validation accuracy", "accuracy (%)",
                        {mean_curve(runs, Quantity::eval_accuracy, "η = 0.1, 60 epochs (#11)"),
                         mean_curve(base, Quantity::eval_accuracy, "η = 0.5, 30 epochs (#10)")}),
         "Validation accuracy per epoch: η = 0.1 for 60 epochs (#11) vs η = 0.5 for 30 (#10)");
}

// #12: large vs default initialization.
template <class T>
void initialization(Context<T>& c) {
  RunSpec large;
  large.label = "large init N(0,1)";
  large.lambda = 5.0;
  large.eta = 0.1;
  large.eval = EvalData::validation;
  RunSpec standard = large;
  standard.label = "default init N(0,1/n_in)";
  standard.init = Init::standard;
  const auto l = c.runs(large), d = c.runs(standard);
  const auto first = [](const Run& r) { return series(r, Quantity::eval_accuracy).front(); };
  c.row("validation accuracy after epoch 1, default init", "far ahead", pct(over(d, first)));
  c.row("validation accuracy after epoch 1, large init", "", pct(over(l, first)));
  const Summary ahead = paired(d, l, first);
  c.row("lead of the default init after epoch 1", "far ahead", pp(ahead), "≥ 2 pp",
        c.check(ahead.min >= 2), true);
  const Summary bd = over(d, best_eval), bl = over(l, best_eval);
  c.row("best validation accuracy, default init", "> 96%", pct(bd), "> 96%", c.check(bd.mean > 96));
  c.row("best validation accuracy, large init", "> 96%", pct(bl), "> 96%", c.check(bl.mean > 96));
  const Summary same = paired(d, l, best_eval);
  c.row("default − large, best validation accuracy", "about the same", pp(same), "within ±0.5 pp",
        c.check(std::abs(same.mean) <= 0.5), true);
  c.histories({l, d});
  c.draw(accuracy_panel("[784,30,10], λ = 5.0, η = 0.1: validation accuracy", "accuracy (%)",
                        {mean_curve(d, Quantity::eval_accuracy, "default init: w ~ N(0, 1/n_in)"),
                         mean_curve(l, Quantity::eval_accuracy, "large init: w ~ N(0, 1)")}),
         "Validation accuracy per epoch with the default and the large initialization (#12)");
}

// #13: η = 10, λ = 1000 gives chance; the book's quick-feedback walk-through on [784,10].
template <class T>
void chance(Context<T>& c) {
  RunSpec bad;
  bad.label = "[784,30,10] η = 10 λ = 1000";
  bad.init = Init::standard;  // network2.Network([784, 30, 10]) as the book types it
  bad.eta = 10.0;
  bad.lambda = 1000.0;
  bad.eval = EvalData::validation;
  const auto runs = c.runs(bad);
  const Summary best = over(runs, best_eval);
  c.row("best validation accuracy, [784,30,10], η = 10, λ = 1000", "chance (~10%)", pct(best),
        "≤ 12%", c.check(best.max <= 12.0), true);
  c.row("validation accuracy after the last epoch", "chance (~10%)", pct(over(runs, final_eval)));
  // Quick feedback: [784,10], 1,000 training images, 100 validation images.
  std::vector<const Run*> all = runs;
  Figure f;
  Panel p = accuracy_panel("[784,10], 1,000 training images: accuracy on 100 validation images");
  p.key = "outside right";
  for (const auto& [eta, lambda] : std::vector<std::pair<double, double>>{{10, 1000}, {10, 20}, {100, 20}, {1, 20}}) {
    RunSpec feedback;
    feedback.label = fmt::format("[784,10] η = {} λ = {}", eta, lambda);
    feedback.sizes = {784, 10};
    feedback.init = Init::standard;
    feedback.eta = eta;
    feedback.lambda = lambda;
    feedback.train_size = 1000;
    feedback.eval = EvalData::validation;
    feedback.eval_size = 100;
    feedback.fixed = true;  // already quick
    const auto q = c.runs(feedback);
    const std::size_t failed = std::size_t(std::count_if(q.begin(), q.end(), [](const Run* r) { return diverged(*r); }));
    c.row(fmt::format("quick feedback: [784,10], η = {}, λ = {}: best of 100 validation images", eta, lambda),
          "", failed == q.size() ? fmt::format("diverged in epoch {} ({} of {} seeds)",
                                               q.front()->history.epochs.size() + 1, failed, q.size())
                                 : pct(over(q, best_eval)));
    all.insert(all.end(), q.begin(), q.end());
    p.curves.push_back(mean_curve(q, Quantity::eval_accuracy, fmt::format("η = {}, λ = {}", eta, lambda)));
  }
  c.result.notes.push_back(
      "The [784,10] rows follow the book's 'broad strategy' walk-through (1,000 training images, "
      "100 validation images, feedback in a fraction of a second); BOOK.md gives no numbers for "
      "them. With η = 10 and λ = 1000 every step multiplies the weights by 1 − ηλ/n = 0.8 "
      "(n = 50,000), so they vanish and the network outputs a constant; on 1,000 images the "
      "factor is 1 − 10·1000/1000 = −9, so the weights blow up and xgrad stops the run (numpy "
      "would carry on with NaN outputs, whose argmax is always 0: about 10% 'accuracy').");
  c.histories({all});
  f.panels = {p};
  f.width = 1000;
  c.draw(f, "Quick feedback on [784,10] (#13): η and λ that give chance, and a signal");
}

// #14: training cost for three learning rates.
template <class T>
void learning_rates(Context<T>& c) {
  std::vector<const Run*> all;
  Figure f;
  Panel p = accuracy_panel("[784,30,10], λ = 5.0, 50,000 images: cost on the training data", "cost");
  p.key = "top right";
  std::map<double, Summary> finals;
  for (double eta : {0.025, 0.25, 2.5}) {
    RunSpec s;
    s.label = fmt::format("η = {}", eta);
    s.eta = eta;
    s.lambda = 5.0;
    s.eval = EvalData::validation;  // as the book's script; only the training cost is plotted
    s.monitor = {false, false, true, false};
    const auto runs = c.runs(s);
    const std::size_t n = runs.front()->spec.epochs;
    const auto rises = [](const Run& r) {
      const auto v = series(r, Quantity::train_cost);
      double count = 0;
      for (std::size_t i = 1; i < v.size(); ++i) count += v[i] > v[i - 1];
      return count;
    };
    const auto late_share = [n](const Run& r) {  // share of the total fall in the last third
      const auto v = series(r, Quantity::train_cost);
      const std::size_t k = n - n / 3 - 1;
      return 100.0 * (v[k] - v.back()) / (v.front() - v.back());
    };
    finals[eta] = over(runs, [](const Run& r) { return series(r, Quantity::train_cost).back(); });
    const Summary up = over(runs, rises), late = over(runs, late_share);
    const char* book = eta == 0.025 ? "smooth, slow" : eta == 0.25 ? "plateau after ~20 epochs" : "oscillating";
    c.row(fmt::format("η = {}: training cost after the last epoch", eta), book, num(finals[eta], 3));
    c.row(fmt::format("η = {}: epochs in which the cost rose", eta), book, num(up, 1),
          eta == 0.025 ? "0" : eta == 2.5 ? "≥ 3" : "",
          eta == 0.025 ? c.check(up.max == 0) : eta == 2.5 ? c.check(up.mean >= 3) : Verdict::none,
          eta != 0.25);
    if (eta != 2.5) {  // an oscillating cost has no meaningful "total fall"
      c.row(fmt::format("η = {}: share of the total fall in the last third of the epochs", eta),
            book, format_summary(late, 1, "%"), eta == 0.25 ? "small (< 10%)" : "",
            eta == 0.25 ? c.check(late.mean < 10) : Verdict::none, eta == 0.25);
    }
    all.insert(all.end(), runs.begin(), runs.end());
    p.curves.push_back(mean_curve(runs, Quantity::train_cost, fmt::format("η = {}", eta)));
  }
  c.row("final training cost: η = 2.5 above η = 0.25", "oscillating (no progress)",
        fmt::format("{:.3f} vs {:.3f}", finals[2.5].mean, finals[0.25].mean), "higher",
        c.check(finals[2.5].mean > finals[0.25].mean));
  c.histories({all});
  f.panels = {p};
  c.draw(f, "Training cost per epoch for η = 0.025, 0.25 and 2.5 (#14)");
}

// #15: accuracy against training-set size, λ and epochs scaled with n.
template <class T>
void train_size(Context<T>& c) {
  const bool quick = c.lab.quick();
  const std::vector<std::size_t> sizes =
      quick ? std::vector<std::size_t>{100, 1000, 5000}
            : std::vector<std::size_t>{100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000};
  const std::size_t budget = quick ? 50000 : 1500000;  // examples seen: 30 epochs of 50,000
  const fs::path csv = c.options().out / (c.result.key + ".csv");
  std::ofstream out(csv);
  out << "training_size,epochs,lambda,seed,validation_accuracy,seconds\n";
  Curve curve;
  curve.title = "validation accuracy";
  curve.points = true;
  std::vector<double> means;
  for (std::size_t n : sizes) {
    RunSpec s;
    s.train_size = n;
    s.epochs = budget / n;
    s.lambda = 5.0 * double(n) / 50000.0;
    s.label = fmt::format("{} images, {} epochs, λ = {}", n, s.epochs, s.lambda);
    s.eval = EvalData::validation;
    s.eval_size = quick ? 2000 : 10000;
    s.monitor = {};  // evaluated once, after the last epoch
    s.fixed = true;
    const auto runs = c.runs(s);
    for (const Run* r : runs) {
      out << fmt::format("{},{},{},{},{:.4f},{:.3f}\n", n, s.epochs, s.lambda, r->seed,
                         final_eval(*r) / 100.0, r->seconds);
    }
    const Summary acc = over(runs, final_eval);
    means.push_back(acc.mean);
    curve.x.push_back(double(n));
    curve.y.push_back(acc.mean);
    if (runs.size() > 1) {
      curve.low.push_back(acc.min);
      curve.high.push_back(acc.max);
    }
    c.row(fmt::format("validation accuracy, {} training images ({} epochs, λ = {})", n, s.epochs, s.lambda),
          "rises with n", pct(acc));
  }
  if (!out) throw std::runtime_error("could not write " + csv.string());
  c.result.files.push_back(csv);
  std::size_t falls = 0;
  for (std::size_t i = 1; i < means.size(); ++i) falls += means[i] <= means[i - 1];
  c.row("sizes at which the mean accuracy did not rise", "none (keeps rising)", fmt::format("{}", falls),
        "0", c.check(falls == 0), true);
  c.row(fmt::format("accuracy gain from {} to {} images", sizes.front(), sizes.back()), "",
        fmt::format("{:+.2f} pp", means.back() - means.front()));
  c.result.notes.push_back(
      "As in the book: λ = 5.0·n/50,000 keeps the weight-decay factor 1 − ηλ/n the same for every "
      "size, and the epochs (1,500,000/n) keep the number of examples seen the same as 30 epochs "
      "of 50,000; the accuracy is measured once, after the last epoch.");
  Figure f;
  f.columns = 2;
  f.width = 620;
  f.height = 440;
  Panel log = accuracy_panel("Accuracy vs training-set size (log scale)");
  log.xlabel = "training-set size";
  log.log_x = true;
  log.curves = {curve};
  Panel lin = log;
  lin.title = "Accuracy vs training-set size";
  lin.log_x = false;
  f.panels = {log, lin};
  f.title = "[784,30,10], η = 0.5, λ scaled with n: validation accuracy";
  c.draw(f, "Validation accuracy against the training-set size (#15)");
}

// ---------------------------------------------------------------------------------------
// The catalogue

template <class T>
struct Experiment {
  std::vector<int> numbers;  // #1–#3 are one program
  std::string key;           // file names, and a name to select it by
  std::vector<std::string> aliases;
  std::string title, setup;
  std::function<void(Context<T>&)> run;
};

template <class T>
std::vector<Experiment<T>> catalogue() {
  return {
      {{1, 2, 3}, "slowdown", {"learning-slowdown", "toy-neuron"}, "The learning slowdown (one neuron)",
       "One sigmoid neuron, input 1, target 0, gradient descent for 300 epochs from (w, b) = "
       "(0.6, 0.9) and (2, 2): quadratic cost with η = 0.15 (#1, #2) and cross-entropy with "
       "η = 0.005 (#3).",
       slowdown<T>},
      {{4}, "cross-entropy", {"ce"}, "Cross-entropy on [784,30,10]",
       "[784,30,10], cross-entropy, large init, η = 0.5, mini-batch 10, 30 epochs, 50,000 "
       "training images, test data. Chapter 1's quadratic network (η = 3.0) for comparison.",
       [](Context<T>& c) { cross_entropy(c, 30, 95.49, 95.42); }},
      {{5}, "cross-entropy-100", {"ce100", "hidden-100"}, "Cross-entropy on [784,100,10]",
       "As #4 with 100 hidden neurons.",
       [](Context<T>& c) { cross_entropy(c, 100, 96.82, 96.59); }},
      {{6}, "overfitting", {}, "Overfitting on 1,000 images",
       "[784,30,10], cross-entropy, large init, η = 0.5, mini-batch 10, 400 epochs on the first "
       "1,000 training images, no regularization; all four monitors on the test data.",
       overfitting<T>},
      {{7}, "overfitting-full", {}, "The full training set, unregularized",
       "[784,30,10], large init, η = 0.5, 30 epochs, 50,000 training images, λ = 0; training "
       "and test accuracy.",
       overfitting_full<T>},
      {{8}, "regularization-1000", {"regularized-overfitting"}, "L2 regularization on 1,000 images",
       "As #6 with λ = 0.1.", regularization_small<T>},
      {{9}, "regularization", {"l2"}, "L2 regularization on the full training set",
       "[784,30,10], large init, η = 0.5, λ = 5.0, 30 epochs, 50,000 training images; "
       "training and test accuracy.",
       regularization_full<T>},
      {{10}, "regularization-100", {}, "[784,100,10] with λ = 5.0",
       "[784,100,10], large init, η = 0.5, λ = 5.0, 30 epochs, validation data.", hundred_short<T>},
      {{11}, "regularization-100-long", {}, "[784,100,10], η = 0.1, 60 epochs",
       "[784,100,10], large init, η = 0.1, λ = 5.0, 60 epochs, validation data.", hundred_long<T>},
      {{12}, "init", {"initialization"}, "Weight initialization",
       "[784,30,10], λ = 5.0, η = 0.1, 30 epochs, validation data: large init N(0, 1) vs the "
       "default N(0, 1/n_in).",
       initialization<T>},
      {{13}, "chance", {"bad-hyper-parameters", "broad-strategy"}, "Hyper-parameters that give chance",
       "[784,30,10], default init, η = 10, λ = 1000, 30 epochs, validation data; then the book's "
       "quick-feedback walk-through on [784,10].",
       chance<T>},
      {{14}, "eta", {"learning-rate"}, "Three learning rates",
       "[784,30,10], large init, λ = 5.0, 30 epochs, 50,000 images, η ∈ {0.025, 0.25, 2.5}: "
       "cost on the training data.",
       learning_rates<T>},
      {{15}, "train-size", {"more-data"}, "More training data",
       "[784,30,10], large init, η = 0.5, n ∈ {100, 200, 500, 1,000, 2,000, 5,000, 10,000, "
       "20,000, 50,000} training images, 1,500,000/n epochs, λ = 5.0·n/50,000; validation "
       "accuracy after the last epoch.",
       train_size<T>},
  };
}

template <class T>
std::string label_of(const Experiment<T>& e) {
  return e.numbers.size() == 1 ? fmt::format("#{}", e.numbers.front())
                               : fmt::format("#{}–#{}", e.numbers.front(), e.numbers.back());
}

// The experiments named on the command line, in catalogue order; throws for unknown names.
template <class T>
std::vector<const Experiment<T>*> select(const std::vector<Experiment<T>>& all,
                                         const std::vector<std::string>& names) {
  std::set<const Experiment<T>*> chosen;
  for (const std::string& name : names) {
    bool found = false;
    for (const Experiment<T>& e : all) {
      const bool by_number = std::any_of(e.numbers.begin(), e.numbers.end(),
                                         [&](int n) { return name == std::to_string(n); });
      const bool by_name = name == e.key ||
                           std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end();
      if (name == "all" || by_number || by_name) {
        chosen.insert(&e);
        found = true;
      }
    }
    if (!found) {
      throw std::invalid_argument(fmt::format(
          "unknown experiment '{}' (expected 1–15, a name from --list, or all)", name));
    }
  }
  std::vector<const Experiment<T>*> out;
  for (const Experiment<T>& e : all) {
    if (chosen.count(&e)) out.push_back(&e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The report

std::string markdown_cell(std::string s) {
  std::string out;
  for (char ch : s) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

std::string mark(Verdict v) {
  return v == Verdict::pass ? "✅" : v == Verdict::fail ? "❌ missed" : "";
}

void write_report(const fs::path& path, const std::vector<Result>& results, const std::string& header,
                  double total_seconds, const std::string& load, bool quick) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const fs::path images = dir / "img" / "chapter3";
  fs::create_directories(images);
  std::string md = "# Reproducing chapter 3 with xgrad\n\n";
  md += "<!-- Generated by `xgrad-chapter3 all` (examples/chapter3.cpp); do not edit by hand. -->\n\n";
  if (quick) {
    md += "**This is a `--quick` smoke run (fewer epochs, less data, one seed): its numbers are "
          "not comparable with the book's.**\n\n";
  }
  md += header;
  md += fmt::format("Total wall time: **{:.0f} s** ({:.1f} min){}.\n\n", total_seconds, total_seconds / 60,
                    load.empty() ? "" : "; " + load);
  md += "Measured values are the mean over the seeds, ± the sample standard deviation, with the "
        "range (min–max) in parentheses; each seed sets the initial weights and the order of the "
        "mini-batches. \"Best\" accuracies are the best epoch's, as the book reports them; "
        "epochs are counted from 1. Targets are the issue's (#4, #6, #9, #10) or the book's "
        "qualitative claim turned into a check. The book's numbers come from single runs (one "
        "seed each), so differences of the size of the seed-to-seed spread are expected.\n\n";
  md += "## Summary\n\n| # | experiment | quantity | book | xgrad | target | |\n|---|---|---|---|---|---|---|\n";
  for (const Result& r : results) {
    for (const Row& row : r.rows) {
      if (!row.headline) continue;
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", r.label, markdown_cell(r.title),
                        markdown_cell(row.quantity), markdown_cell(row.book),
                        markdown_cell(row.measured), markdown_cell(row.target), mark(row.verdict));
    }
  }
  md += "\n## Wall times\n\n| # | experiment | seeds | runs trained | runs reused | seconds |\n|---|---|---|---|---|---|\n";
  for (const Result& r : results) {
    md += fmt::format("| {} | {} | {} | {} | {} | {:.1f} |\n", r.label, markdown_cell(r.title), r.seeds,
                      r.runs_trained, r.runs_reused, r.seconds);
  }
  md += "\nA run shared by several experiments (e.g. #6 is #8's baseline) is trained once; the "
        "later experiment reuses it and its time is counted where it was trained.\n";
  for (const Result& r : results) {
    md += fmt::format("\n## {} {}\n\n{}\n\n", r.label, r.title, r.setup);
    md += "| quantity | book | xgrad | target | |\n|---|---|---|---|---|\n";
    for (const Row& row : r.rows) {
      md += fmt::format("| {} | {} | {} | {} | {} |\n", markdown_cell(row.quantity),
                        markdown_cell(row.book), markdown_cell(row.measured),
                        markdown_cell(row.target), mark(row.verdict));
    }
    md += '\n';
    for (const std::string& n : r.notes) md += n + "\n\n";
    for (const Plot& p : r.plots) {
      const fs::path copy = images / p.png.filename();
      fs::copy_file(p.png, copy, fs::copy_options::overwrite_existing);
      md += fmt::format("![{}]({})\n\n", p.caption, fs::relative(copy, dir).generic_string());
    }
  }
  std::ofstream out(path);
  out << md;
  if (!out) throw std::runtime_error("could not write " + path.string());
}

// The machine's 1-minute load average, where /proc/loadavg exists: wall times mean little
// without it.
std::optional<double> load_average() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  if (!(in >> load)) return std::nullopt;
  return load;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return text;
}

template <class T>
int run(const Options& options) {
  const std::vector<Experiment<T>> all = catalogue<T>();
  const std::vector<const Experiment<T>*> chosen = select(all, options.experiments);
  fs::create_directories(options.out);

  const bool needs_mnist = std::any_of(chosen.begin(), chosen.end(),
                                       [](const Experiment<T>* e) { return e->key != "slowdown"; });
  mnist::Split<T> split;
  std::string description = "not needed (toy neuron only)";
  if (needs_mnist) {
    mnist::LocateOptions where;
    where.dir = options.data;
    const mnist::DataSource source = mnist::locate(where);
    const auto start = Clock::now();
    split = mnist::load<T>(source, {});
    description = source.description;
    fmt::print("data: {}\nloaded {} training, {} validation and {} test images in {:.2f} s\n",
               source.description, split.training.size(), split.validation.size(),
               split.test.size(), seconds_since(start));
  }
  Lab<T> lab(options, std::move(split), description);
  const BlasInfo blas = blas_info();
  const std::optional<double> load_at_start = load_average();
  const std::string header = fmt::format(
      "Run on {}: xgrad {}, {}, BLAS {} (kernel {}, {} thread{}); data: {}; seeds {}; "
      "mini-batch 10 and cross-entropy with sigmoid outputs unless said otherwise.\n\n",
      utc_now(), version(), options.dtype == "f64" ? "float64" : "float32", blas.library,
      blas.core, blas.threads, blas.threads == 1 ? "" : "s", description, seed_list(lab.seeds()));
  fmt::print("{}", header);

  std::vector<Result> results;
  const auto start = Clock::now();
  for (const Experiment<T>* e : chosen) {
    Result result;
    result.label = label_of(*e);
    result.key = fmt::format("{:02d}-{}", e->numbers.front(), e->key);
    result.title = e->title;
    result.setup = e->setup;
    result.seeds = lab.seed_count();
    fmt::print("\n== {} {}\n", result.label, e->title);
    std::fflush(stdout);
    const std::size_t trained = lab.trained(), reused = lab.reused();
    const auto t0 = Clock::now();
    Context<T> context{lab, result};
    e->run(context);
    result.seconds = seconds_since(t0);
    result.runs_trained += lab.trained() - trained;  // the toy neuron counts its own
    result.runs_reused = lab.reused() - reused;
    print_result(result);
    results.push_back(std::move(result));
  }
  const double total = seconds_since(start);
  fmt::print("\n{} experiment{} in {:.1f} s\n", results.size(), results.size() == 1 ? "" : "s", total);

  std::size_t missed = 0;
  for (const Result& r : results) {
    for (const Row& row : r.rows) missed += row.verdict == Verdict::fail;
  }
  fs::path report = options.report;
  if (report.empty() && options.all && !options.no_report) {
    report = options.quick ? options.out / "REPRODUCTION.md" : fs::path("docs") / "REPRODUCTION.md";
  }
  if (!report.empty() && !options.no_report) {
    const std::optional<double> load_at_end = load_average();
    const std::string load =
        load_at_start && load_at_end
            ? fmt::format("load average {:.2f} at the start and {:.2f} at the end, on {} cores "
                          "(other work on the machine slows the runs)",
                          *load_at_start, *load_at_end, std::thread::hardware_concurrency())
            : "";
    write_report(report, results, header, total, load, options.quick);
    fmt::print("report written to {}\n", report.string());
  }
  if (missed > 0) fmt::print("{} check{} missed (see the tables)\n", missed, missed == 1 ? "" : "s");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The experiments #1-#15 of chapter 3 of Neural Networks and Deep Learning: book vs "
               "measured tables, CSV histories, gnuplot plots, and a report (all)."};
  Options o;
  bool list = false;
  app.add_option("experiments", o.experiments, "1-15, a name (see --list), or all");
  app.add_flag("--list", list, "list the experiments and exit");
  app.add_option("--seeds", o.seeds, "seeds per configuration (default 3, 1 with --quick)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", o.seed, "first seed (seeds are seed, seed+1, ...)")->capture_default_str();
  app.add_option("--out", o.out, "directory for the CSV, .gp and PNG files")->capture_default_str();
  app.add_option("--data", o.data, data_option_help);
  app.add_option("--report", o.report, "write the Markdown report here (default for all: docs/REPRODUCTION.md)");
  app.add_flag("--no-report", o.no_report, "write no report");
  app.add_flag("--quick", o.quick, "smoke run: a tenth of the epochs, at most 5,000 training and 2,000 evaluation images, one seed");
  app.add_flag("--no-plots", o.no_plots, "write the gnuplot scripts but do not run gnuplot");
  app.add_option("--dtype", o.dtype, "element type")->capture_default_str()->check(CLI::IsMember({"f32", "f64"}));
  app.add_option("--threads", o.threads, "BLAS threads")->capture_default_str()->check(CLI::PositiveNumber);
  if (const std::optional<int> status = parse_command_line(app, argc, argv)) return *status;
  if (list) {
    for (const auto& e : catalogue<float>()) {
      fmt::print("{:<7} {:<24} {}{}\n", label_of(e), e.key, e.title,
                 e.aliases.empty() ? "" : fmt::format(" (also: {})", fmt::join(e.aliases, ", ")));
    }
    return 0;
  }
  if (o.experiments.empty()) {
    fmt::print(stderr, "error: name at least one experiment (1-15, a name from --list, or all)\n");
    return 2;
  }
  o.all = std::find(o.experiments.begin(), o.experiments.end(), "all") != o.experiments.end();
  return report_errors([&] {
    set_blas_threads(o.threads);
    return o.dtype == "f64" ? run<double>(o) : run<float>(o);
  });
}
