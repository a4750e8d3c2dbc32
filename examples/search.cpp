// xgrad-search: grid or random search over η, λ, the hidden-layer size and the mini-batch
// size of [784,hidden,10] networks, scored by validation accuracy, following the book's
// broad strategy: quick feedback first (a subset of the training data, few epochs), then
// the best candidates promoted to larger budgets (successive halving).
//
//   xgrad-search                                   27 random candidates, budgets
//                                                  1000x5 → 10000x10 → 50000x30, keep 1/3
//   xgrad-search --sampler grid --eta 0.1,0.5,2.5 --lambda 1,5 --hidden 30 --batch 10
//   xgrad-search --strategy full --budgets 10000x10  every candidate on one budget
//   mpirun -np 4 xgrad-search                      each rung's trials on 4 processes
//
// Prints a line per trial, the leaderboard, and writes every trial as CSV.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "cli.hpp"
#include "common/processes.hpp"
#include "common/record.hpp"
#include "search.hpp"

using namespace xgrad;
using namespace xgrad::examples;
namespace search = xgrad::examples::search;

namespace {

struct Args {
  std::string data;
  std::string eta = "0.05:5";
  std::string lambda = "0.1:20";
  std::string hidden = "30,100";
  std::string batch = "10,50";
  std::string sampler = "random";
  std::string strategy = "halving";
  std::size_t trials = 27;
  std::size_t grid_points = 3;
  std::string budgets = "1000x5,10000x10,50000x30";
  double factor = 3;
  std::size_t val_size = 10000;
  std::size_t early_stop = 0;
  bool scale_lambda = false;
  std::string init = "default";
  std::uint64_t seed = 1;
  std::string csv = "search.csv";
  std::size_t top = 10;
  std::string dtype = "f32";
  int threads = 1;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string describe(const search::Config& c) {
  return fmt::format("η = {:<7.4g} λ = {:<7.4g} hidden {:<4} batch {:<4}", c.eta, c.lambda, c.hidden, c.batch);
}

std::string describe(const search::Budget& b) {
  return fmt::format("{} images × {} epochs", b.train_size, b.epochs);
}

std::string encode(const search::Score& s) {
  RecordWriter w;
  w.put(s.accuracy).put(std::uint64_t(s.best_epoch)).put(std::uint64_t(s.diverged)).put(s.seconds);
  return w.text();
}

search::Score decode(const std::string& text) {
  RecordReader r(text);
  search::Score s;
  s.accuracy = r.real();
  s.best_epoch = std::size_t(r.natural());
  s.diverged = r.natural() != 0;
  s.seconds = r.real();
  return s;
}

template <class T>
int run(const Args& a, const search::Space& space, std::vector<search::Budget> budgets,
        const Processes& processes) {
  if (a.strategy == "full") budgets = {budgets.back()};
  const std::size_t largest = budgets.back().train_size;
  mnist::LocateOptions where;
  where.dir = a.data;
  const mnist::DataSource source = mnist::locate(where);
  fmt::print("data: {}\n", source.description);
  mnist::LoadOptions load;
  load.test_size = 0;  // the search never looks at the test data
  const mnist::Split<T> split = mnist::load<T>(source, load);
  const Dataset<T> validation = split.validation.head(a.val_size);
  if (largest > split.training.size()) {
    fmt::print("note: only {} training images are available; larger budgets use them all\n",
               split.training.size());
  }

  const std::vector<search::Config> candidates =
      a.sampler == "grid" ? search::grid(space, a.grid_points)
                          : search::random_configs(space, a.trials, a.seed);
  fmt::print("{} search: {} candidates; {}; budgets {}; scored by the best validation accuracy "
             "on {} images; seed {}\n",
             a.sampler, candidates.size(),
             a.strategy == "full" ? "every candidate on the last budget"
                                  : fmt::format("successive halving keeping 1/{:g} per rung", a.factor),
             a.budgets, validation.size(), a.seed);

  std::map<std::size_t, Dataset<T>> subsets;  // the first n training images, made once per n
  const auto training = [&](std::size_t n) -> const Dataset<T>& {
    if (n >= split.training.size()) return split.training;
    auto it = subsets.find(n);
    if (it == subsets.end()) it = subsets.emplace(n, split.training.head(n)).first;
    return it->second;
  };
  const auto lambda_used = [&](double lambda, std::size_t n) {
    return a.scale_lambda ? lambda * double(std::min(n, split.training.size())) /
                                double(std::min(largest, split.training.size()))
                          : lambda;
  };

  // Candidates per rung, for the progress count.
  std::vector<std::size_t> rung_sizes = {candidates.size()};
  while (rung_sizes.size() < budgets.size()) {
    rung_sizes.push_back(search::survivors(rung_sizes.back(), a.factor));
  }
  // Trains one trial and scores it (on any process: deterministic from the candidate's seed).
  const auto evaluate = [&](const search::Trial& t) {
    const search::Config& c = t.config;
    const search::Budget& b = t.budget;
    NetworkOptions network;
    network.init = a.init == "large" ? Init::large : Init::standard;
    network.seed = a.seed + t.candidate;
    Network<T> net({784, c.hidden, 10}, Cost::cross_entropy(), network);
    SgdOptions<T> sgd;
    sgd.regularization.l2 = lambda_used(c.lambda, b.train_size);
    sgd.evaluation = &validation;
    sgd.monitor.evaluation_accuracy = true;
    sgd.early_stopping = a.early_stop;
    sgd.seed = a.seed + t.candidate;
    const auto start = std::chrono::steady_clock::now();
    const TrainingHistory h = net.sgd(training(b.train_size), b.epochs, c.batch, c.eta, sgd);
    search::Score s;
    s.seconds = seconds_since(start);
    s.diverged = h.stop_reason == StopReason::diverged;
    for (std::size_t e = 0; e < h.evaluation_accuracy().size(); ++e) {
      const double acc = double(h.evaluation_accuracy()[e]) / double(validation.size());
      if (acc > s.accuracy) {
        s.accuracy = acc;
        s.best_epoch = e + 1;
      }
    }
    return s;
  };
  // A rung's trials, one after another alone, handed out to the processes under mpirun;
  // a line per trial as it finishes.
  const search::EvaluateRung evaluate_rung = [&](const std::vector<search::Trial>& trials) {
    const std::size_t rung = trials.front().rung;
    const search::Budget& b = trials.front().budget;
    fmt::print("\n== rung {}/{}: {} candidates, {}{}\n", rung + 1, budgets.size(), rung_sizes[rung],
               describe(b),
               a.scale_lambda ? fmt::format(", λ × {:.4g}", lambda_used(1.0, b.train_size)) : "");
    std::fflush(stdout);
    std::size_t in_rung = 0;
    const std::vector<std::string> results = processes.run_tasks(
        trials.size(), [&](std::size_t i) { return encode(evaluate(trials[i])); },
        [&](std::size_t i, int rank, const std::string& text) {
          const search::Score s = decode(text);
          fmt::print("  {:>3}/{:<3} #{:<3} {} → {:6.2f}% at epoch {:<3} ({:.1f} s){}{}\n", ++in_rung,
                     rung_sizes[rung], trials[i].candidate, describe(trials[i].config),
                     100 * s.accuracy, s.best_epoch, s.seconds, s.diverged ? "  diverged" : "",
                     processes.size() > 1 ? fmt::format("  (rank {})", rank) : "");
          std::fflush(stdout);
        });
    std::vector<search::Score> scores;
    for (const std::string& r : results) scores.push_back(decode(r));
    return scores;
  };

  const auto start = std::chrono::steady_clock::now();
  const search::Result result =
      search::successive_halving_by_rung(candidates, budgets, a.factor, evaluate_rung);
  const double total = seconds_since(start);
  if (!processes.root()) return 0;  // rank 0 writes the results

  std::ofstream csv(a.csv);
  csv << "candidate,rung,train_size,epochs,eta,lambda,lambda_used,hidden,batch,seed,"
         "validation_accuracy,best_epoch,diverged,seconds\n";
  for (const search::Trial& t : result.trials) {
    csv << fmt::format("{},{},{},{},{},{},{},{},{},{},{:.4f},{},{},{:.3f}\n", t.candidate, t.rung + 1,
                       t.budget.train_size, t.budget.epochs, t.config.eta, t.config.lambda,
                       lambda_used(t.config.lambda, t.budget.train_size), t.config.hidden,
                       t.config.batch, a.seed + t.candidate, t.score.accuracy, t.score.best_epoch,
                       t.score.diverged ? 1 : 0, t.score.seconds);
  }
  if (!csv) throw std::runtime_error(fmt::format("could not write '{}'", a.csv));

  const std::vector<search::Trial> board = result.leaderboard();
  fmt::print("\nLeaderboard (candidates that reached a later rung first; {} trials in {:.1f} s):\n",
             result.trials.size(), total);
  fmt::print("{:>4}  {:>4}  {:>8}  {:>8}  {:>6}  {:>5}  {:<28}  {:>9}  {:>5}  {:>7}\n", "rank",
             "cand", "η", "λ", "hidden", "batch", "budget (rung)", "val. acc.", "epoch", "seconds");
  for (std::size_t i = 0; i < std::min(a.top, board.size()); ++i) {
    const search::Trial& t = board[i];
    fmt::print("{:>4}  {:>4}  {:>8.4g}  {:>8.4g}  {:>6}  {:>5}  {:<28}  {:>8.2f}%  {:>5}  {:>7.1f}{}\n",
               i + 1, t.candidate, t.config.eta, t.config.lambda, t.config.hidden, t.config.batch,
               fmt::format("{} ({})", describe(t.budget), t.rung + 1), 100 * t.score.accuracy,
               t.score.best_epoch, t.score.seconds, t.score.diverged ? "  diverged" : "");
  }
  fmt::print("trials written to {}\n", a.csv);
  if (!board.empty()) {
    const search::Trial& best = board.front();
    fmt::print("\nbest: {} — train it on everything with\n  xgrad-mnist --sizes 784,{},10 --eta {:.4g} "
               "--lambda {:.4g} --batch {} --epochs {} --init {}\n",
               describe(best.config), best.config.hidden, best.config.eta,
               lambda_used(best.config.lambda, best.budget.train_size), best.config.batch,
               best.budget.epochs, a.init);
  }
  fmt::print("search took {:.1f} s\n", total);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Processes processes(argc, argv);
  CLI::App app{"Hyper-parameter search (η, λ, hidden size, mini-batch size) on the MNIST "
               "validation data: grid or random candidates, successive halving over budgets."};
  Args a;
  app.add_option("--data", a.data, data_option_help);
  app.add_option("--eta", a.eta, "learning rates: a list v1,v2,... or a range low:high (log scale)")->capture_default_str();
  app.add_option("--lambda", a.lambda, "L2 regularization λ: a list or a range")->capture_default_str();
  app.add_option("--hidden", a.hidden, "hidden-layer sizes: a list or a range")->capture_default_str();
  app.add_option("--batch", a.batch, "mini-batch sizes: a list or a range")->capture_default_str();
  app.add_option("--sampler", a.sampler, "candidates: every grid combination, or random draws")
      ->capture_default_str()->check(CLI::IsMember({"grid", "random"}));
  app.add_option("--trials", a.trials, "random candidates")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--grid-points", a.grid_points, "grid points per range (lists are used as they are)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--strategy", a.strategy, "halving: successive halving over the budgets; full: every candidate on the last budget")
      ->capture_default_str()->check(CLI::IsMember({"halving", "full"}));
  app.add_option("--budgets", a.budgets, "per rung: IMAGESxEPOCHS, growing (the first N training images)")->capture_default_str();
  app.add_option("--factor", a.factor, "keep the best 1/factor of each rung")->capture_default_str()->check(CLI::Range(1.0, 1000.0));
  app.add_option("--val-size", a.val_size, "validation images to score on")->capture_default_str()->check(CLI::Range(1, 10000));
  app.add_option("--early-stop", a.early_stop, "stop a trial after N epochs without improvement (0 = off)")->capture_default_str();
  app.add_flag("--scale-lambda", a.scale_lambda, "λ is for the last budget's training set; smaller sets use λ·n/N (the same weight decay 1 − ηλ/n)");
  app.add_option("--init", a.init, "weight initializer")->capture_default_str()->check(CLI::IsMember({"default", "large"}));
  app.add_option("--seed", a.seed, "seeds the random candidates; candidate i trains with seed + i")->capture_default_str();
  app.add_option("--csv", a.csv, "write every trial here")->capture_default_str();
  app.add_option("--top", a.top, "leaderboard rows to print")->capture_default_str();
  app.add_option("--dtype", a.dtype, "element type")->capture_default_str()->check(CLI::IsMember({"f32", "f64"}));
  app.add_option("--threads", a.threads, "BLAS threads")->capture_default_str()->check(CLI::PositiveNumber);
  double task_timeout = 0;
  add_task_timeout_option(app, task_timeout);
  if (const std::optional<int> status = parse_command_line(app, argc, argv)) return *status;
  processes.set_task_timeout(task_timeout);
  return processes.run_main([&] {
    search::Space space{search::parse_dimension("--eta", a.eta, false),
                        search::parse_dimension("--lambda", a.lambda, false),
                        search::parse_dimension("--hidden", a.hidden, true),
                        search::parse_dimension("--batch", a.batch, true)};
    if (!space.eta.is_range() &&
        std::any_of(space.eta.values.begin(), space.eta.values.end(), [](double v) { return v <= 0; })) {
      throw std::invalid_argument("--eta: learning rates must be > 0");
    }
    const std::vector<search::Budget> budgets = search::parse_budgets(a.budgets);
    set_blas_threads(a.threads);
    return a.dtype == "f64" ? run<double>(a, space, budgets, processes)
                            : run<float>(a, space, budgets, processes);
  });
}
