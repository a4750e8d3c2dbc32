// xgrad-mnist: trains the book's networks on MNIST (network2.py from C++).
//
//   xgrad-mnist                         the book's [784,30,10], cross-entropy, η 0.5, λ 5, 30 epochs
//   xgrad-mnist --sizes 784,100,10 --lambda 5 --eta 0.1 --epochs 60
//   xgrad-mnist --help                  every option
//
// Prints network2.py's per-epoch lines; the last line on stdout is
// "best evaluation accuracy: 95.49% at epoch 27".
//
// Built with Open MPI, `mpirun -np N xgrad-mnist ...` trains one model on N processes
// (data parallelism, see xgrad/train/data_parallel.hpp): --batch stays the global
// mini-batch, and rank 0 alone prints and writes files.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "cli.hpp"
#include "common/history_csv.hpp"
#include "common/progress.hpp"
#include "gnuplot.hpp"

#ifdef XGRAD_WITH_MPI
#include <xgrad/distributed/broadcast.hpp>
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/mpi_data_parallel.hpp>
#endif

using namespace xgrad;

namespace {

// The processes training the model: MPI's world under mpirun, else this process alone.
struct Processes {
  int rank = 0;
  int size = 1;
#ifdef XGRAD_WITH_MPI
  std::optional<Communicator> world;  ///< set when MPI runs
#endif
  bool root() const { return rank == 0; }
};

struct Args {
  std::string data;
  std::string sizes = "784,30,10";
  std::string cost = "cross-entropy";
  std::string activation = "sigmoid";
  std::string init = "default";
  std::size_t epochs = 30;
  std::size_t batch = 10;
  double eta = 0.5;
  double lambda = 5.0;
  double l1 = 0;
  double dropout = 0;
  double momentum = 0;
  bool nesterov = false;
  std::size_t train_size = 50000;
  std::string eval = "validation";
  std::size_t eval_size = 10000;
  std::string monitor = "eval-acc";
  std::size_t early_stop = 0;
  bool schedule = false;
  std::size_t expand = 0;
  std::uint64_t seed = 1;
  std::string dtype = "f32";
  int threads = 0;
  std::string history;
  std::string plot;
  std::string save;
  std::string format = "xgrad";
  std::string load;
  std::string checkpoint;
  std::string resume;
  bool quiet = false;
};

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || v == 0) {
      throw std::invalid_argument(fmt::format("--sizes: '{}' is not a positive integer in '{}'", item, text));
    }
    sizes.push_back(v);
  }
  if (sizes.size() < 2) {
    throw std::invalid_argument(fmt::format("--sizes: '{}' needs at least two sizes (inputs, outputs)", text));
  }
  return sizes;
}

// Validators whose messages name the value and the allowed range (CLI11's own print
// the largest double).
CLI::Validator number_in(double lo, double hi, bool lo_open, bool hi_open, const std::string& range) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double v = 0;
        std::size_t used = 0;
        try {
          v = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != text.size() || !std::isfinite(v)) return "'" + text + "' is not a number";
        const bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
        return ok ? std::string() : "must be " + range + ", got " + text;
      },
      range);
}
const CLI::Validator positive = number_in(0, INFINITY, true, true, "> 0");
const CLI::Validator non_negative = number_in(0, INFINITY, false, true, "≥ 0");

Cost parse_cost(const std::string& name) {
  if (name == "cross-entropy") return Cost::cross_entropy();
  if (name == "quadratic") return Cost::quadratic();
  return Cost::log_likelihood();  // the only other value CLI11 lets through
}

void write_history(const std::string& path, const TrainingHistory& history) {
  namespace column = examples::history_columns;
  examples::HistoryCsv csv(path, {column::epoch(0), column::learning_rate(), column::seconds(6),
                                  column::monitor_seconds(6), column::cost(true),
                                  column::accuracy(true), column::cost(false),
                                  column::accuracy(false)});
  csv.add(history);
  csv.close();
}

void plot_history(const std::string& csv, const std::string& png) {
  const std::string script = fmt::format(
      "set terminal pngcairo size 900,500; set output {1}; set datafile separator ',';"
      "set key autotitle columnhead; set xlabel 'epoch'; set ylabel 'accuracy (%)';"
      "set grid; set title 'xgrad-mnist';"
      "plot {0} using 1:($8*100) with linespoints title 'evaluation accuracy',"
      "{0} using 1:($6*100) with linespoints title 'training accuracy'",
      examples::gnuplot_string(csv), examples::gnuplot_string(png));
  // Quiet: a curve that was not monitored is an empty column, which gnuplot warns about.
  if (!examples::run_gnuplot(script, /*quiet=*/true)) {
    throw std::runtime_error(fmt::format("gnuplot could not draw '{}' (is gnuplot installed?)", png));
  }
}

// The network to train: from a checkpoint (--resume), a saved model (--load), or new.
template <class T>
Network<T> make_network(const Args& args, const std::vector<std::size_t>& sizes,
                        std::optional<Checkpoint<T>>& checkpoint) {
  if (!args.resume.empty()) {
    checkpoint = load_checkpoint<T>(args.resume);
    fmt::print("resuming {} at epoch {}\n", args.resume, checkpoint->trainer.next_epoch);
    return Network<T>(std::move(checkpoint->model.network), checkpoint->model.cost);
  }
  if (!args.load.empty()) {
    LoadedModel<T> loaded = load_any_model<T>(args.load);
    fmt::print("loaded {} ({})\n", args.load, loaded.network.describe());
    return Network<T>(std::move(loaded.network), loaded.cost);
  }
  NetworkOptions options;
  options.activation = activation_from_string(args.activation);
  options.dropout = args.dropout;
  options.init = args.init == "large" ? Init::large : Init::standard;
  options.seed = args.seed;
  return Network<T>(sizes, parse_cost(args.cost), options);
}

template <class T>
int run(const Args& args, const std::vector<std::size_t>& requested_sizes, const Processes& procs) {
  std::optional<Checkpoint<T>> checkpoint;
  Network<T> net = make_network<T>(args, requested_sizes, checkpoint);
#ifdef XGRAD_WITH_MPI
  // One model everywhere, whether new, --load-ed or --resume-d: rank 0's.
  std::unique_ptr<MpiDataParallel<T>> parallel;
  if (procs.size > 1) {
    broadcast_parameters(net.model(), *procs.world);
    parallel = std::make_unique<MpiDataParallel<T>>(*procs.world);
    fmt::print("MPI: {} processes, each computing its share of every mini-batch of {}\n",
               procs.size, args.batch);
  }
#endif
  const std::vector<std::size_t>& sizes = net.sizes();

  // Data: --data, $XGRAD_DATA, then the checkout's data/mnist/ (see data_location.hpp).
  mnist::LocateOptions where;
  where.dir = args.data;
  const mnist::DataSource source = mnist::locate(where);
  fmt::print("data: {}\n", source.description);
  mnist::LoadOptions load;
  load.training_size = args.train_size;
  const bool eval_on_test = args.eval == "test";
  load.validation_size = eval_on_test ? 0 : args.eval_size;
  load.test_size = eval_on_test ? args.eval_size : 0;
  const auto load_start = std::chrono::steady_clock::now();
  mnist::Split<T> split = mnist::load<T>(source, load);
  Dataset<T>& evaluation = eval_on_test ? split.test : split.validation;
  if (sizes.front() != split.training.input_size() || sizes.back() != split.training.target_size()) {
    throw std::invalid_argument(fmt::format(
        "{}: the data has {} inputs and {} classes, so sizes must start with {} and end with {}",
        args.load.empty() && args.resume.empty() ? "--sizes " + args.sizes : "the loaded network's sizes",
        split.training.input_size(), split.training.target_size(),
        split.training.input_size(), split.training.target_size()));
  }
  if (args.expand > 0) {
    split.training = expand(split.training, args.expand, mnist::image_side, mnist::image_side,
                            DistortionOptions::affine_and_elastic(), args.seed);
  }
  fmt::print("loaded {} training and {} {} examples in {:.2f} s\n", split.training.size(),
             evaluation.size(), args.eval,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());

  fmt::print("network: {} ({}), cost {}, η = {}, λ = {}, mini-batch {}, {} epochs\n",
             net.model().describe(), args.dtype, net.cost().name(), args.eta, args.lambda,
             args.batch, args.epochs);

  SgdOptions<T> sgd;
  sgd.regularization = {args.lambda, args.l1};
  sgd.momentum = args.momentum;
  sgd.nesterov = args.nesterov;
  sgd.evaluation = &evaluation;
  sgd.monitor.evaluation_accuracy = args.monitor.find("eval-acc") != std::string::npos;
  sgd.monitor.evaluation_cost = args.monitor.find("eval-cost") != std::string::npos;
  sgd.monitor.training_accuracy = args.monitor.find("train-acc") != std::string::npos;
  sgd.monitor.training_cost = args.monitor.find("train-cost") != std::string::npos;
  sgd.early_stopping = args.early_stop;
  if (checkpoint) {
    sgd.resume = &checkpoint->trainer;
    sgd.resume_optimizer = &checkpoint->model.training.optimizer_state;
  }
#ifdef XGRAD_WITH_MPI
  sgd.data_parallel = parallel.get();
#endif
  if (!args.checkpoint.empty() && procs.root()) {
    // Written atomically after every epoch: a crash or a diverging epoch keeps the last good one.
    sgd.on_checkpoint = [&](const TrainerState& state, const Optimizer<T>& optimizer) {
      save_checkpoint(args.checkpoint, net.model(), net.cost(), optimizer, state);
    };
  }
  sgd.halve_on_plateau = args.schedule;
  sgd.seed = args.seed;
  // A bar on a terminal only.
  examples::Progress bar({examples::Progress::Style::bar, !args.quiet && procs.root(), "examples", 0});
  sgd.on_progress = [&](std::size_t done, std::size_t total) { bar.update(done, total); };
  sgd.on_epoch = [&](const EpochStats& e) {
    fmt::print("Epoch {} training complete ({:.2f} s, η = {})\n", e.epoch, e.seconds, e.learning_rate);
    if (e.training_cost) fmt::print("Cost on training data: {:.6f}\n", *e.training_cost);
    if (e.training_correct) {
      fmt::print("Accuracy on training data: {} / {}\n", *e.training_correct, e.training_size);
    }
    if (e.evaluation_cost) fmt::print("Cost on evaluation data: {:.6f}\n", *e.evaluation_cost);
    if (e.evaluation_correct) {
      fmt::print("Accuracy on evaluation data: {} / {}\n", *e.evaluation_correct, e.evaluation_size);
    }
    std::fflush(stdout);
    bar.start();
  };
  bar.start();
  const TrainingHistory history = net.sgd(split.training, args.epochs, args.batch, args.eta, sgd);
  if (history.stop_reason != StopReason::completed) {
    fmt::print("training stopped ({}): {}\n", to_string(history.stop_reason), history.stop_message);
  }
  if (!args.save.empty() && procs.root()) {
    if (args.format == "network2") {
      save_network2(args.save, net.model(), net.cost());
    } else {
      save_model(args.save, net.model(), net.cost());
    }
    fmt::print("network saved to {} ({} format)\n", args.save, args.format);
  }
  if (!args.history.empty() && procs.root()) {
    write_history(args.history, history);
    fmt::print("history written to {}\n", args.history);
    if (!args.plot.empty()) {
      plot_history(args.history, args.plot);
      fmt::print("plot written to {}\n", args.plot);
    }
  }
  // The best epoch of the whole run, including those before a --resume.
  std::size_t best = 0, best_epoch = 0;
  bool have_best = false;
  for (const EpochStats& e : history.epochs) {
    if (e.evaluation_correct && (!have_best || *e.evaluation_correct > best)) {
      best = *e.evaluation_correct;
      best_epoch = e.epoch;
      have_best = true;
    }
  }
  if (!have_best) {  // no epoch ran (e.g. --epochs 0): evaluate the network as it is
    best = net.accuracy(evaluation);
    best_epoch = 0;
  }
  fmt::print("best evaluation accuracy: {:.2f}% at epoch {}\n",
             100.0 * double(best) / double(evaluation.size()), best_epoch);
  return history.stop_reason == StopReason::diverged ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Large batches allocate megabytes of activations and gradients per step; without this
  // glibc maps them afresh and every page faults (half of a [784,1000,1000,10] batch-1000
  // epoch, and serial, so a second thread gained nothing).
  reuse_large_buffers();
  Processes procs;
#ifdef XGRAD_WITH_MPI
  // MPI only under mpirun: on its own the program starts without MPI's half-second init.
  std::optional<MpiEnvironment> mpi;
  if (launched_by_mpirun()) {
    mpi.emplace(argc, argv);
    procs.world = mpi->world();
    procs.rank = procs.world->rank();
    procs.size = procs.world->size();
  }
  // Only rank 0 prints; every rank's errors still reach stderr.
  if (!procs.root() && !std::freopen("/dev/null", "w", stdout)) return 1;
#endif
  CLI::App app{"Train the networks of chapter 3 of Neural Networks and Deep Learning on MNIST"};
  Args a;
  app.add_option("--data", a.data, examples::data_option_help);
  app.add_option("--sizes", a.sizes, "layer sizes, inputs first")->capture_default_str();
  app.add_option("--cost", a.cost, "cost function")->capture_default_str()
      ->check(CLI::IsMember({"cross-entropy", "quadratic", "log-likelihood"}));
  app.add_option("--activation", a.activation, "hidden neurons")->capture_default_str()
      ->check(CLI::IsMember({"sigmoid", "tanh", "relu"}));
  app.add_option("--init", a.init, "weight initializer: default N(0,1/n_in) or large N(0,1)")
      ->capture_default_str()->check(CLI::IsMember({"default", "large"}));
  app.add_option("--epochs", a.epochs, "epochs (0 evaluates only)")->capture_default_str();
  app.add_option("--batch", a.batch, "mini-batch size")->capture_default_str()->check(positive);
  app.add_option("--eta", a.eta, "learning rate η")->capture_default_str()->check(positive);
  app.add_option("--lambda", a.lambda, "L2 regularization λ")->capture_default_str()->check(non_negative);
  app.add_option("--l1", a.l1, "L1 regularization λ")->capture_default_str()->check(non_negative);
  app.add_option("--dropout", a.dropout, "dropout probability of hidden units, in [0, 1)")
      ->capture_default_str()->check(number_in(0, 1, false, true, "in [0, 1)"));
  app.add_option("--momentum", a.momentum, "momentum coefficient μ in [0, 1]")->capture_default_str()->check(number_in(0, 1, false, false, "in [0, 1]"));
  app.add_flag("--nesterov", a.nesterov, "Nesterov's accelerated gradient (with --momentum)");
  app.add_option("--train-size", a.train_size, "training examples (first N of the 50,000)")->capture_default_str()->check(positive);
  app.add_option("--eval", a.eval, "evaluation data")->capture_default_str()->check(CLI::IsMember({"validation", "test"}));
  app.add_option("--eval-size", a.eval_size, "evaluation examples (first N)")->capture_default_str()->check(positive);
  app.add_option("--monitor", a.monitor, "comma-separated: eval-acc, eval-cost, train-acc, train-cost")->capture_default_str();
  app.add_option("--early-stop", a.early_stop, "stop after N epochs without a better evaluation accuracy (0 = off)")->capture_default_str();
  app.add_flag("--schedule", a.schedule, "halve η after 10 epochs without improvement; stop at η/128");
  app.add_option("--expand", a.expand, "add K distorted copies of every training image")->capture_default_str();
  app.add_option("--seed", a.seed, "random seed (initialization, shuffling, dropout, expansion)")->capture_default_str();
  app.add_option("--dtype", a.dtype, "element type")->capture_default_str()->check(CLI::IsMember({"f32", "f64"}));
  app.add_option("--threads", a.threads, "BLAS threads (0 = choose by problem size)")->capture_default_str()->check(non_negative);
  app.add_option("--history", a.history, "write the per-epoch history as CSV");
  app.add_option("--plot", a.plot, "draw the accuracy curves as PNG (needs --history)")->needs("--history");
  app.add_option("--save", a.save, "save the trained network to FILE (JSON)");
  app.add_option("--format", a.format, "file format of --save (--load detects it)")
      ->capture_default_str()->check(CLI::IsMember({"xgrad", "network2"}));
  app.add_option("--load", a.load, "start from a saved network (xgrad or network2.py JSON); "
                                   "--epochs 0 only evaluates it");
  app.add_option("--checkpoint", a.checkpoint, "write a checkpoint to FILE after every epoch");
  app.add_option("--resume", a.resume, "continue the run checkpointed in FILE (give the same "
                                       "data, batch, η, λ, schedule and seed flags)")
      ->excludes("--load");
  app.add_flag("--quiet", a.quiet, "no progress bar");
  if (const std::optional<int> status = examples::parse_command_line(app, argc, argv)) return *status;
  const int status = examples::report_errors([&] {
    for (const std::string& m : CLI::detail::split(a.monitor, ',')) {
      if (m.empty()) continue;  // --monitor "" monitors nothing
      if (m != "eval-acc" && m != "eval-cost" && m != "train-acc" && m != "train-cost") {
        throw std::invalid_argument(fmt::format(
            "--monitor: unknown quantity '{}' (expected eval-acc, eval-cost, train-acc, train-cost)", m));
      }
    }
    const std::vector<std::size_t> sizes = parse_sizes(a.sizes);
    int threads = a.threads > 0 ? a.threads : default_blas_threads(a.batch, sizes.data(), sizes.size());
#ifdef XGRAD_WITH_MPI
    // The node's cores are shared by its ranks.
    if (a.threads == 0 && procs.size > 1) threads = std::max(1, threads / procs.world->local_size());
#endif
    set_blas_threads(threads);
    const BlasInfo blas = blas_info();
    fmt::print("BLAS: {} | {} thread{}\n", blas.kernels, blas.threads, blas.threads == 1 ? "" : "s");
    const int result = a.dtype == "f64" ? run<double>(a, sizes, procs) : run<float>(a, sizes, procs);
    // OpenBLAS's kernels matter only if some product ran on it (not with libxsmm alone). On
    // stderr: the results stay the last line of stdout, whatever the run's products.
    if (const std::size_t large = openblas_products(); !blas.advice.empty() && large > 0) {
      fmt::print(stderr, "note: {}; {} of this run's products ran on OpenBLAS\n", blas.advice, large);
    }
    return result;
  }, procs.size > 1 ? fmt::format(" on rank {} of {}", procs.rank, procs.size) : std::string());
#ifdef XGRAD_WITH_MPI
  // An error on one rank (not a divergence, which all ranks see together) ends the job.
  if (mpi && (status == 1 || status == 2)) mpi->end_job_on_error(status);
#endif
  return status;
}
