// xgrad-chapter3: the experiments #1–#15 of chapter 3 of "Neural Networks and Deep
// Learning", each with the book's hyper-parameters, a table "book vs
// measured" (mean and spread over seeds), the per-epoch histories as CSV and plots shaped
// like the book's graphs (gnuplot).
//
//   xgrad-chapter3 4 9 10                 experiments by number …
//   xgrad-chapter3 overfitting init       … or by name (--list shows them)
//   xgrad-chapter3 all                    everything, and the report docs/REPRODUCTION.md
//   xgrad-chapter3 6 --quick              a smoke run: fewer epochs, smaller data, one seed
//   mpirun -np 4 xgrad-chapter3 all       the runs handed out to 4 processes (same results)
//
// Runs shared by several experiments (e.g. #6 is #8's baseline) are trained once per seed.
//
// The files: runner (options, runs and the Lab that trains them), statistics (over seeds),
// experiments (the catalogue), report (tables, CSV, figures, Markdown) and this main.

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "chapter3/experiments.hpp"
#include "chapter3/report.hpp"
#include "chapter3/runner.hpp"
#include "cli.hpp"
#include "common/processes.hpp"

using namespace xgrad;
using namespace xgrad::examples;
using namespace xgrad::examples::chapter3;

namespace {

template <class T>
int run(const Options& options, const Processes& processes) {
  const std::vector<Experiment<T>> all = catalogue<T>();
  const std::vector<const Experiment<T>*> chosen = select(all, options.experiments);
  if (processes.root()) fs::create_directories(options.out);

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
      "Run on {}: xgrad {}, {}, matrix products: {} ({} thread{}); data: {}; seeds {}; "
      "mini-batch 10 and cross-entropy with sigmoid outputs unless said otherwise.\n\n",
      utc_now(), version(), options.dtype == "f64" ? "float64" : "float32", blas.kernels,
      blas.threads, blas.threads == 1 ? "" : "s", description, seed_list(lab.seeds()));
  fmt::print("{}", header);

  const auto start = Clock::now();
  if (processes.size() > 1) {
    // Every run the chosen experiments need, handed out to the processes; then rank 0 makes
    // the tables and files from them as a single process would.
    std::vector<RunSpec> plan;
    for (const Experiment<T>* e : chosen) {
      const std::vector<RunSpec> specs = e->plan(options.quick);
      plan.insert(plan.end(), specs.begin(), specs.end());
    }
    fmt::print("\nMPI: the runs are handed out to {} processes by a task farm\n", processes.size());
    std::fflush(stdout);
    const std::size_t trained = lab.prefetch(plan, processes);
    fmt::print("{} runs trained in {:.1f} s\n", trained, seconds_since(start));
    if (!processes.root()) return 0;
  }
  std::vector<Result> results;
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
    const double prefetched = lab.prefetched_seconds();
    const auto t0 = Clock::now();
    Context<T> context{lab, result};
    e->run(context);
    result.seconds = seconds_since(t0) + (lab.prefetched_seconds() - prefetched);
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
  Processes processes(argc, argv);
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
  double task_timeout = 0;
  add_task_timeout_option(app, task_timeout);
  if (const std::optional<int> status = parse_command_line(app, argc, argv)) return *status;
  processes.set_task_timeout(task_timeout);
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
  return processes.run_main([&] {
    set_blas_threads(o.threads);
    return o.dtype == "f64" ? run<double>(o, processes) : run<float>(o, processes);
  });
}
