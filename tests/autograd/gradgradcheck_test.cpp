// Float64 second-derivative check of every differentiable op (gradgradcheck: the recorded
// backward pass differentiated again, against central differences of first-order
// gradients), on the same inputs as gradcheck_test.cpp, including every broadcasting case
// and the fused ops and losses, plus 3-layer MLPs.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::away_from_zero;
using test::broadcast_cases;
using test::random_size;
using test::uniform;
using Inputs = std::vector<Matrix<double>>;
using Fn = GradcheckFunction;

void expect_gradgradcheck(const Fn& f, const Inputs& inputs, const std::string& name) {
  const GradcheckResult r = gradgradcheck(f, inputs, name);
  EXPECT_TRUE(r.passed) << r.message;
}

// A binary op over every broadcasting case; `positive_right` keeps the right operand away
// from 0 (division).
void check_binary(const char* op, const Fn& f, bool positive_right = false) {
  for (const auto& [sa, sb] : broadcast_cases()) {
    expect_gradgradcheck(f,
                         Inputs{uniform(sa[0], sa[1]),
                                positive_right ? away_from_zero(sb[0], sb[1], 0.5, 2.0)
                                               : uniform(sb[0], sb[1])},
                         std::string(op) + " " + shape_string(sa) + " with " + shape_string(sb));
  }
}

// A unary op composed with itself where that keeps it in its domain, so that its
// derivative's own dependence on the input shows up in the second derivative.
Matrix<double> any() { return uniform(random_size(), random_size()); }

TEST(GradGradcheck, add) {
  check_binary("add", [](const std::vector<Vard>& v) { return square(v[0] + v[1]); });
}
TEST(GradGradcheck, sub) {
  check_binary("sub", [](const std::vector<Vard>& v) { return square(v[0] - v[1]); });
}
TEST(GradGradcheck, mul) {
  check_binary("mul", [](const std::vector<Vard>& v) { return v[0] * v[1]; });
}
TEST(GradGradcheck, div) {
  check_binary("div", [](const std::vector<Vard>& v) { return v[0] / v[1]; }, true);
}
TEST(GradGradcheck, neg) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return -square(v[0]); }, {any()}, "neg");
}
TEST(GradGradcheck, scalar_arithmetic) {
  expect_gradgradcheck(
      [](const std::vector<Vard>& v) {
        return square(v[0] + 1.5) * (2 - v[0]) * 3 + 2.0 / (v[0] + 3) - v[0] / 4;
      },
      {uniform(random_size(), random_size(), -1.0, 1.0)}, "scalar + − × ÷");
}
TEST(GradGradcheck, matmul) {
  const std::size_t m = random_size(), k = random_size(), n = random_size();
  expect_gradgradcheck([](const std::vector<Vard>& v) { return matmul(v[0], v[1]); },
                       {uniform(m, k), uniform(k, n)}, "matmul");
  expect_gradgradcheck(
      [](const std::vector<Vard>& v) { return matmul(square(v[0]), matmul(v[1], v[1])); },
      {uniform(m, k), uniform(k, k)}, "matmul of products");
}
TEST(GradGradcheck, transpose) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return matmul(v[0], transpose(v[0])); },
                       {any()}, "x·xᵀ");
}
TEST(GradGradcheck, sum) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(sum(v[0])); }, {any()},
                       "sum");
}
TEST(GradGradcheck, sum_axis) {
  for (int axis : {0, 1}) {
    expect_gradgradcheck([axis](const std::vector<Vard>& v) { return square(sum(v[0], axis)); },
                         {any()}, "sum axis " + std::to_string(axis));
  }
}
TEST(GradGradcheck, mean) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(mean(v[0])); }, {any()},
                       "mean");
  for (int axis : {0, 1}) {
    expect_gradgradcheck([axis](const std::vector<Vard>& v) { return square(mean(v[0], axis)); },
                         {any()}, "mean axis " + std::to_string(axis));
  }
}
TEST(GradGradcheck, broadcast_to) {
  const std::size_t m = random_size(), n = random_size();
  expect_gradgradcheck([m, n](const std::vector<Vard>& v) { return square(broadcast_to(v[0], m, n)); },
                       {uniform(1, n)}, "broadcast_to row");
  expect_gradgradcheck([m, n](const std::vector<Vard>& v) { return square(broadcast_to(v[0], m, n)); },
                       {uniform(m, 1)}, "broadcast_to column");
}
TEST(GradGradcheck, exp) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return exp(v[0]); }, {any()}, "exp");
}
TEST(GradGradcheck, log) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return log(v[0]); },
                       {uniform(random_size(), random_size(), 0.5, 3.0)}, "log");
}
TEST(GradGradcheck, square) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(square(v[0])); }, {any()},
                       "square");
}
TEST(GradGradcheck, abs) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(abs(v[0])) * abs(v[0]); },
                       {away_from_zero(random_size(), random_size())}, "abs");
}
TEST(GradGradcheck, sigmoid) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return sigmoid(v[0]); },
                       {uniform(random_size(), random_size(), -5.0, 5.0)}, "sigmoid");
}
TEST(GradGradcheck, tanh) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return tanh(v[0]); }, {any()}, "tanh");
}
TEST(GradGradcheck, relu) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(relu(v[0])); },
                       {away_from_zero(random_size(), random_size())}, "relu");
}
TEST(GradGradcheck, softmax) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return softmax(v[0]); }, {any()},
                       "softmax");
}
TEST(GradGradcheck, log_softmax) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return log_softmax(v[0]); }, {any()},
                       "log_softmax");
}
TEST(GradGradcheck, reshape) {
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(reshape(v[0], 2, 6)); },
                       {uniform(3, 4)}, "reshape");
}
TEST(GradGradcheck, apply_mask) {
  const std::size_t m = random_size(), n = random_size();
  Matrix<double> mask = xt::zeros<double>({m, n});
  std::bernoulli_distribution keep(0.5);
  for (auto& v : mask) v = keep(test::rng()) ? 2.0 : 0.0;
  expect_gradgradcheck([mask](const std::vector<Vard>& v) { return square(apply_mask(v[0], mask)); },
                       {uniform(m, n)}, "apply_mask");
}
TEST(GradGradcheck, xlogy) {
  const std::size_t m = random_size(), n = random_size();
  Matrix<double> x = uniform(m, n, 0.0, 1.0);
  x(0, 0) = 0.0;  // 0·ln y = 0, with zero derivatives
  expect_gradgradcheck([x](const std::vector<Vard>& v) { return xlogy(x, v[0]); },
                       {uniform(m, n, 0.3, 2.0)}, "xlogy");
}
TEST(GradGradcheck, linear) {
  const std::size_t m = random_size(), k = random_size(), n = random_size();
  expect_gradgradcheck([](const std::vector<Vard>& v) { return square(linear(v[0], v[1], v[2])); },
                       {uniform(m, k), uniform(k, n), uniform(1, n)}, "linear");
}
TEST(GradGradcheck, linear_with_activation) {
  const std::size_t m = random_size(), k = random_size(), n = random_size();
  for (Activation act : {Activation::sigmoid, Activation::tanh, Activation::relu}) {
    expect_gradgradcheck(
        [act](const std::vector<Vard>& v) { return square(linear(v[0], v[1], v[2], act)); },
        {uniform(m, k), uniform(k, n), uniform(1, n)}, std::string("linear + ") + to_string(act));
  }
}
TEST(GradGradcheck, binary_cross_entropy_with_logits) {
  const std::size_t m = random_size(), n = random_size();
  const Matrix<double> y = uniform(m, n, 0.0, 1.0);
  expect_gradgradcheck(
      [y](const std::vector<Vard>& v) { return binary_cross_entropy_with_logits(v[0], y); },
      {uniform(m, n, -4.0, 4.0)}, "binary_cross_entropy_with_logits");
}
TEST(GradGradcheck, softmax_log_likelihood) {
  const std::size_t m = random_size(), n = random_size();
  const auto labels = test::random_labels(m, n);
  expect_gradgradcheck(
      [labels](const std::vector<Vard>& v) { return softmax_log_likelihood(v[0], labels); },
      {uniform(m, n)}, "softmax_log_likelihood (labels)");
  const Matrix<double> y = uniform(m, n, 0.0, 1.0);  // soft targets, rows not summing to 1
  expect_gradgradcheck([y](const std::vector<Vard>& v) { return softmax_log_likelihood(v[0], y); },
                       {uniform(m, n)}, "softmax_log_likelihood (targets)");
}

// 3-layer MLPs through the fused dense op and each fused loss: every mixed second
// derivative of every parameter.
TEST(GradGradcheck, mlp_fused_losses) {
  const Matrix<double> y = test::one_hot(test::random_labels(4, 3), 3);
  const auto labels = test::random_labels(4, 3);
  const Inputs inputs = {uniform(4, 5, 0.0, 1.0), uniform(5, 6, -1.0, 1.0), uniform(1, 6),
                         uniform(6, 3, -1.0, 1.0), uniform(1, 3)};
  for (Activation act : {Activation::sigmoid, Activation::tanh}) {
    expect_gradgradcheck(
        [y, act](const std::vector<Vard>& v) {
          return binary_cross_entropy_with_logits(linear(linear(v[0], v[1], v[2], act), v[3], v[4]), y);
        },
        inputs, std::string("MLP + BCE, ") + to_string(act));
    expect_gradgradcheck(
        [labels, act](const std::vector<Vard>& v) {
          return softmax_log_likelihood(linear(linear(v[0], v[1], v[2], act), v[3], v[4]), labels);
        },
        inputs, std::string("MLP + log-likelihood, ") + to_string(act));
  }
}

TEST(GradGradcheck, detects_a_wrong_second_derivative) {
  // A custom op whose backward is right to first order only: its second derivative is off.
  const auto wrong = [](const std::vector<Vard>& v) {
    Matrix<double> value = v[0].value() * v[0].value() * v[0].value();
    return make_op<double>("cube_wrong", std::move(value), {v[0]},
                           [](const BackwardContext<double>& c) -> Grads<double> {
                             // 3x², but built from a constant copy of x: no second derivative.
                             const Vard x(Matrix<double>(c.inputs[0].value()));
                             return {c.grad_output * x * x * 3.0};
                           });
  };
  const Inputs inputs = {uniform(2, 3, 0.5, 1.5)};
  EXPECT_TRUE(gradcheck(wrong, inputs, "cube_wrong").passed);
  const GradcheckResult r = gradgradcheck(wrong, inputs, "cube_wrong");
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("gradgradcheck cube_wrong (output op 'cube_wrong'): FAILED"),
            std::string::npos)
      << r.message;
}

}  // namespace
}  // namespace xgrad
