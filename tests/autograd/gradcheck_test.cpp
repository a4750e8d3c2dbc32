// Float64 gradient check of every differentiable op against central finite differences,
// on random shapes, including every broadcasting case, plus compositions (3-layer MLPs).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::away_from_zero;
using test::broadcast_cases;
using test::random_size;
using test::uniform;
using Inputs = std::vector<Matrix<double>>;

void expect_gradcheck(const GradcheckFunction& f, const Inputs& inputs, const std::string& name) {
  const GradcheckResult r = gradcheck(f, inputs, name);
  EXPECT_TRUE(r.passed) << r.message;
}

std::string case_name(const char* op, const Shape& a, const Shape& b) {
  return std::string(op) + " " + shape_string(a) + " with " + shape_string(b);
}

TEST(Gradcheck, add) {
  for (const auto& [sa, sb] : broadcast_cases()) {
    expect_gradcheck([](const std::vector<Vard>& v) { return v[0] + v[1]; },
                     Inputs{uniform(sa[0], sa[1]), uniform(sb[0], sb[1])},
                     case_name("add", sa, sb));
  }
}

TEST(Gradcheck, sub) {
  for (const auto& [sa, sb] : broadcast_cases()) {
    expect_gradcheck([](const std::vector<Vard>& v) { return v[0] - v[1]; },
                     Inputs{uniform(sa[0], sa[1]), uniform(sb[0], sb[1])},
                     case_name("sub", sa, sb));
  }
}

TEST(Gradcheck, mul) {
  for (const auto& [sa, sb] : broadcast_cases()) {
    expect_gradcheck([](const std::vector<Vard>& v) { return v[0] * v[1]; },
                     Inputs{uniform(sa[0], sa[1]), uniform(sb[0], sb[1])},
                     case_name("mul", sa, sb));
  }
}

TEST(Gradcheck, div) {
  for (const auto& [sa, sb] : broadcast_cases()) {
    expect_gradcheck([](const std::vector<Vard>& v) { return v[0] / v[1]; },
                     Inputs{uniform(sa[0], sa[1]), away_from_zero(sb[0], sb[1], 0.5, 2.0)},
                     case_name("div", sa, sb));
  }
}

TEST(Gradcheck, same_operand_twice) {
  // x appears on both sides: its gradient must collect both contributions.
  expect_gradcheck([](const std::vector<Vard>& v) { return v[0] * v[0] + v[0]; },
                   Inputs{uniform(3, 4)}, "x*x + x");
}

TEST(Gradcheck, neg) {
  expect_gradcheck([](const std::vector<Vard>& v) { return -v[0]; },
                   Inputs{uniform(random_size(), random_size())}, "neg");
}

TEST(Gradcheck, add_scalar) {
  expect_gradcheck([](const std::vector<Vard>& v) { return (v[0] + 1.5) + (-0.5 + v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "add scalar");
}

TEST(Gradcheck, sub_scalar) {
  expect_gradcheck([](const std::vector<Vard>& v) { return (v[0] - 1.5) * (2.0 - v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "sub scalar");
}

TEST(Gradcheck, mul_scalar) {
  expect_gradcheck([](const std::vector<Vard>& v) { return 3.0 * v[0] + v[0] * -0.25; },
                   Inputs{uniform(random_size(), random_size())}, "mul scalar");
}

TEST(Gradcheck, div_scalar) {
  expect_gradcheck([](const std::vector<Vard>& v) { return 2.0 / v[0] + v[0] / 4.0; },
                   Inputs{away_from_zero(random_size(), random_size(), 0.5, 2.0)},
                   "div scalar");
}

TEST(Gradcheck, matmul) {
  const std::size_t m = random_size(), k = random_size(), n = random_size();
  expect_gradcheck([](const std::vector<Vard>& v) { return matmul(v[0], v[1]); },
                   Inputs{uniform(m, k), uniform(k, n)}, "matmul");
}

TEST(Gradcheck, matmul_vector) {
  // Row vector × matrix and matrix × column vector (the book's w·x).
  const std::size_t k = random_size(), n = random_size();
  expect_gradcheck([](const std::vector<Vard>& v) { return matmul(v[0], v[1]); },
                   Inputs{uniform(1, k), uniform(k, n)}, "matmul row");
  expect_gradcheck([](const std::vector<Vard>& v) { return matmul(v[0], v[1]); },
                   Inputs{uniform(n, k), uniform(k, 1)}, "matmul column");
}

TEST(Gradcheck, linear) {
  const std::size_t m = random_size(), k = random_size(), n = random_size();
  expect_gradcheck([](const std::vector<Vard>& v) { return linear(v[0], v[1], v[2]); },
                   Inputs{uniform(m, k), uniform(k, n), uniform(1, n)}, "linear");
}

TEST(Forward, linear_equals_matmul_plus_bias) {
  const Matrix<double> x = uniform(5, 7), w = uniform(7, 3), b = uniform(1, 3);
  const Matrix<double> fused = linear(Vard(x), Vard(w), Vard(b)).value();
  const Matrix<double> composed = (matmul(Vard(x), Vard(w)) + Vard(b)).value();
  for (std::size_t k = 0; k < fused.size(); ++k) EXPECT_NEAR(fused.flat(k), composed.flat(k), 1e-14);
}

// The fused dense-layer op, once per activation, and its equality with the composition it
// replaces: same values and same gradients, bit for bit (the same arithmetic in the same
// order), so fusing inside Sequential changes nothing a user can observe but the speed.
const std::vector<std::pair<Activation, std::function<Vard(const Vard&)>>>& fused_activations() {
  static const std::vector<std::pair<Activation, std::function<Vard(const Vard&)>>> all = {
      {Activation::identity, [](const Vard& z) { return z; }},
      {Activation::sigmoid, [](const Vard& z) { return sigmoid(z); }},
      {Activation::tanh, [](const Vard& z) { return tanh(z); }},
      {Activation::relu, [](const Vard& z) { return relu(z); }}};
  return all;
}

TEST(Gradcheck, linear_with_activation) {
  for (const auto& [act, unused] : fused_activations()) {
    const std::size_t m = random_size(), k = random_size(), n = random_size();
    const Activation a = act;
    expect_gradcheck([a](const std::vector<Vard>& v) { return linear(v[0], v[1], v[2], a); },
                     Inputs{uniform(m, k), uniform(k, n), uniform(1, n)},
                     std::string("linear ") + to_string(act));
  }
}

TEST(Forward, fused_linear_activation_equals_the_composition_bit_for_bit) {
  const Matrix<double> x = uniform(6, 5), w = uniform(5, 4), b = uniform(1, 4), seed = uniform(6, 4);
  for (const auto& [act, apply] : fused_activations()) {
    SCOPED_TRACE(to_string(act));
    const Vard x1(x, true), w1(w, true), b1(b, true), x2(x, true), w2(w, true), b2(b, true);
    const Vard fused = linear(x1, w1, b1, act);
    const Vard composed = apply(linear(x2, w2, b2));
    EXPECT_EQ(fused.value(), composed.value());
    fused.backward(seed);
    composed.backward(seed);
    EXPECT_EQ(x1.grad(), x2.grad());
    EXPECT_EQ(w1.grad(), w2.grad());
    EXPECT_EQ(b1.grad(), b2.grad());
  }
}

TEST(Forward, fused_linear_activation_treats_nan_like_the_activation_op) {
  // A NaN bias makes z NaN in that column; each fused op must map it as its activation op does.
  const Matrix<double> x = uniform(3, 2), w = uniform(2, 2);
  const Matrix<double> b = {{std::numeric_limits<double>::quiet_NaN(), 0.5}};
  for (const auto& [act, apply] : fused_activations()) {
    SCOPED_TRACE(to_string(act));
    const Matrix<double> fused = linear(Vard(x), Vard(w), Vard(b), act).value();
    const Matrix<double> composed = apply(linear(Vard(x), Vard(w), Vard(b))).value();
    for (std::size_t k = 0; k < fused.size(); ++k) {
      EXPECT_EQ(std::isnan(fused.flat(k)), std::isnan(composed.flat(k))) << k;
      if (!std::isnan(fused.flat(k))) {
        EXPECT_EQ(fused.flat(k), composed.flat(k)) << k;
      }
    }
  }
}

TEST(Forward, fused_linear_names_its_activation) {
  const Vard x(uniform(2, 3)), w(uniform(3, 2)), b(uniform(1, 2));
  EXPECT_STREQ(linear(x, w, b, Activation::identity).op(), "linear");
  EXPECT_STREQ(linear(x, w, b, Activation::sigmoid).op(), "linear_sigmoid");
  EXPECT_STREQ(linear(x, w, b, Activation::tanh).op(), "linear_tanh");
  EXPECT_STREQ(linear(x, w, b, Activation::relu).op(), "linear_relu");
}

TEST(Gradcheck, transpose) {
  expect_gradcheck([](const std::vector<Vard>& v) { return transpose(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "transpose");
}

TEST(Gradcheck, sum) {
  expect_gradcheck([](const std::vector<Vard>& v) { return sum(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "sum");
}

TEST(Gradcheck, sum_axis0) {
  expect_gradcheck([](const std::vector<Vard>& v) { return sum(v[0], 0); },
                   Inputs{uniform(random_size(), random_size())}, "sum axis 0");
}

TEST(Gradcheck, sum_axis1) {
  expect_gradcheck([](const std::vector<Vard>& v) { return sum(v[0], 1); },
                   Inputs{uniform(random_size(), random_size())}, "sum axis 1");
}

TEST(Gradcheck, mean) {
  expect_gradcheck([](const std::vector<Vard>& v) { return mean(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "mean");
}

TEST(Gradcheck, mean_axis0) {
  expect_gradcheck([](const std::vector<Vard>& v) { return mean(v[0], 0); },
                   Inputs{uniform(random_size(), random_size())}, "mean axis 0");
}

TEST(Gradcheck, mean_axis1) {
  expect_gradcheck([](const std::vector<Vard>& v) { return mean(v[0], 1); },
                   Inputs{uniform(random_size(), random_size())}, "mean axis 1");
}

TEST(Gradcheck, exp) {
  expect_gradcheck([](const std::vector<Vard>& v) { return exp(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "exp");
}

TEST(Gradcheck, log) {
  expect_gradcheck([](const std::vector<Vard>& v) { return log(v[0]); },
                   Inputs{uniform(random_size(), random_size(), 0.3, 3.0)}, "log");
}

TEST(Gradcheck, square) {
  expect_gradcheck([](const std::vector<Vard>& v) { return square(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "square");
}

TEST(Gradcheck, abs) {
  expect_gradcheck([](const std::vector<Vard>& v) { return abs(v[0]); },
                   Inputs{away_from_zero(random_size(), random_size())}, "abs");
}

TEST(Gradcheck, sigmoid) {
  expect_gradcheck([](const std::vector<Vard>& v) { return sigmoid(v[0]); },
                   Inputs{uniform(random_size(), random_size(), -5.0, 5.0)}, "sigmoid");
}

TEST(Gradcheck, tanh) {
  expect_gradcheck([](const std::vector<Vard>& v) { return tanh(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "tanh");
}

TEST(Gradcheck, relu) {
  expect_gradcheck([](const std::vector<Vard>& v) { return relu(v[0]); },
                   Inputs{away_from_zero(random_size(), random_size())}, "relu");
}

TEST(Gradcheck, softmax) {
  expect_gradcheck([](const std::vector<Vard>& v) { return softmax(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "softmax");
}

TEST(Gradcheck, log_softmax) {
  expect_gradcheck([](const std::vector<Vard>& v) { return log_softmax(v[0]); },
                   Inputs{uniform(random_size(), random_size())}, "log_softmax");
}

TEST(Gradcheck, reshape) {
  expect_gradcheck([](const std::vector<Vard>& v) { return reshape(v[0], 2, 6); },
                   Inputs{uniform(3, 4)}, "reshape (3,4)->(2,6)");
  expect_gradcheck([](const std::vector<Vard>& v) { return reshape(v[0], 1, 12); },
                   Inputs{uniform(4, 3)}, "reshape (4,3)->(1,12)");
}

TEST(Gradcheck, apply_mask) {
  const std::size_t m = random_size(), n = random_size();
  Matrix<double> mask = xt::zeros<double>({m, n});
  std::bernoulli_distribution keep(0.5);
  for (auto& v : mask) v = keep(test::rng()) ? 2.0 : 0.0;  // inverted dropout, p = 0.5
  expect_gradcheck([mask](const std::vector<Vard>& v) { return apply_mask(v[0], mask); },
                   Inputs{uniform(m, n)}, "apply_mask");
}

TEST(Gradcheck, binary_cross_entropy_with_logits) {
  const std::size_t m = random_size(), n = random_size();
  const Matrix<double> y = uniform(m, n, 0.0, 1.0);  // soft targets exercise the y·z term
  expect_gradcheck(
      [y](const std::vector<Vard>& v) { return binary_cross_entropy_with_logits(v[0], y); },
      Inputs{uniform(m, n, -4.0, 4.0)}, "binary_cross_entropy_with_logits");
}

TEST(Gradcheck, softmax_log_likelihood) {
  const std::size_t m = random_size(), n = random_size();
  const auto labels = test::random_labels(m, n);
  expect_gradcheck(
      [labels](const std::vector<Vard>& v) { return softmax_log_likelihood(v[0], labels); },
      Inputs{uniform(m, n)}, "softmax_log_likelihood (labels)");
}

TEST(Gradcheck, softmax_log_likelihood_onehot) {
  const std::size_t m = random_size(), n = random_size();
  const Matrix<double> y = test::one_hot(test::random_labels(m, n), n);
  expect_gradcheck([y](const std::vector<Vard>& v) { return softmax_log_likelihood(v[0], y); },
                   Inputs{uniform(m, n)}, "softmax_log_likelihood (one-hot)");
}

// A 3-layer MLP x → W1,b1 → act → W2,b2 → act → W3,b3 → loss, checked for every parameter.
using ActivationFn = Vard (*)(const Vard&);

Vard mlp_logits(const std::vector<Vard>& v, ActivationFn act) {
  // v: x, W1, b1, W2, b2, W3, b3 (weights stored in × out, biases as row vectors).
  const Vard h1 = act(matmul(v[0], v[1]) + v[2]);
  const Vard h2 = act(matmul(h1, v[3]) + v[4]);
  return matmul(h2, v[5]) + v[6];
}

Inputs mlp_inputs(std::size_t batch, std::size_t in, std::size_t hidden, std::size_t out) {
  return {uniform(batch, in, 0.0, 1.0), uniform(in, hidden, -1.0, 1.0), uniform(1, hidden),
          uniform(hidden, hidden, -1.0, 1.0), uniform(1, hidden), uniform(hidden, out, -1.0, 1.0),
          uniform(1, out)};
}

const std::vector<std::pair<const char*, ActivationFn>>& activations() {
  static const std::vector<std::pair<const char*, ActivationFn>> all = {
      {"sigmoid", [](const Vard& z) { return sigmoid(z); }},
      {"tanh", [](const Vard& z) { return tanh(z); }},
      {"relu", [](const Vard& z) { return relu(z); }}};
  return all;
}

TEST(Gradcheck, mlp_binary_cross_entropy_with_logits) {
  for (const auto& [name, act] : activations()) {
    const Matrix<double> y = test::one_hot(test::random_labels(4, 3), 3);
    expect_gradcheck(
        [y, act = act](const std::vector<Vard>& v) {
          return binary_cross_entropy_with_logits(mlp_logits(v, act), y);
        },
        mlp_inputs(4, 5, 6, 3), std::string("MLP + BCE, ") + name);
  }
}

TEST(Gradcheck, mlp_softmax_log_likelihood) {
  for (const auto& [name, act] : activations()) {
    const auto labels = test::random_labels(4, 3);
    expect_gradcheck(
        [labels, act = act](const std::vector<Vard>& v) {
          return softmax_log_likelihood(mlp_logits(v, act), labels);
        },
        mlp_inputs(4, 5, 6, 3), std::string("MLP + log-likelihood, ") + name);
  }
}

TEST(Gradcheck, mlp_quadratic_with_l2) {
  // Unfused composition: 0.5·mean‖σ(z) − y‖² + λ/(2n)·Σw², built from primitives.
  for (const auto& [name, act] : activations()) {
    const Matrix<double> y = test::one_hot(test::random_labels(4, 3), 3);
    expect_gradcheck(
        [y, act = act](const std::vector<Vard>& v) {
          const Vard a = sigmoid(mlp_logits(v, act));
          const Vard cost = 0.5 * sum(square(a - Vard(y))) / 4.0;
          const Vard penalty = (0.1 / (2 * 100.0)) * (sum(square(v[1])) + sum(square(v[3])));
          return cost + penalty;
        },
        mlp_inputs(4, 5, 6, 3), std::string("MLP + quadratic + L2, ") + name);
  }
}

TEST(Gradcheck, reports_worst_element) {
  // A deliberately wrong "gradient": d/dx of x·c computed as if c were 0 for one element.
  const GradcheckResult r = gradcheck(
      [](const std::vector<Vard>& v) {
        Matrix<double> mask = xt::ones<double>(v[0].value().shape());
        mask(1, 2) = 0.0;  // the mask is constant, so the numeric derivative still sees x
        return apply_mask(v[0], mask) + Vard(xt::eval(v[0].value() * (1.0 - mask)));
      },
      {uniform(3, 4, 1.0, 2.0)}, "broken op");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.input, 0u);
  EXPECT_EQ(r.row, 1u);
  EXPECT_EQ(r.col, 2u);
  EXPECT_NEAR(r.autodiff, 0.0, 1e-12);
  EXPECT_NE(r.message.find("broken op"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("(1, 2)"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace xgrad
