// Dense and the initialisers: forward values, seeded reproducibility, the spread of each
// initialiser, and the Rng they draw from.

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;

// Sample mean and standard deviation of a matrix's elements.
std::pair<double, double> moments(const Matrix<double>& m) {
  double sum = 0, sum_squares = 0;
  for (double v : m) {
    sum += v;
    sum_squares += v * v;
  }
  const double n = double(m.size()), mean = sum / n;
  return {mean, std::sqrt(sum_squares / n - mean * mean)};
}

TEST(Dense, forward_is_x_times_w_plus_b) {
  const Matrix<double> w = test::uniform(3, 2), b = test::uniform(1, 2), x = test::uniform(4, 3);
  Dense<double> layer(w, b);
  const Matrix<double> z = layer(Vard(x)).value();
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 2; ++j) {
      double expected = b(0, j);
      for (std::size_t k = 0; k < 3; ++k) expected += x(i, k) * w(k, j);
      EXPECT_NEAR(z(i, j), expected, 1e-14);
    }
  }
  EXPECT_EQ(layer.in_features(), 3u);
  EXPECT_EQ(layer.out_features(), 2u);
  EXPECT_EQ(layer.describe(), "Dense(3, 2)");
}

TEST(Dense, wraps_given_vars_without_copying) {
  const Vard w(test::uniform(2, 3), true), b(test::uniform(1, 3), true);
  Dense<double> layer(w, b);
  EXPECT_EQ(layer.weight().node(), w.node());
  sum(layer(Vard(test::uniform(4, 2)))).backward();
  EXPECT_TRUE(w.has_grad());
  EXPECT_TRUE(b.has_grad());
}

TEST(Dense, same_seed_same_parameters) {
  Dense<double> a(5, 4, Init::standard, 42), b(5, 4, Init::standard, 42),
      c(5, 4, Init::standard, 43);
  EXPECT_EQ(a.weight().value(), b.weight().value());
  EXPECT_EQ(a.bias().value(), b.bias().value());
  EXPECT_NE(a.weight().value(), c.weight().value());
  // Layers drawing from one generator get different parameters, reproducibly.
  Rng r1(7), r2(7);
  Dense<double> first(4, 4, Init::standard, r1), second(4, 4, Init::standard, r1);
  Dense<double> again(4, 4, Init::standard, r2);
  EXPECT_NE(first.weight().value(), second.weight().value());
  EXPECT_EQ(first.weight().value(), again.weight().value());
  // float draws the same numbers, rounded.
  Dense<float> f(5, 4, Init::standard, 42);
  for (std::size_t k = 0; k < 20; ++k) {
    EXPECT_EQ(f.weight().value().flat(k), static_cast<float>(a.weight().value().flat(k)));
  }
}

TEST(Init, each_initializer_has_its_spread) {
  const std::size_t in = 400, out = 300;
  struct Case {
    Init init;
    double weight_std, bias_std;
  };
  for (const Case& c : {Case{Init::standard, 1.0 / std::sqrt(400.0), 1.0},
                        Case{Init::large, 1.0, 1.0},
                        Case{Init::xavier, std::sqrt(2.0 / 700.0), 0.0},
                        Case{Init::he, std::sqrt(2.0 / 400.0), 0.0}}) {
    SCOPED_TRACE(to_string(c.init));
    EXPECT_DOUBLE_EQ(weight_stddev(c.init, in, out), c.weight_std);
    Dense<double> layer(in, out, c.init, 11);
    const auto [w_mean, w_std] = moments(layer.weight().value());  // 120,000 draws
    EXPECT_NEAR(w_mean / c.weight_std, 0.0, 0.02);
    EXPECT_NEAR(w_std / c.weight_std, 1.0, 0.02);
    if (c.bias_std == 0.0) {
      EXPECT_EQ(layer.bias().value(), Matrix<double>(xt::zeros<double>({std::size_t(1), out})));
    } else {
      Dense<double> wide(2, 20000, c.init, 12);
      EXPECT_NEAR(moments(wide.bias().value()).second, c.bias_std, 0.03);
    }
    EXPECT_EQ(init_from_string(to_string(c.init)), c.init);
  }
  expect_error<InvalidArgument>([] { init_from_string("glorot"); },
                                      {"unknown initializer 'glorot'", "standard, large"});
}

TEST(Init, initialize_redraws_every_parameter_by_kind) {
  Rng rng(1);
  Sequential<double> net(Dense<double>(300, 200, Init::large, rng), Tanh<double>(),
                         Dense<double>(200, 100, Init::large, rng));
  initialize(net, Init::xavier, rng);
  const auto params = net.parameters();
  EXPECT_NEAR(moments(params[0].var.value()).second / std::sqrt(2.0 / 500.0), 1.0, 0.03);
  EXPECT_NEAR(moments(params[2].var.value()).second / std::sqrt(2.0 / 300.0), 1.0, 0.03);
  EXPECT_EQ(params[1].var.value(),
            Matrix<double>(xt::zeros<double>({std::size_t(1), std::size_t(200)})));
  // Seeded: the same generator state gives the same network.
  Rng a(5), b(5);
  Sequential<double> n1(Dense<double>(3, 3, Init::large, 0)),
      n2(Dense<double>(3, 3, Init::large, 1));
  initialize(n1, Init::standard, a);
  initialize(n2, Init::standard, b);
  EXPECT_EQ(n1.parameters()[0].var.value(), n2.parameters()[0].var.value());
}

TEST(Random, normal_draws_are_standard_and_seeded) {
  Rng rng(99);
  const auto [mean, stddev] = moments(normal_matrix<double>(300, 300, 2.0, 3.0, rng));
  EXPECT_NEAR(mean, 2.0, 0.03);  // 90,000 draws: standard error 0.01
  EXPECT_NEAR(stddev, 3.0, 0.03);
  Rng a(5), b(5);
  EXPECT_EQ(normal_matrix<double>(4, 4, 0.0, 1.0, a), normal_matrix<double>(4, 4, 0.0, 1.0, b));
  // Tails: about 0.27% of standard normal draws lie beyond 3σ.
  std::size_t beyond = 0;
  for (int i = 0; i < 200000; ++i) beyond += std::abs(standard_normal(rng)) > 3.0;
  EXPECT_NEAR(double(beyond) / 200000, 0.0027, 0.0006);
}

TEST(Dense, errors_name_the_bad_value_and_the_expected_one) {
  Dense<double> layer(784, 30, Init::standard, 1);
  expect_error<ShapeError>([&] { layer(Vard(test::uniform(2, 5))); },
                           {"Dense: input has 5 columns, expected 784"});
  expect_error<ShapeError>([] { Dense<double>(test::uniform(3, 2), test::uniform(2, 2)); },
                           {"Dense: bias has shape (2, 2), expected (1, 2)"});
  expect_error<InvalidArgument>([] { Dense<double>(0, 3, Init::standard, 1); },
                                      {"Dense: in = 0, expected at least 1"});
}

}  // namespace
}  // namespace xgrad
