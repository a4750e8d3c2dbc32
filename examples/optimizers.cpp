// xgrad-optimizers: the chapter's Hessian technique made practical. Trains the book's
// [784, 30, 10] sigmoid network (cross-entropy on logits, L2 λ = 5) on MNIST with SGD,
// momentum, Nesterov, Adam, L-BFGS and Hessian-free, from the same initial weights, and
// records validation accuracy and training cost against data passes, against gradient-or-Hv
// evaluations and against wall-clock seconds (CSV, a gnuplot figure, a Markdown table).
// --pictures draws the book's intuition: Newton's method reaches the minimum of a quadratic
// bowl in one step; in an ill-conditioned valley gradient descent zig-zags while momentum
// and Newton do not.
//
//   xgrad-optimizers                      all six on 10,000 training images
//   xgrad-optimizers --train-size 50000   the full training set
//   xgrad-optimizers --pictures           only the two small pictures
//
// Float64 throughout (the second-order methods' line searches and curvature pairs want it).

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "cli.hpp"
#include "gnuplot.hpp"

namespace xgrad::examples {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string data, out = "optimizers";
  std::size_t train_size = 10000, eval_size = 10000, epochs = 15, seed = 1;
  std::size_t evaluation_budget = 150;  // full-batch gradient evaluations for L-BFGS
  std::size_t hf_steps = 40, curvature_batch = 1000;
  bool pictures = false;
};

// One measurement of one optimizer.
struct Record {
  std::string optimizer;
  std::size_t round = 0;        // epochs for the first-order rules, steps otherwise
  double passes = 0;            // examples run through the network / training-set size
  std::size_t evaluations = 0;  // gradients and Hessian-vector products
  double seconds = 0;           // training time, monitoring excluded
  double training_cost = 0;     // network2.py's total_cost on the training data
  double accuracy = 0;          // on the validation data, in [0, 1]
};

// What each runner gets: the data, the network (re-initialised from the same seed for
// every optimizer) and the objective pieces.
struct Lab {
  const Args& args;
  const Dataset<double>& training;
  const Dataset<double>& validation;
  std::unique_ptr<Sequential<double>> net;
  double examples_run = 0;  // counted by the objectives

  void reset() {
    Rng rng(args.seed);
    net = std::make_unique<Sequential<double>>(Dense<double>(784, 30, Init::standard, rng),
                                               Sigmoid<double>(),
                                               Dense<double>(30, 10, Init::standard, rng));
    examples_run = 0;
  }

  // The loss on rows of the training data: the fused cross-entropy plus the book's L2 term
  // λ/(2n)Σw² with n the training-set size, so every optimizer minimises the same C.
  Var<double> loss(const Matrix<double>& x, const Matrix<double>& y) {
    examples_run += static_cast<double>(x.shape()[0]);
    return binary_cross_entropy_with_logits((*net)(Vard(x)), y) +
           l2_penalty(*net, 5.0, training.size());
  }

  Record measure(const std::string& name, std::size_t round, const Optimizer<double>& opt,
                 double seconds) {
    Record r;
    r.optimizer = name;
    r.round = round;
    r.passes = examples_run / static_cast<double>(training.size());
    r.evaluations = opt.evaluations();
    r.seconds = seconds;
    r.training_cost = total_cost(*net, Cost::cross_entropy(), training, 5.0);
    r.accuracy = static_cast<double>(count_correct(*net, validation)) /
                 static_cast<double>(validation.size());
    fmt::print("{:<10} {:>4}  passes {:>7.2f}  evaluations {:>6}  {:>7.2f} s  cost {:.4f}  "
               "accuracy {:.2f}%\n",
               name, round, r.passes, r.evaluations, r.seconds, r.training_cost,
               100 * r.accuracy);
    std::fflush(stdout);
    return r;
  }
};

// The first-order rules: mini-batches of 10 (Adam: also 10), one step(objective) each.
std::vector<Record> run_first_order(Lab& lab, const std::string& name,
                                    const std::function<std::unique_ptr<Optimizer<double>>(
                                        std::vector<Parameter<double>>)>& make) {
  lab.reset();
  std::unique_ptr<Optimizer<double>> opt = make(lab.net->parameters());
  Batcher<double> batches(lab.training, 10, lab.args.seed);
  std::vector<Record> out{lab.measure(name, 0, *opt, 0)};
  double seconds = 0;
  for (std::size_t epoch = 1; epoch <= lab.args.epochs; ++epoch) {
    const auto start = Clock::now();
    batches.start_epoch();
    while (const Batch<double>* b = batches.next()) {
      opt->step([&] { return lab.loss(b->inputs, b->targets); });
    }
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    out.push_back(lab.measure(name, epoch, *opt, seconds));
  }
  return out;
}

std::vector<Record> run_lbfgs(Lab& lab) {
  lab.reset();
  LbfgsOptions o;
  o.history_size = 20;
  o.max_iterations = 10;  // iterations per recorded round
  LBFGS<double> lbfgs(lab.net->parameters(), o);
  const Matrix<double>& x = lab.training.inputs();
  const Matrix<double>& y = lab.training.targets();
  std::vector<Record> out{lab.measure("L-BFGS", 0, lbfgs, 0)};
  double seconds = 0;
  for (std::size_t round = 1; lbfgs.evaluations() < lab.args.evaluation_budget; ++round) {
    const auto start = Clock::now();
    lbfgs.step([&] { return lab.loss(x, y); });
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    out.push_back(lab.measure("L-BFGS", round, lbfgs, seconds));
  }
  return out;
}

std::vector<Record> run_hessian_free(Lab& lab) {
  lab.reset();
  HessianFreeOptions o;
  o.damping = 1;
  o.max_cg_iterations = 50;
  HessianFree<double> hf(lab.net->parameters(), o);
  const Matrix<double>& x = lab.training.inputs();
  const Matrix<double>& y = lab.training.targets();
  const std::size_t c = std::min(lab.args.curvature_batch, lab.training.size());
  std::mt19937_64 rng(lab.args.seed);
  std::vector<Record> out{lab.measure("HF", 0, hf, 0)};
  double seconds = 0;
  for (std::size_t step = 1; step <= lab.args.hf_steps; ++step) {
    const auto start = Clock::now();
    // A fresh curvature mini-batch each step, as Martens does.
    std::vector<std::size_t> rows(lab.training.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    for (std::size_t i = 0; i < c; ++i) {
      std::swap(rows[i], rows[i + std::uniform_int_distribution<std::size_t>(0, rows.size() - 1 - i)(rng)]);
    }
    Matrix<double> cx = xt::empty<double>({c, x.shape()[1]});
    Matrix<double> cy = xt::empty<double>({c, y.shape()[1]});
    for (std::size_t i = 0; i < c; ++i) {
      std::copy_n(x.data() + rows[i] * x.shape()[1], x.shape()[1], cx.data() + i * x.shape()[1]);
      std::copy_n(y.data() + rows[i] * y.shape()[1], y.shape()[1], cy.data() + i * y.shape()[1]);
    }
    hf.step([&] { return lab.loss(x, y); }, [&] { return lab.loss(cx, cy); });
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    out.push_back(lab.measure("HF", step, hf, seconds));
  }
  return out;
}

void write_csv(const fs::path& path, const std::vector<Record>& records) {
  std::ofstream out(path);
  out << "optimizer,round,passes,evaluations,seconds,training_cost,validation_accuracy\n";
  for (const Record& r : records) {
    out << fmt::format("{},{},{:.6g},{},{:.6g},{:.8g},{:.6g}\n", r.optimizer, r.round, r.passes,
                       r.evaluations, r.seconds, r.training_cost, r.accuracy);
  }
  if (!out) throw IoError(std::make_error_code(std::errc::io_error), "cannot write " + path.string());
}

void plot_comparison(const fs::path& png, const std::vector<std::vector<Record>>& runs) {
  Figure figure;
  figure.columns = 2;
  figure.width = 640;
  figure.height = 420;
  figure.title = "[784, 30, 10] on MNIST: first- and second-order optimizers";
  const auto panel = [&](const char* title, const char* xlabel, const char* ylabel, bool log_x,
                         double Record::*xf, double Record::*yf, bool accuracy) {
    Panel p;
    p.title = title;
    p.xlabel = xlabel;
    p.ylabel = ylabel;
    p.log_x = log_x;
    p.key = accuracy ? "bottom right" : "top right";
    if (accuracy) p.y_range = std::make_pair(80.0, 97.0);
    for (const auto& run : runs) {
      Curve c;
      c.title = run.front().optimizer;
      for (const Record& r : run) {
        if (log_x && r.*xf <= 0) continue;
        c.x.push_back(r.*xf);
        c.y.push_back(accuracy ? 100 * (r.*yf) : r.*yf);
      }
      p.curves.push_back(std::move(c));
    }
    return p;
  };
  figure.panels.push_back(panel("validation accuracy against data passes", "passes over the training data", "accuracy (%)", true, &Record::passes, &Record::accuracy, true));
  figure.panels.push_back(panel("validation accuracy against wall-clock time", "seconds", "accuracy (%)", true, &Record::seconds, &Record::accuracy, true));
  figure.panels.push_back(panel("training cost against data passes", "passes over the training data", "training cost", true, &Record::passes, &Record::training_cost, false));
  // Evaluations as a double for the axis.
  std::vector<std::vector<Record>> by_evaluations = runs;
  for (auto& run : by_evaluations) {
    for (Record& r : run) r.passes = static_cast<double>(r.evaluations);
  }
  Panel p = panel("training cost against gradient-or-Hv evaluations", "evaluations (gradients and Hessian-vector products)", "training cost", true, &Record::passes, &Record::training_cost, false);
  p.curves.clear();
  for (const auto& run : by_evaluations) {
    Curve c;
    c.title = run.front().optimizer;
    for (const Record& r : run) {
      if (r.passes <= 0) continue;
      c.x.push_back(r.passes);
      c.y.push_back(r.training_cost);
    }
    p.curves.push_back(std::move(c));
  }
  figure.panels.push_back(std::move(p));
  const std::string script = figure_script(figure, png);
  std::ofstream(fs::path(png).replace_extension(".gp")) << script;
  if (!run_gnuplot(script)) throw Error("gnuplot could not draw " + png.string());
}

// ---- The two pictures -------------------------------------------------------------

using Path = std::vector<std::pair<double, double>>;

// Minimises f from `start` with `make`'s optimizer for `steps` steps, recording the path.
Path trajectory(const std::function<Vard(const Vard&)>& f, std::pair<double, double> start,
                const std::function<std::unique_ptr<Optimizer<double>>(std::vector<Parameter<double>>)>& make,
                std::size_t steps) {
  const Vard w(Matrix<double>({{start.first, start.second}}), true);
  std::unique_ptr<Optimizer<double>> opt = make({{"w", w, ParameterKind::bias}});
  Path path{start};
  for (std::size_t i = 0; i < steps; ++i) {
    opt->step([&] { return f(w); });
    path.emplace_back(w.value()(0, 0), w.value()(0, 1));
  }
  return path;
}

// Level sets ½wAwᵀ = c of a 2×2 quadratic, as closed curves.
Curve level_set(double a11, double a12, double a22, double c, const std::string& title) {
  Curve curve;
  curve.title = title;
  for (int k = 0; k <= 200; ++k) {
    const double t = 2 * M_PI * k / 200;
    const double dx = std::cos(t), dy = std::sin(t);
    const double q = a11 * dx * dx + 2 * a12 * dx * dy + a22 * dy * dy;
    const double r = std::sqrt(2 * c / q);
    curve.x.push_back(r * dx);
    curve.y.push_back(r * dy);
  }
  return curve;
}

Curve path_curve(const Path& path, const std::string& title) {
  Curve c;
  c.title = title;
  c.points = true;
  for (const auto& [x, y] : path) {
    c.x.push_back(x);
    c.y.push_back(y);
  }
  return c;
}

void draw_pictures(const fs::path& dir) {
  const auto newton = [](std::vector<Parameter<double>> p) -> std::unique_ptr<Optimizer<double>> {
    HessianFreeOptions o;
    o.damping = 0;  // undamped: CG on H p = −g, exact in two iterations for two unknowns
    o.min_cg_iterations = 2;
    return std::make_unique<HessianFree<double>>(std::move(p), o);
  };
  const auto gd = [](double eta) {
    return [eta](std::vector<Parameter<double>> p) -> std::unique_ptr<Optimizer<double>> {
      return std::make_unique<SGD<double>>(std::move(p), eta);
    };
  };
  // 1. A bowl: ½wAwᵀ with A = [[3, 1], [1, 2]].
  const auto bowl = [](const Vard& w) {
    return 0.5 * sum(matmul(w, Vard(Matrix<double>({{3.0, 1.0}, {1.0, 2.0}}))) * w);
  };
  Figure first;
  first.width = first.height = 560;
  Panel p1;
  p1.title = "Newton's step reaches the minimum of a quadratic bowl at once";
  p1.xlabel = "w_1";
  p1.ylabel = "w_2";
  p1.key = "top left";
  for (double c : {0.5, 2.0, 4.5, 8.0}) {
    p1.curves.push_back(level_set(3, 1, 2, c, c == 0.5 ? "C = const" : ""));
  }
  p1.curves.push_back(path_curve(trajectory(bowl, {-2.0, 1.6}, gd(0.15), 12), "gradient descent, η = 0.15, 12 steps"));
  p1.curves.push_back(path_curve(trajectory(bowl, {-2.0, 1.6}, newton, 1), "Newton, Δw = −H⁻¹∇C, 1 step"));
  first.panels.push_back(std::move(p1));
  std::string script = figure_script(first, dir / "newton-bowl.png");
  std::ofstream(dir / "newton-bowl.gp") << script;
  if (!run_gnuplot(script)) throw Error("gnuplot could not draw newton-bowl.png");

  // 2. An ill-conditioned valley: ½(w₁² + 25w₂²), condition number 25.
  const auto valley = [](const Vard& w) {
    return 0.5 * sum(square(w) * Vard(Matrix<double>({{1.0, 25.0}})));
  };
  Figure second;
  second.width = 900;
  second.height = 420;
  Panel p2;
  p2.title = "An ill-conditioned valley: gradient descent zig-zags, momentum and Newton do not";
  p2.xlabel = "w_1";
  p2.ylabel = "w_2";
  p2.key = "bottom right";
  for (double c : {1.0, 4.0, 12.5}) p2.curves.push_back(level_set(1, 0, 25, c, ""));
  p2.curves.push_back(path_curve(trajectory(valley, {-5.0, 0.7}, gd(0.075), 25), "gradient descent, η = 0.075"));
  p2.curves.push_back(path_curve(
      trajectory(valley, {-5.0, 0.7},
                 [](std::vector<Parameter<double>> p) -> std::unique_ptr<Optimizer<double>> {
                   return std::make_unique<Momentum<double>>(std::move(p), 0.02, 0.8);
                 },
                 25),
      "momentum, η = 0.02, μ = 0.8"));
  p2.curves.push_back(path_curve(trajectory(valley, {-5.0, 0.7}, newton, 1), "Newton, 1 step"));
  second.panels.push_back(std::move(p2));
  script = figure_script(second, dir / "valley.png");
  std::ofstream(dir / "valley.gp") << script;
  if (!run_gnuplot(script)) throw Error("gnuplot could not draw valley.png");
  fmt::print("wrote {} and {}\n", (dir / "newton-bowl.png").string(), (dir / "valley.png").string());
}

int run(const Args& args) {
  reuse_large_buffers();  // full-batch graphs allocate many large temporaries per pass
  const fs::path out(args.out);
  fs::create_directories(out);
  if (args.pictures) {
    draw_pictures(out);
    return 0;
  }
  mnist::LocateOptions where;
  where.dir = args.data;
  const mnist::DataSource source = mnist::locate(where);
  mnist::LoadOptions load;
  load.training_size = args.train_size;
  load.validation_size = args.eval_size;
  load.test_size = 0;
  const mnist::Split<double> split = mnist::load<double>(source, load);
  fmt::print("data: {}\n{} training, {} validation images; [784, 30, 10] sigmoid, cross-entropy, "
             "λ = 5, float64, seed {}\n",
             source.description, split.training.size(), split.validation.size(), args.seed);
  Lab lab{args, split.training, split.validation, nullptr};
  const WeightDecay none{};
  std::vector<std::vector<Record>> runs;
  runs.push_back(run_first_order(lab, "SGD", [&](auto p) {
    return std::make_unique<SGD<double>>(std::move(p), 0.5, none);
  }));
  runs.push_back(run_first_order(lab, "Momentum", [&](auto p) {
    return std::make_unique<Momentum<double>>(std::move(p), 0.1, 0.9, none);
  }));
  runs.push_back(run_first_order(lab, "Nesterov", [&](auto p) {
    return std::make_unique<Nesterov<double>>(std::move(p), 0.1, 0.9, none);
  }));
  runs.push_back(run_first_order(lab, "Adam", [&](auto p) {
    AdamOptions o;
    o.learning_rate = 1e-3;
    return std::make_unique<Adam<double>>(std::move(p), o);
  }));
  runs.push_back(run_lbfgs(lab));
  runs.push_back(run_hessian_free(lab));

  std::vector<Record> all;
  for (const auto& run : runs) all.insert(all.end(), run.begin(), run.end());
  write_csv(out / "optimizers.csv", all);
  plot_comparison(out / "optimizers.png", runs);
  // The table: best validation accuracy, where it was reached, final cost and the cost.
  std::string table =
      "| optimizer | hyper-parameters | best accuracy | at passes | at evaluations | at seconds | final training cost |\n"
      "|---|---|---|---|---|---|---|\n";
  const std::vector<std::string> hyper = {
      "η = 0.5, batch 10", "η = 0.1, μ = 0.9, batch 10", "η = 0.1, μ = 0.9, batch 10",
      "η = 0.001, β = (0.9, 0.999), batch 10",
      "full batch, m = 20, strong Wolfe, 10 iterations per round",
      fmt::format("full-batch gradient, curvature on {} images, λ₀ = 1, ≤ 50 CG iterations",
                  std::min(args.curvature_batch, split.training.size()))};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Record* best = &runs[i].front();
    for (const Record& r : runs[i]) best = r.accuracy > best->accuracy ? &r : best;
    table += fmt::format("| {} | {} | {:.2f}% | {:.1f} | {} | {:.1f} | {:.4f} |\n",
                         runs[i].front().optimizer, hyper[i], 100 * best->accuracy, best->passes,
                         best->evaluations, best->seconds, runs[i].back().training_cost);
  }
  std::ofstream(out / "optimizers.md") << table;
  fmt::print("\n{}\nwrote {}, {} and {}\n", table, (out / "optimizers.csv").string(),
             (out / "optimizers.png").string(), (out / "optimizers.md").string());
  return 0;
}

}  // namespace
}  // namespace xgrad::examples

int main(int argc, char** argv) {
  using namespace xgrad::examples;
  Args args;
  CLI::App app("Compare first- and second-order optimizers on the book's MNIST network, or "
               "draw Newton's method on a bowl and a valley (--pictures)");
  app.add_option("--data", args.data, data_option_help);
  app.add_option("--out", args.out, "directory for the CSV, the figures and the table")->capture_default_str();
  app.add_option("--train-size", args.train_size, "training images (first n of the 50,000)")
      ->check(CLI::Range(std::size_t(100), std::size_t(50000)))->capture_default_str();
  app.add_option("--eval-size", args.eval_size, "validation images")
      ->check(CLI::Range(std::size_t(100), std::size_t(10000)))->capture_default_str();
  app.add_option("--epochs", args.epochs, "epochs of each first-order optimizer")
      ->check(CLI::Range(std::size_t(1), std::size_t(1000)))->capture_default_str();
  app.add_option("--lbfgs-evaluations", args.evaluation_budget, "L-BFGS's budget of full-batch gradients")
      ->check(CLI::Range(std::size_t(1), std::size_t(100000)))->capture_default_str();
  app.add_option("--hf-steps", args.hf_steps, "Hessian-free steps")
      ->check(CLI::Range(std::size_t(1), std::size_t(10000)))->capture_default_str();
  app.add_option("--curvature-batch", args.curvature_batch, "images in Hessian-free's curvature mini-batch")
      ->check(CLI::Range(std::size_t(10), std::size_t(50000)))->capture_default_str();
  app.add_option("--seed", args.seed, "initial weights and shuffling")->capture_default_str();
  app.add_flag("--pictures", args.pictures, "only draw the two pictures of Newton's method");
  if (const auto status = parse_command_line(app, argc, argv)) return *status;
  return report_errors([&] { return run(args); });
}
