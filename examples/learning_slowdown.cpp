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

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "toy_neuron.hpp"

using namespace xgrad;
using namespace xgrad::examples;

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

  std::vector<NeuronRun> runs = book_neuron_runs();
  for (NeuronRun& r : runs) train_neuron(r, epochs);

  fmt::print("One sigmoid neuron, input 1 -> target 0: output a and cost C per epoch\n");
  fmt::print("{:>5} |{:^19}|{:^19}|{:^19}|{:^19}|\n", "", "quadratic (0.6,0.9)", "quadratic (2,2)",
             "x-entropy (0.6,0.9)", "x-entropy (2,2)");
  fmt::print("{:>5} |{:^19}|{:^19}|{:^19}|{:^19}|\n", "epoch", "η = 0.15", "η = 0.15",
             "η = 0.005", "η = 0.005");
  for (int e = 0; e <= epochs; ++e) {
    if (e % every != 0 && e != epochs) continue;
    fmt::print("{:5d} |", e);
    for (const NeuronRun& r : runs) fmt::print(" a {:.4f} C {:.4f}|", r.output[e], r.value[e]);
    fmt::print("\n");
  }
  const int early = std::min(100, epochs);
  fmt::print("\nAfter {} epochs:\n", epochs);
  for (const NeuronRun& r : runs) {
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
    write_neuron_csv(csv, runs, epochs);
    const std::string script = neuron_plot_script(csv, png);
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
