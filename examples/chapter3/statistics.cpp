#include "chapter3/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>

namespace xgrad::examples::chapter3 {

Summary summarize(const std::vector<double>& values) {
  Summary s;
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  s.n = v.size();
  if (v.empty()) return s;
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double squares = 0;
  for (double x : v) squares += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(squares / double(v.size() - 1)) : 0.0;  // sample sd
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  return s;
}

std::string format_summary(const Summary& s, int decimals, const std::string& unit) {
  if (s.n == 0) return "n/a";
  std::string text = fmt::format("{:.{}f}{}", s.mean, decimals, unit);
  if (s.n > 1) {
    text += fmt::format(" ± {:.{}f} ({:.{}f}–{:.{}f})", s.sd, decimals, s.min, decimals, s.max,
                        decimals);
  }
  return text;
}

std::vector<double> series(const Run& run, Quantity q) {
  std::vector<double> out;
  for (const EpochStats& e : run.history.epochs) {
    const auto percent = [](const std::optional<std::size_t>& c, std::size_t n) {
      return c ? 100.0 * double(*c) / double(n) : std::numeric_limits<double>::quiet_NaN();
    };
    const auto value = [](const std::optional<double>& v) {
      return v ? *v : std::numeric_limits<double>::quiet_NaN();
    };
    switch (q) {
      case Quantity::eval_accuracy: out.push_back(percent(e.evaluation_correct, e.evaluation_size)); break;
      case Quantity::eval_cost: out.push_back(value(e.evaluation_cost)); break;
      case Quantity::train_accuracy: out.push_back(percent(e.training_correct, e.training_size)); break;
      case Quantity::train_cost: out.push_back(value(e.training_cost)); break;
    }
  }
  return out;
}

double best_of(const std::vector<double>& v) {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (double x : v) {
    if (std::isfinite(x) && !(x <= best)) best = x;
  }
  return best;
}

double arg_best(const std::vector<double>& v, bool maximum) {
  double best_index = -1, best = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) continue;
    if (best_index < 0 || (maximum ? v[i] > best : v[i] < best)) {
      best = v[i];
      best_index = double(i);
    }
  }
  return best_index;
}

double mean_between(const std::vector<double>& v, std::size_t first, std::size_t last) {
  std::vector<double> part;
  for (std::size_t i = first; i < std::min(last, v.size()); ++i) part.push_back(v[i]);
  return summarize(part).mean;
}

double best_eval(const Run& r) { return best_of(series(r, Quantity::eval_accuracy)); }
double best_train(const Run& r) { return best_of(series(r, Quantity::train_accuracy)); }
bool diverged(const Run& r) { return r.history.stop_reason == StopReason::diverged; }
double final_eval(const Run& r) { return 100.0 * double(r.final_correct) / double(r.eval_size); }
double final_gap(const Run& r) {
  return series(r, Quantity::train_accuracy).back() - series(r, Quantity::eval_accuracy).back();
}

Curve mean_curve(const std::vector<const Run*>& runs, Quantity q, std::string title) {
  Curve c;
  c.title = std::move(title);
  std::vector<std::vector<double>> all;
  std::size_t epochs = 0;
  for (const Run* r : runs) {
    all.push_back(series(*r, q));
    epochs = std::max(epochs, all.back().size());
  }
  for (std::size_t e = 0; e < epochs; ++e) {
    std::vector<double> at;
    for (const auto& s : all) {
      if (e < s.size()) at.push_back(s[e]);
    }
    const Summary s = summarize(at);
    c.x.push_back(double(e + 1));
    c.y.push_back(s.mean);
    if (runs.size() > 1) {
      c.low.push_back(s.min);
      c.high.push_back(s.max);
    }
  }
  return c;
}

}  // namespace xgrad::examples::chapter3
