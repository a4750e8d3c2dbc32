#pragma once
// xgrad-chapter3's runner: the options, what a training run is (RunSpec) and what it
// measured (Run), and the Lab that trains runs on MNIST once per (configuration, seed),
// alone or handed out to MPI processes (prefetch).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "common/processes.hpp"
#include "common/progress.hpp"

namespace xgrad::examples::chapter3 {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Seconds since `start`.
double seconds_since(Clock::time_point start);

/// The command line.
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

enum class EvalData { test, validation };

const char* to_string(EvalData e);

// One training run of a network on MNIST.
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
  std::string key() const;
  std::string describe() const;
};

// What a run measured. Its history holds the epochs, the stop reason and message (what
// crosses between processes; the per-quantity lists of TrainingHistory stay empty there).
struct Run {
  RunSpec spec;  // as trained (after --quick scaling)
  std::uint64_t seed = 0;
  TrainingHistory history;
  std::size_t final_correct = 0, eval_size = 0;  // evaluation accuracy after the last epoch
  double seconds = 0;
};

/// A run's measurements as text (for the task farm), and back; `spec` is not included.
std::string encode(const Run& run);
/// See encode(); the spec and seed are the caller's.
Run decode(const std::string& text, const RunSpec& spec, std::uint64_t seed);

// The laboratory: the data, the seeds, and every run trained so far.
template <class T>
class Lab {
 public:
  Lab(const Options& options, mnist::Split<T> split, std::string data_description);

  const Options& options() const { return options_; }
  bool quick() const { return options_.quick; }
  const std::string& data_description() const { return data_; }
  std::size_t seed_count() const { return options_.seeds ? options_.seeds : (quick() ? 1 : 3); }
  std::vector<std::uint64_t> seeds() const;
  std::size_t trained() const { return trained_; }
  std::size_t reused() const { return reused_; }
  // Training seconds of the prefetched runs used so far (trained on any process).
  double prefetched_seconds() const { return prefetched_seconds_; }

  // --quick: a tenth of the epochs (at least 2), at most 5,000 training and 2,000
  // evaluation images.
  RunSpec scaled(RunSpec spec) const;

  // The runs of `spec` for every seed (trained now or earlier).
  std::vector<const Run*> runs(const RunSpec& spec);
  const Run& run(const RunSpec& requested, std::uint64_t seed);

  // Trains the runs of `specs` for every seed that are not trained yet, handed out to the
  // processes (a collective call: every rank passes the same specs); rank 0 keeps them for
  // run(), which then counts each as trained when it is first used. Returns the runs trained.
  std::size_t prefetch(const std::vector<RunSpec>& specs, const Processes& processes);

 private:
  // Trains one run; `show` draws the per-epoch progress.
  std::unique_ptr<Run> train(const RunSpec& spec, std::uint64_t seed, bool show);
  // The line printed for a trained run.
  static std::string summary_line(const Run& run);
  // The first n examples of `data` (a copy made once per size; `data` itself when n covers it).
  const Dataset<T>& subset(const Dataset<T>& data, std::size_t n);

  const Options& options_;
  mnist::Split<T> split_;
  std::string data_;
  std::map<std::string, std::unique_ptr<Run>> cache_;
  std::map<std::string, bool> prefetched_;  // key → not used yet
  std::map<std::pair<const Dataset<T>*, std::size_t>, Dataset<T>> subsets_;
  std::size_t trained_ = 0, reused_ = 0;
  double prefetched_seconds_ = 0;
  Progress progress_;
};

}  // namespace xgrad::examples::chapter3
