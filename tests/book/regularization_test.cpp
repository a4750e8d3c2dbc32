// Regularisation and the update rules (eqs. 85–89, 93–97, 107–108): the penalised cost,
// its gradients and one optimizer step each, against the closed forms evaluated here on a
// reference network in plain loops (C₀ and ∂C_x/∂w from reference.hpp's backprop).

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "reference.hpp"
#include "test_util.hpp"

namespace xgrad::book {
namespace {

using test::near;

// A random sigmoid network [5, 4, 3] with cross-entropy C₀ on a mini-batch of m = 4 drawn
// from a training set of n = 40 (so λ/n is not negligible against ∂C₀/∂w).
struct RegularizedCase {
  const std::size_t m = 4, n = 40;
  const double lambda = 2.5, eta = 0.3;
  RefNetwork ref = random_network({5, 4, 3}, Act::sigmoid, Act::sigmoid);
  Matrix<double> x = test::uniform(m, 5), y = test::uniform(m, 3, 0.0, 1.0);

  // ∂C₀/∂w by the reference, summed (not averaged) over the mini-batch: Σ_x ∂C_x/∂w.
  RefGradients summed_gradients() const {
    RefGradients total = backprop(ref, RefCost::cross_entropy, row(x, 0), row(y, 0));
    for (std::size_t i = 1; i < m; ++i) {
      const RefGradients g = backprop(ref, RefCost::cross_entropy, row(x, i), row(y, i));
      for (std::size_t l = 0; l < g.w.size(); ++l) {
        for (std::size_t k = 0; k < g.w[l].size(); ++k) total.w[l].flat(k) += g.w[l].flat(k);
        for (std::size_t j = 0; j < g.b[l].size(); ++j) total.b[l][j] += g.b[l][j];
      }
    }
    return total;
  }
  Vard c0(Sequential<double>& net) const { return cross_entropy_cost(net(Vard(x)), y); }
};

double sgn(double w) { return w > 0 ? 1.0 : w < 0 ? -1.0 : 0.0; }

// Applies `rule(w, g)` → new w to every weight and `rule_b(b, g)` to every bias of `ref`
// given per-layer gradients g (book layout): the expected parameters after a step.
template <class WeightRule, class BiasRule>
RefNetwork stepped(RefNetwork ref, const RefGradients& g, WeightRule rule_w, BiasRule rule_b) {
  for (std::size_t l = 0; l < ref.layers.size(); ++l) {
    for (std::size_t k = 0; k < ref.layers[l].w.size(); ++k) {
      ref.layers[l].w.flat(k) = rule_w(ref.layers[l].w.flat(k), g.w[l].flat(k));
    }
    for (std::size_t j = 0; j < ref.layers[l].b.size(); ++j) {
      ref.layers[l].b[j] = rule_b(ref.layers[l].b[j], g.b[l][j]);
    }
  }
  return ref;
}

::testing::AssertionResult parameters_match(const Module<double>& net, const RefNetwork& ref) {
  const std::vector<Parameter<double>> p = net.parameters();
  for (std::size_t l = 0; l < ref.layers.size(); ++l) {
    if (auto r = near(p[2 * l].var.value(), transposed(ref.layers[l].w), kTolerance); !r) {
      return r << " in w of layer " << l + 1;
    }
    if (auto r = near(p[2 * l + 1].var.value(), as_row(ref.layers[l].b), kTolerance); !r) {
      return r << " in b of layer " << l + 1;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(Book, Eq85_86_87_L2RegularizedCost) {
  const RegularizedCase c;
  Sequential<double> net = to_sequential(c.ref);
  // C = C₀ + λ/(2n) Σ_w w², the sum over weights only.
  double sum_w2 = 0;
  for (const RefLayer& layer : c.ref.layers) {
    for (double w : layer.w) sum_w2 += w * w;
  }
  const double c0 = batch_cost(c.ref, RefCost::cross_entropy, c.x, c.y);
  const Vard cost = c.c0(net) + l2_penalty(net, c.lambda, c.n);
  EXPECT_TRUE(near(cost.item(), c0 + c.lambda / (2.0 * c.n) * sum_w2, kTolerance));
  // Biases are not regularised: changing them leaves the penalty as it was.
  const double penalty = l2_penalty(net, c.lambda, c.n).item();
  for (const Parameter<double>& p : net.parameters()) {
    if (!p.is_weight()) p.var.mutable_value() += 10.0;
  }
  EXPECT_EQ(l2_penalty(net, c.lambda, c.n).item(), penalty);
}

TEST(Book, Eq88_89_L2Gradients) {
  const RegularizedCase c;
  Sequential<double> net = to_sequential(c.ref);
  (c.c0(net) + l2_penalty(net, c.lambda, c.n)).backward();
  // ∂C/∂w = ∂C₀/∂w + (λ/n) w ;  ∂C/∂b = ∂C₀/∂b.
  RefGradients expected = batch_backprop(c.ref, RefCost::cross_entropy, c.x, c.y);
  for (std::size_t l = 0; l < expected.w.size(); ++l) {
    for (std::size_t k = 0; k < expected.w[l].size(); ++k) {
      expected.w[l].flat(k) += c.lambda / c.n * c.ref.layers[l].w.flat(k);
    }
  }
  EXPECT_TRUE(gradients_match(net, expected));
}

TEST(Book, Eq93_94_SgdWeightDecayStep) {
  const RegularizedCase c;
  // w → (1 − ηλ/n) w − (η/m) Σ_x ∂C_x/∂w ;  b → b − (η/m) Σ_x ∂C_x/∂b.
  const double eta = c.eta, lambda = c.lambda, n = double(c.n), m = double(c.m);
  const RefNetwork expected = stepped(
      c.ref, c.summed_gradients(),
      [&](double w, double g) { return (1 - eta * lambda / n) * w - eta / m * g; },
      [&](double b, double g) { return b - eta / m * g; });
  // The L2 penalty in the loss, plain SGD.
  Sequential<double> net = to_sequential(c.ref);
  SGD<double> sgd(net.parameters(), c.eta);
  (c.c0(net) + l2_penalty(net, c.lambda, c.n)).backward();
  sgd.step();
  EXPECT_TRUE(parameters_match(net, expected)) << "penalty in the loss";
  // No penalty, decoupled weight decay in the optimizer: the same step.
  Sequential<double> decayed = to_sequential(c.ref);
  SGD<double> sgd_decay(decayed.parameters(), c.eta, WeightDecay{c.lambda, c.n});
  c.c0(decayed).backward();
  sgd_decay.step();
  EXPECT_TRUE(parameters_match(decayed, expected)) << "decoupled weight decay";
}

// The reference network with some weights exactly 0, where sgn(0) = 0.
RegularizedCase with_zero_weights() {
  RegularizedCase c;
  for (RefLayer& layer : c.ref.layers) {
    layer.w(0, 0) = 0.0;
    layer.w(1, 2) = 0.0;
  }
  return c;
}

TEST(Book, Eq95_96_L1CostAndGradients) {
  const RegularizedCase c = with_zero_weights();
  Sequential<double> net = to_sequential(c.ref);
  // C = C₀ + (λ/n) Σ_w |w| ;  ∂C/∂w = ∂C₀/∂w + (λ/n) sgn(w), sgn(0) = 0 ; ∂C/∂b = ∂C₀/∂b.
  double sum_abs = 0;
  for (const RefLayer& layer : c.ref.layers) {
    for (double w : layer.w) sum_abs += std::abs(w);
  }
  const Vard cost = c.c0(net) + l1_penalty(net, c.lambda, c.n);
  const double c0 = batch_cost(c.ref, RefCost::cross_entropy, c.x, c.y);
  EXPECT_TRUE(near(cost.item(), c0 + c.lambda / c.n * sum_abs, kTolerance));
  cost.backward();
  RefGradients expected = batch_backprop(c.ref, RefCost::cross_entropy, c.x, c.y);
  for (std::size_t l = 0; l < expected.w.size(); ++l) {
    for (std::size_t k = 0; k < expected.w[l].size(); ++k) {
      expected.w[l].flat(k) += c.lambda / c.n * sgn(c.ref.layers[l].w.flat(k));
    }
  }
  EXPECT_TRUE(gradients_match(net, expected));
}

TEST(Book, Eq97_SgdL1StepIncludingZeroWeights) {
  const RegularizedCase c = with_zero_weights();
  // w → w' = w − (ηλ/n) sgn(w) − η ∂C₀/∂w, with ∂C₀/∂w the mini-batch mean.
  const double eta = c.eta, lambda = c.lambda, n = double(c.n), m = double(c.m);
  const RefNetwork expected = stepped(
      c.ref, c.summed_gradients(),
      [&](double w, double g) { return w - eta * lambda / n * sgn(w) - eta * g / m; },
      [&](double b, double g) { return b - eta * g / m; });
  Sequential<double> net = to_sequential(c.ref);
  SGD<double> sgd(net.parameters(), c.eta);
  (c.c0(net) + l1_penalty(net, c.lambda, c.n)).backward();
  sgd.step();
  EXPECT_TRUE(parameters_match(net, expected));
}

TEST(Book, Eq107_108_MomentumStep) {
  const RegularizedCase c;
  const double mu = 0.7;
  Sequential<double> net = to_sequential(c.ref);
  Momentum<double> momentum(net.parameters(), c.eta, mu);
  // The reference keeps its own velocities (book layout) and follows
  // v → v' = μv − η∇C ;  w → w' = w + v'  for three steps, ∇C recomputed at each point.
  RefNetwork ref = c.ref;
  RefGradients velocity = batch_backprop(ref, RefCost::cross_entropy, c.x, c.y);
  for (auto& w : velocity.w) w.fill(0.0);
  for (auto& b : velocity.b) std::fill(b.begin(), b.end(), 0.0);
  for (int step = 0; step < 3; ++step) {
    const RefGradients g = batch_backprop(ref, RefCost::cross_entropy, c.x, c.y);
    for (std::size_t l = 0; l < ref.layers.size(); ++l) {
      for (std::size_t k = 0; k < g.w[l].size(); ++k) {
        velocity.w[l].flat(k) = mu * velocity.w[l].flat(k) - c.eta * g.w[l].flat(k);
        ref.layers[l].w.flat(k) += velocity.w[l].flat(k);
      }
      for (std::size_t j = 0; j < g.b[l].size(); ++j) {
        velocity.b[l][j] = mu * velocity.b[l][j] - c.eta * g.b[l][j];
        ref.layers[l].b[j] += velocity.b[l][j];
      }
    }
    momentum.zero_grad();
    c.c0(net).backward();
    momentum.step();
    EXPECT_TRUE(parameters_match(net, ref)) << "after step " << step + 1;
  }
  // The velocities the optimizer saves are the reference's.
  const StateDict<double> state = momentum.state();
  EXPECT_TRUE(near(state_entry(state, "0.weight.velocity", "test"), transposed(velocity.w[0]),
                   kTolerance));
  EXPECT_TRUE(near(state_entry(state, "2.bias.velocity", "test"), as_row(velocity.b[1]),
                   kTolerance));
}

TEST(Book, Eq107_108_MomentumZeroIsPlainSgd) {
  // μ = 0: v' = −η∇C and w' = w + v' — bit for bit the SGD step, when SGD is given the
  // gradient as a matrix (its update from a factored gradient rounds differently: SGD tests).
  const RegularizedCase c;
  Sequential<double> a = to_sequential(c.ref), b = to_sequential(c.ref);
  Momentum<double> momentum(a.parameters(), c.eta, 0.0);
  SGD<double> sgd(b.parameters(), c.eta);
  for (const Parameter<double>& p : b.parameters()) p.var.accept_factored_grad(0);
  for (int step = 0; step < 3; ++step) {
    momentum.zero_grad();
    sgd.zero_grad();
    c.c0(a).backward();
    c.c0(b).backward();
    momentum.step();
    sgd.step();
  }
  for (std::size_t k = 0; k < a.parameters().size(); ++k) {
    EXPECT_EQ(a.parameters()[k].var.value(), b.parameters()[k].var.value());
  }
}

}  // namespace
}  // namespace xgrad::book
