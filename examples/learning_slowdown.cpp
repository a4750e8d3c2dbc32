// xgrad-learning-slowdown: the single-neuron experiments 1–3 of chapter 3 ("the
// learning slowdown"). One sigmoid neuron, input 1, target 0, trained by gradient descent
// from (w, b) = (0.6, 0.9) (output 0.82) and (2, 2) (output 0.98):
//   1. quadratic cost, η = 0.15, from (0.6, 0.9): learns, output ≈ 0.09 after 300 epochs;
//   2. quadratic cost, η = 0.15, from (2, 2): a long plateau — σ'(z) ≈ 0.018 there;
//   3. cross-entropy, η = 0.005, from both starts: learns from the first epoch.
// Prints the output and cost of every run per epoch, writes them as CSV, and draws the
// cost and output curves with gnuplot as a PNG.
//
//   xgrad-learning-slowdown [--out DIR] [--epochs N] [--every K] [--no-plot]

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

struct Run {
  std::string label;  // for the table, the CSV header and the plot key
  Cost cost;
  double w, b, eta;
  std::vector<double> output, value;  // per epoch, epoch 0 = before training
};

// Gradient descent on the single example (x, y) = (1, 0): one step per epoch.
void train(Run& run, int epochs) {
  const Vard x(Matrix<double>({{1.0}}));
  const Matrix<double> y = {{0.0}};
  Dense<double> neuron(Matrix<double>({{run.w}}), Matrix<double>({{run.b}}));
  SGD<double> sgd(neuron.parameters(), run.eta);
  for (int epoch = 0;; ++epoch) {
    const Vard z = neuron(x);
    const Vard loss = run.cost.on_logits(z, y);
    run.output.push_back(run.cost.activate(z).item());
    run.value.push_back(loss.item());
    if (epoch == epochs) return;
    sgd.zero_grad();
    loss.backward();
    sgd.step();
  }
}

// A path as a gnuplot single-quoted string ('' stands for a quote inside one).
std::string gnuplot_string(const std::filesystem::path& p) {
  std::string quoted = "'";
  for (char c : p.string()) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

void write_csv(const std::filesystem::path& path, const std::vector<Run>& runs, int epochs) {
  std::ofstream out(path);
  out << "epoch";
  for (const Run& r : runs) out << ',' << r.label << " output," << r.label << " cost";
  out << '\n';
  for (int e = 0; e <= epochs; ++e) {
    out << e;
    for (const Run& r : runs) out << fmt::format(",{:.10g},{:.10g}", r.output[e], r.value[e]);
    out << '\n';
  }
  if (!out) throw std::runtime_error("could not write " + path.string());
}

// One panel: columns `first` and `first + 2` of the CSV (the two starts of one cost).
std::string panel(const std::string& csv, const char* title, const char* ylabel, int first) {
  return fmt::format(
      "set title \"{}\"\nset ylabel \"{}\"\n"
      "plot {} using 1:{} with lines lw 2 title \"from (w, b) = (0.6, 0.9)\", \\\n"
      "     {} using 1:{} with lines lw 2 title \"from (w, b) = (2, 2)\"\n",
      title, ylabel, csv, first, csv, first + 2);
}

// Cost curves (top) and outputs (bottom), quadratic runs left, cross-entropy runs right.
std::string gnuplot_script(const std::filesystem::path& csv, const std::filesystem::path& png) {
  const std::string data = gnuplot_string(csv);
  return "set terminal pngcairo size 1100,760 font \",11\"\n"
         "set output " + gnuplot_string(png) + "\n"
         "set datafile separator \",\"\n"
         "set multiplot layout 2,2 title \"Learning slowdown: one sigmoid neuron, input 1, "
         "target 0\" font \",13\"\n"
         "set grid\nset key top right\nset xlabel \"epoch\"\n" +
         panel(data, "Quadratic cost, η = 0.15", "cost", 3) +
         panel(data, "Cross-entropy cost, η = 0.005", "cost", 7) + "set yrange [0:1]\n" +
         panel(data, "Quadratic cost: output", "output a = σ(w + b)", 2) +
         panel(data, "Cross-entropy cost: output", "output a = σ(w + b)", 6) + "unset multiplot\n";
}

// Runs gnuplot on `script`; false if it cannot be started or fails.
bool run_gnuplot(const std::string& script) {
  FILE* pipe = popen("gnuplot", "w");
  if (pipe == nullptr) return false;
  const bool written = std::fputs(script.c_str(), pipe) >= 0;
  return pclose(pipe) == 0 && written;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The learning-slowdown experiments 1-3 of chapter 3 (one sigmoid neuron)."};
  std::filesystem::path out_dir = ".";
  int epochs = 300, every = 1;
  bool no_plot = false;
  app.add_option("--out", out_dir, "Directory for learning_slowdown.{csv,gp,png}")
      ->capture_default_str();
  app.add_option("--epochs", epochs, "Epochs per run")->capture_default_str()->check(
      CLI::Range(1, 1000000));
  app.add_option("--every", every, "Print every K-th epoch")->capture_default_str()->check(
      CLI::PositiveNumber);
  app.add_flag("--no-plot", no_plot, "Write the CSV only, do not run gnuplot");
  CLI11_PARSE(app, argc, argv);

  std::vector<Run> runs = {
      {"quadratic (0.6 0.9)", Cost::quadratic(), 0.6, 0.9, 0.15, {}, {}},
      {"quadratic (2 2)", Cost::quadratic(), 2.0, 2.0, 0.15, {}, {}},
      {"cross-entropy (0.6 0.9)", Cost::cross_entropy(), 0.6, 0.9, 0.005, {}, {}},
      {"cross-entropy (2 2)", Cost::cross_entropy(), 2.0, 2.0, 0.005, {}, {}}};
  for (Run& r : runs) train(r, epochs);

  fmt::print("One sigmoid neuron, input 1 -> target 0: output a and cost C per epoch\n");
  fmt::print("{:>5} |{:^19}|{:^19}|{:^19}|{:^19}|\n", "", "quadratic (0.6,0.9)", "quadratic (2,2)",
             "x-entropy (0.6,0.9)", "x-entropy (2,2)");
  fmt::print("{:>5} |{:^19}|{:^19}|{:^19}|{:^19}|\n", "epoch", "η = 0.15", "η = 0.15",
             "η = 0.005", "η = 0.005");
  for (int e = 0; e <= epochs; ++e) {
    if (e % every != 0 && e != epochs) continue;
    fmt::print("{:5d} |", e);
    for (const Run& r : runs) fmt::print(" a {:.4f} C {:.4f}|", r.output[e], r.value[e]);
    fmt::print("\n");
  }
  const int early = std::min(100, epochs);
  fmt::print("\nAfter {} epochs:\n", epochs);
  for (const Run& r : runs) {
    fmt::print("  {:<24} output {:.4f} -> {:.4f}   cost {:.4f} -> {:.4f}   "
               "({:.1f}% of the cost gone in the first {} epochs)\n",
               r.label, r.output.front(), r.output.back(), r.value.front(), r.value.back(),
               100.0 * (1.0 - r.value[early] / r.value.front()), early);
  }

  try {
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path csv = out_dir / "learning_slowdown.csv";
    const std::filesystem::path gp = out_dir / "learning_slowdown.gp";
    const std::filesystem::path png = out_dir / "learning_slowdown.png";
    write_csv(csv, runs, epochs);
    const std::string script = gnuplot_script(csv, png);
    std::ofstream(gp) << script;  // kept so the plot can be redrawn or restyled by hand
    fmt::print("\nwrote {}\nwrote {} (gnuplot script)\n", csv.string(), gp.string());
    if (no_plot) return 0;
    if (!run_gnuplot(script)) {
      fmt::print(stderr,
                 "error: gnuplot could not draw {} (install gnuplot-nox, or pass --no-plot)\n",
                 png.string());
      return 1;
    }
    fmt::print("wrote {}\n", png.string());
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
