// The cost functions of chapter 3 and the output-layer gradients derived from them
// (eqs. 6, 55–57, 61–70): xgrad's value and autodiff gradient against the closed form,
// computed here in plain loops, in float64 on random data, to a relative 1e-10.

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "reference.hpp"
#include "test_util.hpp"

namespace xgrad::book {
namespace {

using test::near;
using test::uniform;

// A single sigmoid neuron with n_in inputs, as a Dense layer (its own parameters).
struct Neuron {
  Dense<double> layer;
  Vard z, a;
  Neuron(const Matrix<double>& w, double b, const Matrix<double>& x)
      : layer(Matrix<double>(w), Matrix<double>({{b}})) {
    z = layer(Vard(x));
    z.retain_grad();
    a = sigmoid(z);
  }
  double w(std::size_t k) const { return layer.weight().value()(k, 0); }
  double b() const { return layer.bias().value()(0, 0); }
};

TEST(Book, Eq6_QuadraticCost) {
  const std::size_t m = 7, n = 4;
  const Matrix<double> a = uniform(m, n, 0.0, 1.0), y = uniform(m, n, 0.0, 1.0);
  // Per example: C_x = ½‖a − y‖², for a batch of one row.
  double total = 0;
  for (std::size_t i = 0; i < m; ++i) {
    double c_x = 0;
    for (std::size_t j = 0; j < n; ++j) c_x += 0.5 * (a(i, j) - y(i, j)) * (a(i, j) - y(i, j));
    const Vard a_x(as_row(row(a, i)));
    EXPECT_TRUE(near(quadratic_cost(a_x, as_row(row(y, i))).item(), c_x, kTolerance));
    total += c_x;
  }
  // The batch: C = 1/(2n) Σ_x ‖y − a‖², with gradient (a − y)/n.
  const Vard av(a, true);
  const Vard c = quadratic_cost(av, y);
  EXPECT_TRUE(near(c.item(), total / m, kTolerance));
  c.backward();
  Matrix<double> expected = xt::empty<double>({m, n});
  for (std::size_t k = 0; k < a.size(); ++k) expected.flat(k) = (a.flat(k) - y.flat(k)) / m;
  EXPECT_TRUE(near(av.grad(), expected, kTolerance));
}

TEST(Book, SigmoidDerivative) {
  const Matrix<double> z = uniform(5, 6, -6.0, 6.0);
  const Vard zv(z, true);
  sum(sigmoid(zv)).backward();
  Matrix<double> expected = xt::empty<double>({5, 6});
  for (std::size_t k = 0; k < z.size(); ++k) {
    const double s = 1.0 / (1.0 + std::exp(-z.flat(k)));
    expected.flat(k) = s * (1.0 - s);
  }
  EXPECT_TRUE(near(zv.grad(), expected, kTolerance));
}

TEST(Book, Eq55_56_SingleNeuronQuadraticGradients) {
  for (int trial = 0; trial < 10; ++trial) {
    const double x = uniform(1, 1)(0, 0), y = uniform(1, 1, 0.0, 1.0)(0, 0);
    Neuron neuron(uniform(1, 1), uniform(1, 1)(0, 0), Matrix<double>({{x}}));
    quadratic_cost(neuron.a, Matrix<double>({{y}})).backward();
    const double z = neuron.w(0) * x + neuron.b(), a = sigma(z);
    // ∂C/∂w = (a − y)σ'(z)x ;  ∂C/∂b = (a − y)σ'(z).
    EXPECT_TRUE(near(neuron.layer.weight().grad()(0, 0), (a - y) * sigma_prime(z) * x, kTolerance));
    EXPECT_TRUE(near(neuron.layer.bias().grad()(0, 0), (a - y) * sigma_prime(z), kTolerance));
  }
}

// One sigmoid neuron with 3 inputs on a batch of 6: values and gradients of cross-entropy.
struct CrossEntropyNeuronCase {
  const std::size_t m = 6, n_in = 3;
  Matrix<double> x = uniform(m, n_in), w = uniform(n_in, 1), y = uniform(m, 1, 0.0, 1.0);
  double b = uniform(1, 1)(0, 0);
  double z(std::size_t i) const {
    double zi = b;
    for (std::size_t k = 0; k < n_in; ++k) zi += w(k, 0) * x(i, k);
    return zi;
  }
};

TEST(Book, Eq57_SingleNeuronCrossEntropy) {
  const CrossEntropyNeuronCase c;
  // C = −1/n Σ_x [y ln a + (1 − y) ln(1 − a)].
  double expected = 0;
  for (std::size_t i = 0; i < c.m; ++i) {
    const double a = sigma(c.z(i));
    expected -= c.y(i, 0) * std::log(a) + (1 - c.y(i, 0)) * std::log(1 - a);
  }
  expected /= c.m;
  Neuron neuron(c.w, c.b, c.x);
  EXPECT_TRUE(near(cross_entropy_cost(neuron.a, c.y).item(), expected, kTolerance));
  EXPECT_TRUE(near(cross_entropy_cost_with_logits(neuron.z, c.y).item(), expected, kTolerance));
}

TEST(Book, Eq61_62_SingleNeuronCrossEntropyGradients) {
  const CrossEntropyNeuronCase c;
  // ∂C/∂w_j = 1/n Σ_x x_j(σ(z) − y) ;  ∂C/∂b = 1/n Σ_x (σ(z) − y): no σ'(z) factor.
  Matrix<double> dw = xt::zeros<double>({c.n_in, std::size_t(1)});
  double db = 0;
  for (std::size_t i = 0; i < c.m; ++i) {
    const double error = sigma(c.z(i)) - c.y(i, 0);
    for (std::size_t k = 0; k < c.n_in; ++k) dw(k, 0) += c.x(i, k) * error / c.m;
    db += error / c.m;
  }
  for (bool fused : {false, true}) {
    SCOPED_TRACE(fused ? "fused" : "unfused");
    Neuron neuron(c.w, c.b, c.x);
    (fused ? cross_entropy_cost_with_logits(neuron.z, c.y) : cross_entropy_cost(neuron.a, c.y))
        .backward();
    EXPECT_TRUE(near(neuron.layer.weight().grad(), dw, kTolerance));
    EXPECT_TRUE(near(neuron.layer.bias().grad()(0, 0), db, kTolerance));
  }
}

TEST(Book, Eq63_CrossEntropyManyOutputs) {
  const std::size_t m = 5, n = 4;
  Matrix<double> z = uniform(m, n, -3.0, 3.0), y = uniform(m, n, 0.0, 1.0);
  // C = −1/n Σ_x Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)].
  double expected = 0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    const double a = sigma(z.flat(k));
    expected -= y.flat(k) * std::log(a) + (1 - y.flat(k)) * std::log(1 - a);
  }
  expected /= m;
  EXPECT_TRUE(near(cross_entropy_cost(sigmoid(Vard(z)), y).item(), expected, kTolerance));
  EXPECT_TRUE(near(cross_entropy_cost_with_logits(Vard(z), y).item(), expected, kTolerance));
}

TEST(Book, Eq63_CrossEntropyZeroLogZeroIsZero) {
  // a = y = 1 and a = y = 0 cost nothing (0·ln 0 = 0), and the gradient stays finite.
  const Matrix<double> a = {{1.0, 0.0, 0.25}, {1.0, 0.5, 0.0}};
  const Matrix<double> y = {{1.0, 0.0, 0.75}, {1.0, 0.5, 0.0}};
  const Vard av(a, true);
  const Vard c = cross_entropy_cost(av, y);
  const double mixed = -(0.75 * std::log(0.25) + 0.25 * std::log(0.75));
  const double half = -std::log(0.5);
  EXPECT_TRUE(near(c.item(), (mixed + half) / 2, kTolerance));
  c.backward();
  // ∂C/∂a = (−y/a + (1 − y)/(1 − a))/n, with the 0·(…) terms 0.
  const Matrix<double> expected = {{-1.0 / 2, 1.0 / 2, (-0.75 / 0.25 + 0.25 / 0.75) / 2},
                                   {-1.0 / 2, 0.0, 1.0 / 2}};
  EXPECT_TRUE(near(av.grad(), expected, kTolerance));
  for (double g : av.grad()) EXPECT_TRUE(std::isfinite(g));
  // A single output with a = y = 1 costs exactly 0.
  EXPECT_EQ(cross_entropy_cost(Vard(Matrix<double>({{1.0}})), Matrix<double>({{1.0}})).item(),
            0.0);
}

TEST(Book, Eq64_CrossEntropyMinimumAtTarget) {
  const std::size_t m = 4, n = 5;
  const Matrix<double> y = uniform(m, n, 0.05, 0.95);
  // At a = y the cost is the binary entropy −1/n Σ [y ln y + (1 − y) ln(1 − y)] …
  double entropy = 0;
  for (double t : y) entropy -= t * std::log(t) + (1 - t) * std::log(1 - t);
  entropy /= m;
  const Vard a(y, true);
  const Vard c = cross_entropy_cost(a, y);
  EXPECT_TRUE(near(c.item(), entropy, kTolerance));
  // … it is a stationary point (∂C/∂a = (a − y)/(a(1 − a))/n = 0) …
  c.backward();
  for (double g : a.grad()) EXPECT_LE(std::abs(g), 1e-15);
  // … and a minimum: moving any a_j away from y_j raises the cost.
  for (std::size_t k = 0; k < y.size(); ++k) {
    for (double step : {-0.01, 0.01}) {
      Matrix<double> moved = y;
      moved.flat(k) += step;
      EXPECT_GT(cross_entropy_cost(Vard(moved), y).item(), c.item());
    }
  }
  // For y ∈ {0, 1} the minimum is 0.
  const Matrix<double> binary = {{0.0, 1.0, 1.0}, {0.0, 0.0, 1.0}};
  EXPECT_EQ(cross_entropy_cost(Vard(binary), binary).item(), 0.0);
}

// A random two-layer network [5, 4, 3] with the given output activation, its reference
// trace per example, and autodiff gradients for the batch loss `loss(z^L, a^L)`.
struct OutputLayerCase {
  const std::size_t m = 6;
  RefNetwork ref;
  Matrix<double> x, y;
  std::vector<Trace> traces;
  Sequential<double> logits;
  Vard z, a;

  OutputLayerCase(Act output, Matrix<double> targets)
      : ref(random_network({5, 4, 3}, Act::sigmoid, output)),
        x(uniform(m, 5)),
        y(std::move(targets)) {
    for (std::size_t i = 0; i < m; ++i) traces.push_back(forward(ref, row(x, i)));
    logits = to_sequential_logits(ref);
    z = logits(Vard(x));
    z.retain_grad();
    a = output == Act::identity ? z : output == Act::softmax ? softmax(z) : sigmoid(z);
  }
  // Output-layer gradients 1/n Σ_x a^{L−1}_k δ_j and 1/n Σ_x δ_j for a per-example δ(i, j),
  // in the Dense layout (W(k, j), b(0, j)).
  template <class Delta>
  std::pair<Matrix<double>, Matrix<double>> expected_output_gradients(Delta delta) const {
    Matrix<double> dw = xt::zeros<double>({std::size_t(4), std::size_t(3)});
    Matrix<double> db = xt::zeros<double>({std::size_t(1), std::size_t(3)});
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < 3; ++j) {
        const double d = delta(i, j);
        for (std::size_t k = 0; k < 4; ++k) dw(k, j) += traces[i].a[1][k] * d / m;
        db(0, j) += d / m;
      }
    }
    return {dw, db};
  }
  // (a^L − y)/m per example and output, from the reference trace.
  Matrix<double> output_error_over_m() const {
    Matrix<double> delta = xt::empty<double>({m, std::size_t(3)});
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < 3; ++j) delta(i, j) = (out(i, j) - y(i, j)) / m;
    }
    return delta;
  }
  const Dense<double>& output_layer() const { return logits.at<Dense<double>>(2); }
  double out(std::size_t i, std::size_t j) const { return traces[i].a[2][j]; }
  double zl(std::size_t i, std::size_t j) const { return traces[i].z[1][j]; }
};

TEST(Book, Eq65_QuadraticOutputWeights) {
  OutputLayerCase c(Act::sigmoid, uniform(6, 3, 0.0, 1.0));
  quadratic_cost(c.a, c.y).backward();
  // ∂C/∂w^L_jk = 1/n Σ_x a^{L−1}_k (a^L_j − y_j) σ'(z^L_j): the σ' that slows learning.
  const auto [dw, db] = c.expected_output_gradients([&](std::size_t i, std::size_t j) {
    return (c.out(i, j) - c.y(i, j)) * sigma_prime(c.zl(i, j));
  });
  EXPECT_TRUE(near(c.output_layer().weight().grad(), dw, kTolerance));
  EXPECT_TRUE(near(c.output_layer().bias().grad(), db, kTolerance));
}

TEST(Book, Eq66_67_CrossEntropyOutputWeights) {
  for (bool fused : {false, true}) {
    SCOPED_TRACE(fused ? "fused" : "unfused");
    OutputLayerCase c(Act::sigmoid, uniform(6, 3, 0.0, 1.0));
    (fused ? cross_entropy_cost_with_logits(c.z, c.y) : cross_entropy_cost(c.a, c.y)).backward();
    // δ^L = a^L − y per example (the batch loss carries the 1/n) …
    EXPECT_TRUE(near(c.z.grad(), c.output_error_over_m(), kTolerance));
    // … and ∂C/∂w^L_jk = 1/n Σ_x a^{L−1}_k (a^L_j − y_j): no σ'(z^L).
    const auto [dw, db] = c.expected_output_gradients(
        [&](std::size_t i, std::size_t j) { return c.out(i, j) - c.y(i, j); });
    EXPECT_TRUE(near(c.output_layer().weight().grad(), dw, kTolerance));
    EXPECT_TRUE(near(c.output_layer().bias().grad(), db, kTolerance));
  }
}

TEST(Book, Eq68_69_70_LinearOutputQuadratic) {
  OutputLayerCase c(Act::identity, uniform(6, 3));
  Cost::quadratic(OutputActivation::identity).on_logits(c.z, c.y).backward();
  // Linear outputs a^L = z^L: δ^L = a^L − y (eq. 68), and the gradients of eqs. 69–70.
  EXPECT_TRUE(near(c.z.grad(), c.output_error_over_m(), kTolerance));
  const auto [dw, db] = c.expected_output_gradients(
      [&](std::size_t i, std::size_t j) { return c.out(i, j) - c.y(i, j); });
  EXPECT_TRUE(near(c.output_layer().weight().grad(), dw, kTolerance));
  EXPECT_TRUE(near(c.output_layer().bias().grad(), db, kTolerance));
}

}  // namespace
}  // namespace xgrad::book
