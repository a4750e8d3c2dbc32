#pragma once
// xgrad-chapter3's output: an experiment's result (the table "book vs measured", notes,
// plots, files), printed on stdout, written as CSV histories and gnuplot figures, and
// gathered into the Markdown report.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chapter3/runner.hpp"
#include "gnuplot.hpp"

namespace xgrad::examples::chapter3 {

enum class Verdict { none, pass, fail };

inline Verdict verdict(bool ok) { return ok ? Verdict::pass : Verdict::fail; }

struct Row {
  std::string quantity, book, measured, target;
  Verdict verdict = Verdict::none;
  bool headline = false;  // also shown in the report's summary table
};

struct Plot {
  fs::path png;
  std::string caption;
};

// Results of one experiment.
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

// Per-epoch histories of runs, one line per (run, seed, epoch); accuracies as fractions.
void write_histories(const fs::path& path, const std::string& experiment,
                     const std::vector<const Run*>& runs);

// Writes the figure's script (stem.gp) and, unless --no-plots, draws stem.png.
void draw(const Options& options, Result& result, const std::string& stem, const Figure& figure,
          const std::string& caption);

std::string seed_list(const std::vector<std::uint64_t>& seeds);

// Prints an experiment's table.
void print_result(const Result& r);

// The Markdown report of the results, with their plots copied to img/chapter3/ beside it.
void write_report(const fs::path& path, const std::vector<Result>& results, const std::string& header,
                  double total_seconds, const std::string& load, bool quick);

// The machine's 1-minute load average, where /proc/loadavg exists: wall times mean little
// without it.
std::optional<double> load_average();

std::string utc_now();

}  // namespace xgrad::examples::chapter3
