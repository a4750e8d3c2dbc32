#pragma once
// Random test data for the engine's tests (seeded: every run checks the same points).

#include <cmath>
#include <random>

#include <xgrad/autograd/tensor.hpp>

namespace xgrad::test {

inline std::mt19937_64& rng() {
  static std::mt19937_64 engine(20261127);
  return engine;
}

// Uniform in [lo, hi).
inline Matrix<double> uniform(std::size_t rows, std::size_t cols, double lo = -2.0,
                              double hi = 2.0) {
  std::uniform_real_distribution<double> u(lo, hi);
  Matrix<double> m = xt::empty<double>({rows, cols});
  for (auto& v : m) v = u(rng());
  return m;
}

// Uniform in ±[lo, hi): keeps samples away from the kinks of abs and relu at 0.
inline Matrix<double> away_from_zero(std::size_t rows, std::size_t cols, double lo = 0.2,
                                     double hi = 2.0) {
  Matrix<double> m = uniform(rows, cols, lo, hi);
  std::bernoulli_distribution flip(0.5);
  for (auto& v : m) v = flip(rng()) ? -v : v;
  return m;
}

// A random size in [lo, hi].
inline std::size_t random_size(std::size_t lo = 2, std::size_t hi = 6) {
  return std::uniform_int_distribution<std::size_t>(lo, hi)(rng());
}

// One-hot rows for the given labels.
inline Matrix<double> one_hot(const std::vector<std::size_t>& labels, std::size_t classes) {
  Matrix<double> y = xt::zeros<double>({labels.size(), classes});
  for (std::size_t i = 0; i < labels.size(); ++i) y(i, labels[i]) = 1.0;
  return y;
}

inline std::vector<std::size_t> random_labels(std::size_t count, std::size_t classes) {
  std::uniform_int_distribution<std::size_t> u(0, classes - 1);
  std::vector<std::size_t> labels(count);
  for (auto& l : labels) l = u(rng());
  return labels;
}

}  // namespace xgrad::test
