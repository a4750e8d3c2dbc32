#pragma once
// Hyper-parameter search for xgrad-search, apart from what is trained (so it can be tested
// on synthetic scores): the search space, grid and random candidates, ranking, and
// successive halving — the book's "broad strategy" made systematic: get quick feedback on
// every candidate with a small budget (a subset of the training data, few epochs), then
// promote the best 1/factor of them to the next, larger budget, until the last budget.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <xgrad/datasets/random.hpp>

namespace xgrad::examples::search {

/// One configuration of the searched hyper-parameters.
struct Config {
  double eta = 0.5;         ///< learning rate η
  double lambda = 5.0;      ///< L2 regularization λ
  std::size_t hidden = 30;  ///< neurons in the hidden layer
  std::size_t batch = 10;   ///< mini-batch size
};

/// The values one hyper-parameter may take: a list ("0.1,0.5,2.5"), or a range "low:high"
/// searched on a logarithmic scale (grid: log-spaced points; random: log-uniform draws).
struct Dimension {
  std::string name;            ///< for messages, e.g. "--eta"
  std::vector<double> values;  ///< the list (empty for a range)
  double low = 0, high = 0;    ///< the range
  bool integer = false;        ///< values are rounded to whole numbers
  bool is_range() const { return values.empty(); }  ///< a range rather than a list
};

namespace detail {
inline double parse_number(const std::string& name, const std::string& item, const std::string& text) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(item, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (item.empty() || used != item.size() || !std::isfinite(v)) {
    throw std::invalid_argument(fmt::format("{}: '{}' is not a number in '{}'", name, item, text));
  }
  return v;
}
}  // namespace detail

/// Parses "v1,v2,..." (a list; one value is a list of one) or "low:high" (a range, 0 < low ≤
/// high). List values must be ≥ 0; for an integer dimension, whole numbers ≥ 1. Throws
/// std::invalid_argument naming the option.
inline Dimension parse_dimension(const std::string& name, const std::string& text, bool integer) {
  Dimension d;
  d.name = name;
  d.integer = integer;
  const auto check = [&](double v) {
    if (v < 0 || (integer && (v < 1 || v != std::floor(v)))) {
      throw std::invalid_argument(fmt::format("{}: {} is not {} in '{}'", name, v,
                                              integer ? "a whole number ≥ 1" : "≥ 0", text));
    }
  };
  if (const std::size_t colon = text.find(':'); colon != std::string::npos) {
    d.low = detail::parse_number(name, text.substr(0, colon), text);
    d.high = detail::parse_number(name, text.substr(colon + 1), text);
    check(d.low);
    check(d.high);
    if (!(d.low > 0 && d.low <= d.high)) {
      throw std::invalid_argument(fmt::format(
          "{}: the range '{}' must have 0 < low ≤ high (it is searched on a log scale)", name, text));
    }
    return d;
  }
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const double v = detail::parse_number(name, item, text);
    check(v);
    d.values.push_back(v);
  }
  if (d.values.empty()) throw std::invalid_argument(fmt::format("{}: no values in '{}'", name, text));
  return d;
}

/// The grid values of a dimension: the list itself, or `points` log-spaced values from low
/// to high (rounded for integers, duplicates removed).
inline std::vector<double> grid_points(const Dimension& d, std::size_t points) {
  if (!d.is_range()) return d.values;
  std::vector<double> out;
  const std::size_t n = d.low == d.high ? 1 : std::max<std::size_t>(points, 1);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : double(i) / double(n - 1);
    double v = d.low * std::pow(d.high / d.low, t);
    if (d.integer) v = std::round(v);
    if (out.empty() || v != out.back()) out.push_back(v);
  }
  return out;
}

/// One random value: uniform over a list, log-uniform over a range (rounded for integers).
inline double sample(const Dimension& d, Rng& rng) {
  if (!d.is_range()) return d.values[std::size_t(uniform_below(rng, d.values.size()))];
  const double v = d.low * std::pow(d.high / d.low, uniform_unit(rng));
  return d.integer ? std::round(v) : v;
}

/// The searched space.
struct Space {
  Dimension eta, lambda, hidden, batch;  ///< one per hyper-parameter
};

/// Every combination of the dimensions' grid values (η slowest, batch fastest).
inline std::vector<Config> grid(const Space& space, std::size_t points) {
  std::vector<Config> out;
  for (double eta : grid_points(space.eta, points)) {
    for (double lambda : grid_points(space.lambda, points)) {
      for (double hidden : grid_points(space.hidden, points)) {
        for (double batch : grid_points(space.batch, points)) {
          out.push_back({eta, lambda, std::size_t(hidden), std::size_t(batch)});
        }
      }
    }
  }
  return out;
}

/// `count` configurations drawn independently from the space with a generator seeded by
/// `seed` (the same seed gives the same configurations).
inline std::vector<Config> random_configs(const Space& space, std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Config> out;
  for (std::size_t i = 0; i < count; ++i) {
    Config c;
    c.eta = sample(space.eta, rng);
    c.lambda = sample(space.lambda, rng);
    c.hidden = std::size_t(sample(space.hidden, rng));
    c.batch = std::size_t(sample(space.batch, rng));
    out.push_back(c);
  }
  return out;
}

/// A training budget: the first `train_size` training images for `epochs` epochs.
struct Budget {
  std::size_t train_size = 0;  ///< training images
  std::size_t epochs = 0;      ///< epochs
};

/// Parses "1000x5,10000x10,50000x30" (images × epochs per rung, growing). Throws
/// std::invalid_argument for a malformed item, a zero, or a budget smaller than the last.
inline std::vector<Budget> parse_budgets(const std::string& text) {
  std::vector<Budget> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::size_t x = item.find('x');
    Budget b;
    bool ok = x != std::string::npos && x > 0 && x + 1 < item.size() &&
              item.find_first_not_of("0123456789x") == std::string::npos;
    if (ok) {
      b.train_size = std::stoul(item.substr(0, x));
      b.epochs = std::stoul(item.substr(x + 1));
      ok = b.train_size > 0 && b.epochs > 0;
    }
    if (!ok) {
      throw std::invalid_argument(fmt::format(
          "--budgets: '{}' is not IMAGESxEPOCHS with both ≥ 1 (e.g. 1000x5) in '{}'", item, text));
    }
    if (!out.empty() && (b.train_size < out.back().train_size || b.epochs < out.back().epochs)) {
      throw std::invalid_argument(fmt::format(
          "--budgets: '{}' is smaller than the budget before it in '{}' (budgets must grow)", item, text));
    }
    out.push_back(b);
  }
  if (out.empty()) throw std::invalid_argument("--budgets: no budget given");
  return out;
}

/// What one training of a candidate measured.
struct Score {
  double accuracy = 0;         ///< best validation accuracy over the epochs, in [0, 1]
  std::size_t best_epoch = 0;  ///< 1-based epoch of that accuracy
  bool diverged = false;       ///< training stopped on a non-finite cost
  double seconds = 0;          ///< wall time of the training
};

/// One candidate trained on one rung's budget.
struct Trial {
  std::size_t candidate = 0;  ///< index into the candidates
  std::size_t rung = 0;       ///< index into the budgets
  Budget budget;              ///< the rung's budget
  Config config;              ///< the candidate's configuration
  Score score;                ///< what it measured
};

/// Whether `a` ranks before `b` among trials of the same rung: a run that did not diverge
/// before one that did, then the higher accuracy, then the lower candidate index (so ties
/// are broken the same way on every run).
inline bool better(const Trial& a, const Trial& b) {
  if (a.score.diverged != b.score.diverged) return !a.score.diverged;
  if (a.score.accuracy != b.score.accuracy) return a.score.accuracy > b.score.accuracy;
  return a.candidate < b.candidate;
}

/// The trials ordered best first (see better()).
inline std::vector<Trial> ranked(std::vector<Trial> trials) {
  std::sort(trials.begin(), trials.end(), better);
  return trials;
}

/// How many of `n` candidates are promoted to the next rung: ⌈n / factor⌉, at least 1
/// (factor ≥ 1; 1 promotes everyone).
inline std::size_t survivors(std::size_t n, double factor) {
  if (!(factor >= 1)) throw std::invalid_argument("--factor must be ≥ 1");
  if (n == 0) return 0;
  return std::max<std::size_t>(1, std::size_t(std::ceil(double(n) / factor - 1e-9)));
}

/// The outcome of a search.
struct Result {
  std::vector<Config> candidates;                ///< as generated
  std::vector<Budget> budgets;                   ///< one per rung
  std::vector<Trial> trials;                     ///< in the order they ran
  std::vector<std::vector<std::size_t>> rungs;   ///< the candidates trained on each rung

  /// Each candidate's last trial (its highest rung), candidates that got further first,
  /// then by better().
  std::vector<Trial> leaderboard() const {
    std::vector<Trial> last;
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const Trial* latest = nullptr;
      for (const Trial& t : trials) {
        if (t.candidate == c && (latest == nullptr || t.rung >= latest->rung)) latest = &t;
      }
      if (latest) last.push_back(*latest);
    }
    std::sort(last.begin(), last.end(), [](const Trial& a, const Trial& b) {
      return a.rung != b.rung ? a.rung > b.rung : better(a, b);
    });
    return last;
  }
};

/// Trains `config` (the candidate with index `candidate`) on `budget` and scores it.
using Evaluate = std::function<Score(const Config& config, const Budget& budget,
                                     std::size_t candidate, std::size_t rung)>;

/// Trains every trial of one rung (their scores still empty) and returns their scores in the
/// same order: the trials of a rung are independent, so they may run in parallel.
using EvaluateRung = std::function<std::vector<Score>(const std::vector<Trial>& trials)>;

/// Successive halving, a rung at a time: every candidate is trained on budgets[0]; the best
/// survivors(n, factor) of each rung (by better()) are trained on the next budget, from
/// scratch. With one budget this is a plain search: every candidate gets that budget.
inline Result successive_halving_by_rung(const std::vector<Config>& candidates,
                                         const std::vector<Budget>& budgets, double factor,
                                         const EvaluateRung& evaluate) {
  if (budgets.empty()) throw std::invalid_argument("successive_halving: no budget");
  survivors(1, factor);  // validates the factor before anything is trained
  Result result;
  result.candidates = candidates;
  result.budgets = budgets;
  std::vector<std::size_t> alive(candidates.size());
  for (std::size_t i = 0; i < alive.size(); ++i) alive[i] = i;
  for (std::size_t rung = 0; rung < budgets.size() && !alive.empty(); ++rung) {
    result.rungs.push_back(alive);
    std::vector<Trial> here;
    for (std::size_t c : alive) here.push_back(Trial{c, rung, budgets[rung], candidates[c], {}});
    const std::vector<Score> scores = evaluate(here);
    if (scores.size() != here.size()) {
      throw std::logic_error("successive_halving: a score per trial expected");
    }
    for (std::size_t i = 0; i < here.size(); ++i) {
      here[i].score = scores[i];
      result.trials.push_back(here[i]);
    }
    here = ranked(here);
    here.resize(survivors(here.size(), factor));
    alive.clear();
    for (const Trial& t : here) alive.push_back(t.candidate);
  }
  return result;
}

/// successive_halving_by_rung() with the trials of each rung evaluated one after another.
inline Result successive_halving(const std::vector<Config>& candidates,
                                 const std::vector<Budget>& budgets, double factor,
                                 const Evaluate& evaluate) {
  return successive_halving_by_rung(candidates, budgets, factor, [&](const std::vector<Trial>& trials) {
    std::vector<Score> scores;
    for (const Trial& t : trials) scores.push_back(evaluate(t.config, t.budget, t.candidate, t.rung));
    return scores;
  });
}

}  // namespace xgrad::examples::search
