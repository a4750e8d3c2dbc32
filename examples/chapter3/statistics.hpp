#pragma once
// xgrad-chapter3's statistics: summaries over seeds, per-epoch series of a run, and the
// mean curves of the plots.

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "chapter3/runner.hpp"
#include "gnuplot.hpp"

namespace xgrad::examples::chapter3 {

// Statistics over seeds.
struct Summary {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = 0, min = mean, max = mean;
  std::size_t n = 0;
};

Summary summarize(const std::vector<double>& values);

// "95.37%", or with several seeds "95.37% ± 0.05 (95.30–95.44)".
std::string format_summary(const Summary& s, int decimals, const std::string& unit);
inline std::string pct(const Summary& s) { return format_summary(s, 2, "%"); }
inline std::string pp(const Summary& s) { return format_summary(s, 2, " pp"); }
inline std::string num(const Summary& s, int decimals = 1) { return format_summary(s, decimals, ""); }
inline std::string epoch_of(const Summary& s) { return format_summary(s, 0, ""); }

// Per-epoch quantities of a run.
enum class Quantity { eval_accuracy, eval_cost, train_accuracy, train_cost };

std::vector<double> series(const Run& run, Quantity q);

double best_of(const std::vector<double>& v);

// Index of the first maximum (or minimum) of v; -1 if empty.
double arg_best(const std::vector<double>& v, bool maximum = true);

double mean_between(const std::vector<double>& v, std::size_t first, std::size_t last);

// A statistic of each run, summarised over the runs (the seeds).
template <class F>
Summary over(const std::vector<const Run*>& runs, F&& statistic) {
  std::vector<double> values;
  for (const Run* r : runs) values.push_back(statistic(*r));
  return summarize(values);
}

double best_eval(const Run& r);
double best_train(const Run& r);
bool diverged(const Run& r);
double final_eval(const Run& r);
double final_gap(const Run& r);

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
Curve mean_curve(const std::vector<const Run*>& runs, Quantity q, std::string title);

}  // namespace xgrad::examples::chapter3
