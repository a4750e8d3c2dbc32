// Float64 gradient checks of every layer (inputs and parameters), of Sequential networks
// with each activation, and of the costs and penalties written from primitives.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::uniform;
using Inputs = std::vector<Matrix<double>>;

void expect_gradcheck(const GradcheckFunction& f, const Inputs& inputs, const std::string& name) {
  const GradcheckResult r = gradcheck(f, inputs, name);
  EXPECT_TRUE(r.passed) << r.message;
}

// Inputs x (m × in), then W (in × out) and b (1 × out) for each layer of `sizes`.
Inputs network_inputs(const std::vector<std::size_t>& sizes, std::size_t m = 4) {
  Inputs inputs{uniform(m, sizes[0])};
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    inputs.push_back(uniform(sizes[l - 1], sizes[l], -1.0, 1.0));
    inputs.push_back(uniform(1, sizes[l], -1.0, 1.0));
  }
  return inputs;
}

TEST(Gradcheck, DenseLayer) {
  expect_gradcheck([](const std::vector<Vard>& v) { return Dense<double>(v[1], v[2])(v[0]); },
                   network_inputs({5, 3}), "Dense");
}

template <class Activation>
void check_activation_layer(const char* name, const Matrix<double>& z) {
  expect_gradcheck([](const std::vector<Vard>& v) { return Activation()(v[0]); }, {z}, name);
}

TEST(Gradcheck, SigmoidLayer) { check_activation_layer<Sigmoid<double>>("Sigmoid", uniform(4, 5)); }
TEST(Gradcheck, TanhLayer) { check_activation_layer<Tanh<double>>("Tanh", uniform(4, 5)); }
TEST(Gradcheck, ReLULayer) {
  check_activation_layer<ReLU<double>>("ReLU", test::away_from_zero(4, 5));
}
TEST(Gradcheck, SoftmaxLayer) { check_activation_layer<Softmax<double>>("Softmax", uniform(4, 5)); }

TEST(Gradcheck, DropoutLayer) {
  // A fresh layer with a fixed seed per evaluation: the same mask every time.
  expect_gradcheck([](const std::vector<Vard>& v) { return Dropout<double>(0.5, 77)(v[0]); },
                   {uniform(6, 5)}, "Dropout (training)");
}

// Sequential [5, 4, 3] with `Activation` after each Dense, inputs and parameters checked.
template <class Activation>
void check_sequential(const char* name) {
  expect_gradcheck(
      [](const std::vector<Vard>& v) {
        Sequential<double> net(Dense<double>(v[1], v[2]), Activation(), Dense<double>(v[3], v[4]),
                               Activation());
        return net(v[0]);
      },
      network_inputs({5, 4, 3}), name);
}

TEST(Gradcheck, SequentialWithSigmoid) { check_sequential<Sigmoid<double>>("Sequential sigmoid"); }
TEST(Gradcheck, SequentialWithTanh) { check_sequential<Tanh<double>>("Sequential tanh"); }
TEST(Gradcheck, SequentialWithReLU) { check_sequential<ReLU<double>>("Sequential relu"); }
TEST(Gradcheck, SequentialWithSoftmax) { check_sequential<Softmax<double>>("Sequential softmax"); }

TEST(Gradcheck, SequentialWithDropout) {
  expect_gradcheck(
      [](const std::vector<Vard>& v) {
        Sequential<double> net(Dense<double>(v[1], v[2]), Tanh<double>(),
                               Dropout<double>(0.3, 5), Dense<double>(v[3], v[4]));
        return net(v[0]);
      },
      network_inputs({5, 6, 3}), "Sequential dropout");
}

TEST(Gradcheck, quadratic_cost) {
  const Matrix<double> y = uniform(4, 3, 0.0, 1.0);
  expect_gradcheck([&](const std::vector<Vard>& v) { return quadratic_cost(v[0], y); },
                   {uniform(4, 3, 0.0, 1.0)}, "quadratic_cost");
}

TEST(Gradcheck, cross_entropy_cost) {
  Matrix<double> y = uniform(4, 3, 0.0, 1.0);
  y(0, 0) = 1.0;  // 0·ln 0 terms in the mix
  y(1, 2) = 0.0;
  expect_gradcheck([&](const std::vector<Vard>& v) { return cross_entropy_cost(v[0], y); },
                   {uniform(4, 3, 0.1, 0.9)}, "cross_entropy_cost");
}

TEST(Gradcheck, log_likelihood_cost) {
  const std::vector<std::size_t> labels = test::random_labels(4, 3);
  expect_gradcheck([&](const std::vector<Vard>& v) { return log_likelihood_cost(v[0], labels); },
                   {uniform(4, 3, 0.1, 0.9)}, "log_likelihood_cost");
}

TEST(Gradcheck, penalties) {
  expect_gradcheck(
      [](const std::vector<Vard>& v) {
        Dense<double> layer(v[0], v[1]);
        return l2_penalty(layer, 2.0, 7) + l1_penalty(layer, 3.0, 7);
      },
      {test::away_from_zero(4, 3), uniform(1, 3)}, "l2_penalty + l1_penalty");
}

}  // namespace
}  // namespace xgrad
