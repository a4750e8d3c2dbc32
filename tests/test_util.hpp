#pragma once
// Random test data for the engine's tests (seeded: every run checks the same points).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

// Every shape pair the broadcasting rule accepts, for random m, n: equal, row vector, column
// vector, scalar (on either side) and the outer (m×1, 1×n) case.
inline std::vector<std::pair<Shape, Shape>> broadcast_cases() {
  const std::size_t m = random_size(), n = random_size();
  return {{{m, n}, {m, n}}, {{m, n}, {1, n}}, {{1, n}, {m, n}}, {{m, n}, {m, 1}},
          {{m, 1}, {m, n}}, {{m, n}, {1, 1}}, {{1, 1}, {m, n}}, {{m, 1}, {1, n}}};
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

// Runs `f`, expects exception E, and checks that its message contains every fragment.
template <class E, class F>
void expect_error(F&& f, std::initializer_list<const char*> fragments) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const E& e) {
    const std::string what = e.what();
    for (const char* fragment : fragments) {
      EXPECT_NE(what.find(fragment), std::string::npos)
          << "message lacks \"" << fragment << "\": " << what;
    }
  }
}

// Same shape and, element-wise, |actual − expected| ≤ rtol · max(|expected|, floor) where
// floor = 1e-3 · max|expected|: relative, except that elements a thousand times smaller than
// the matrix's largest (where a sum may have cancelled) are held to that scale instead.
template <class T>
::testing::AssertionResult near(const Matrix<T>& actual, const Matrix<T>& expected,
                                double rtol) {
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "shape (" << actual.shape()[0] << ", " << actual.shape()[1] << ") != ("
           << expected.shape()[0] << ", " << expected.shape()[1] << ")";
  }
  double largest = 0;
  for (T e : expected) largest = std::max(largest, std::abs(double(e)));
  for (std::size_t k = 0; k < actual.size(); ++k) {
    const double a = actual.flat(k), e = expected.flat(k);
    const double allowed = rtol * std::max(std::abs(e), 1e-3 * largest);
    if (!(std::abs(a - e) <= allowed)) {
      std::ostringstream out;
      out.precision(17);
      out << "element (" << k / actual.shape()[1] << ", " << k % actual.shape()[1] << "): " << a
          << " vs expected " << e << ", relative error " << std::abs(a - e) / std::abs(e)
          << " > " << rtol;
      return ::testing::AssertionFailure() << out.str();
    }
  }
  return ::testing::AssertionSuccess();
}

// Scalars: |actual − expected| ≤ rtol · |expected|.
inline ::testing::AssertionResult near(double actual, double expected, double rtol) {
  if (std::abs(actual - expected) <= rtol * std::abs(expected)) {
    return ::testing::AssertionSuccess();
  }
  std::ostringstream out;
  out.precision(17);
  out << actual << " vs expected " << expected << ", relative error "
      << std::abs(actual - expected) / std::abs(expected) << " > " << rtol;
  return ::testing::AssertionFailure() << out.str();
}

}  // namespace xgrad::test
