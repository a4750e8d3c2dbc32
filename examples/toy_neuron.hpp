#pragma once
// The chapter's toy neuron (experiments 1–3, "the learning slowdown"), shared by
// xgrad-learning-slowdown and xgrad-chapter3: one sigmoid neuron, input 1, target 0,
// trained by gradient descent (one step per epoch) from (w, b) = (0.6, 0.9) (output 0.82)
// and (2, 2) (output 0.98), with the quadratic cost (η = 0.15) and cross-entropy (η = 0.005).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "gnuplot.hpp"

namespace xgrad::examples {

/// One run of the toy neuron: its start, cost and learning rate, and what it measured.
struct NeuronRun {
  std::string label;  ///< for tables, the CSV header and the plot key
  Cost cost;          ///< quadratic or cross-entropy
  double w, b, eta;   ///< starting weight and bias, learning rate
  std::vector<double> output, value;  ///< per epoch, index 0 = before training
};

/// The book's four runs: quadratic from (0.6, 0.9) and (2, 2) with η = 0.15 (experiments 1
/// and 2), cross-entropy from both with η = 0.005 (experiment 3).
inline std::vector<NeuronRun> book_neuron_runs() {
  return {{"quadratic (0.6 0.9)", Cost::quadratic(), 0.6, 0.9, 0.15, {}, {}},
          {"quadratic (2 2)", Cost::quadratic(), 2.0, 2.0, 0.15, {}, {}},
          {"cross-entropy (0.6 0.9)", Cost::cross_entropy(), 0.6, 0.9, 0.005, {}, {}},
          {"cross-entropy (2 2)", Cost::cross_entropy(), 2.0, 2.0, 0.005, {}, {}}};
}

/// Gradient descent on the single example (x, y) = (1, 0): one step per epoch; records the
/// output and cost before training and after each step.
inline void train_neuron(NeuronRun& run, int epochs) {
  const Vard x(Matrix<double>({{1.0}}));
  const Matrix<double> y = {{0.0}};
  Dense<double> neuron(Matrix<double>({{run.w}}), Matrix<double>({{run.b}}));
  SGD<double> sgd(neuron.parameters(), run.eta);
  run.output.clear();
  run.value.clear();
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

/// The first epoch after which the cost fell by at least `fraction` of its starting value
/// in a single epoch's step relative to the largest one-epoch fall of the run: a measure of
/// how long learning takes to get going (0 when it is fastest at the start).
inline int epochs_before_learning(const NeuronRun& run, double fraction = 0.5) {
  double largest = 0;
  for (std::size_t e = 1; e < run.value.size(); ++e) {
    largest = std::max(largest, run.value[e - 1] - run.value[e]);
  }
  for (std::size_t e = 1; e < run.value.size(); ++e) {
    if (run.value[e - 1] - run.value[e] >= fraction * largest) return int(e - 1);
  }
  return int(run.value.size()) - 1;
}

/// Writes `epoch,<label> output,<label> cost,...` for epochs 0…epochs.
inline void write_neuron_csv(const std::filesystem::path& path, const std::vector<NeuronRun>& runs,
                             int epochs) {
  std::ofstream out(path);
  out << "epoch";
  for (const NeuronRun& r : runs) out << ',' << r.label << " output," << r.label << " cost";
  out << '\n';
  for (int e = 0; e <= epochs; ++e) {
    out << e;
    for (const NeuronRun& r : runs) out << fmt::format(",{:.10g},{:.10g}", r.output[e], r.value[e]);
    out << '\n';
  }
  if (!out) throw std::runtime_error("could not write " + path.string());
}

namespace detail {
// One panel: columns `first` and `first + 2` of the CSV (the two starts of one cost).
inline std::string neuron_panel(const std::string& csv, const char* title, const char* ylabel,
                                int first) {
  return fmt::format(
      "set title \"{}\"\nset ylabel \"{}\"\n"
      "plot {} using 1:{} with lines lw 2 title \"from (w, b) = (0.6, 0.9)\", \\\n"
      "     {} using 1:{} with lines lw 2 title \"from (w, b) = (2, 2)\"\n",
      title, ylabel, csv, first, csv, first + 2);
}
}  // namespace detail

/// A gnuplot script drawing the CSV of book_neuron_runs(): cost curves (top) and outputs
/// (bottom), quadratic runs left, cross-entropy runs right.
inline std::string neuron_plot_script(const std::filesystem::path& csv,
                                      const std::filesystem::path& png) {
  const std::string data = gnuplot_string(csv);
  return "set terminal pngcairo size 1100,760 font \",11\"\n"
         "set output " + gnuplot_string(png) + "\n"
         "set datafile separator \",\"\n"
         "set multiplot layout 2,2 title \"Learning slowdown: one sigmoid neuron, input 1, "
         "target 0\" font \",13\"\n"
         "set grid\nset key top right\nset xlabel \"epoch\"\n" +
         detail::neuron_panel(data, "Quadratic cost, η = 0.15", "cost", 3) +
         detail::neuron_panel(data, "Cross-entropy cost, η = 0.005", "cost", 7) +
         "set yrange [0:1]\n" +
         detail::neuron_panel(data, "Quadratic cost: output", "output a = σ(w + b)", 2) +
         detail::neuron_panel(data, "Cross-entropy cost: output", "output a = σ(w + b)", 6) +
         "unset multiplot\n";
}

}  // namespace xgrad::examples
