// Other neurons (eqs. 110–112) and the weight initialisation of chapter 3: tanh and ReLU
// against their definitions, and the spread of a neuron's weighted input under the
// "large" and the default initialisers, by sampling.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include <xgrad/xgrad.hpp>

#include "reference.hpp"
#include "test_util.hpp"

namespace xgrad::book {
namespace {

using test::near;
using test::uniform;

TEST(Book, Eq110_111_Tanh) {
  const Matrix<double> z = uniform(5, 6, -4.0, 4.0);
  const Vard zv(z, true);
  Tanh<double> layer;
  const Vard a = layer(zv);
  sum(a).backward();
  Matrix<double> expected = xt::empty<double>(z.shape()), slope = xt::empty<double>(z.shape());
  for (std::size_t k = 0; k < z.size(); ++k) {
    const double e = std::exp(z.flat(k)), inv = std::exp(-z.flat(k));
    expected.flat(k) = (e - inv) / (e + inv);             // eq. 110
    slope.flat(k) = 1.0 - expected.flat(k) * expected.flat(k);
  }
  EXPECT_TRUE(near(a.value(), expected, kTolerance));
  EXPECT_TRUE(near(zv.grad(), slope, kTolerance));
  // Eq. 111: σ(z) = (1 + tanh(z/2))/2 — tanh is a rescaled sigmoid.
  const Matrix<double> via_tanh = (1.0 + tanh(Vard(z) * 0.5).value()) / 2.0;
  EXPECT_TRUE(near(sigmoid(Vard(z)).value(), via_tanh, kTolerance));
}

TEST(Book, Eq112_ReLU) {
  const std::size_t m = 6, n_in = 4, n_out = 5;
  const Matrix<double> x = uniform(m, n_in), w = uniform(n_in, n_out), b = uniform(1, n_out);
  Sequential<double> net(Dense<double>(w, b), ReLU<double>());
  const Vard a = net(Vard(x));
  sum(a).backward();
  // max(0, w·x + b); ∂(Σa)/∂w_jk = Σ_x x_k [z_j > 0].
  Matrix<double> expected = xt::empty<double>({m, n_out});
  Matrix<double> dw = xt::zeros<double>({n_in, n_out});
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n_out; ++j) {
      double z = b(0, j);
      for (std::size_t k = 0; k < n_in; ++k) z += w(k, j) * x(i, k);
      expected(i, j) = std::max(0.0, z);
      for (std::size_t k = 0; k < n_in; ++k) dw(k, j) += z > 0 ? x(i, k) : 0.0;
    }
  }
  EXPECT_TRUE(near(a.value(), expected, kTolerance));
  EXPECT_TRUE(near(net.at<Dense<double>>(0).weight().grad(), dw, kTolerance));
}

// The standard deviation of z = Σ_j w_j x_j + b over many neurons of Dense(1000, ·) layers
// for an input of 1,000 values of which 500 are 1 (the book's example).
double weighted_input_stddev(Init init) {
  Matrix<double> x = xt::zeros<double>({std::size_t(1), std::size_t(1000)});
  for (std::size_t j = 0; j < 1000; j += 2) x(0, j) = 1.0;
  double sum = 0, sum_squares = 0;
  std::size_t count = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Dense<double> layer(1000, 500, init, seed);
    const Vard weighted_inputs = layer(Vard(x));  // kept alive while its value is read
    for (double z : weighted_inputs.value()) {
      sum += z;
      sum_squares += z * z;
      ++count;
    }
  }
  const double mean = sum / double(count);
  const double stddev = std::sqrt(sum_squares / double(count) - mean * mean);
  std::printf("%s init: std of z over %zu neurons = %.4f\n", to_string(init).c_str(), count,
              stddev);
  return stddev;
}

TEST(Book, InitLargeWeightedInputStdSqrt501) {
  // w, b ~ N(0, 1): Var z = 500 + 1, so z has std √501 ≈ 22.4 and σ(z) saturates.
  const double stddev = weighted_input_stddev(Init::large);
  EXPECT_NEAR(stddev / std::sqrt(501.0), 1.0, 0.02) << "std " << stddev;
}

TEST(Book, InitStandardWeightedInputStdSqrt3Over2) {
  // w ~ N(0, 1/1000), b ~ N(0, 1): Var z = 500/1000 + 1 = 3/2, std √(3/2) ≈ 1.22.
  const double stddev = weighted_input_stddev(Init::standard);
  EXPECT_NEAR(stddev / std::sqrt(1.5), 1.0, 0.02) << "std " << stddev;
}

}  // namespace
}  // namespace xgrad::book
