// The chapter's toy neuron (experiments 1–3): one sigmoid neuron, input 1, target 0,
// trained by gradient descent from (w, b) = (0.6, 0.9) and (2, 2). The quadratic cost
// learns slowly from the saturated start (σ'(z) is tiny); cross-entropy does not.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

struct Epoch {
  double output, cost;
};

// Output and cost before training (index 0) and after each of `epochs` SGD steps.
std::vector<Epoch> train_toy_neuron(double w, double b, const Cost& cost, double eta,
                                    int epochs) {
  const Vard x(Matrix<double>({{1.0}}));
  const Matrix<double> y = {{0.0}};
  Dense<double> neuron(Matrix<double>({{w}}), Matrix<double>({{b}}));
  SGD<double> sgd(neuron.parameters(), eta);
  std::vector<Epoch> history;
  for (int epoch = 0; epoch <= epochs; ++epoch) {
    const Vard z = neuron(x);
    const Vard loss = cost.on_logits(z, y);
    history.push_back({cost.activate(z).item(), loss.item()});
    if (epoch == epochs) break;
    sgd.zero_grad();
    loss.backward();
    sgd.step();
  }
  return history;
}

// ∂C/∂w at the start.
double initial_weight_gradient(double w, double b, const Cost& cost) {
  Dense<double> neuron(Matrix<double>({{w}}), Matrix<double>({{b}}));
  cost.on_logits(neuron(Vard(Matrix<double>({{1.0}}))), Matrix<double>({{0.0}})).backward();
  return neuron.weight().grad()(0, 0);
}

TEST(Book, ToyNeuronStartingOutputs) {
  EXPECT_NEAR(train_toy_neuron(0.6, 0.9, Cost::quadratic(), 0.15, 0)[0].output, 0.82, 0.005);
  EXPECT_NEAR(train_toy_neuron(2.0, 2.0, Cost::quadratic(), 0.15, 0)[0].output, 0.98, 0.005);
}

TEST(Book, ToyNeuronExperiment1_QuadraticOutputAfter300Epochs) {
  const std::vector<Epoch> run = train_toy_neuron(0.6, 0.9, Cost::quadratic(), 0.15, 300);
  std::printf("quadratic from (0.6, 0.9): output %.4f after 300 epochs\n", run.back().output);
  EXPECT_NEAR(run.back().output, 0.09, 0.01);
}

TEST(Book, ToyNeuronExperiment2_3_QuadraticPlateauCrossEntropyLearns) {
  // From (2, 2) the quadratic cost barely moves in the first 100 epochs …
  const std::vector<Epoch> quadratic = train_toy_neuron(2.0, 2.0, Cost::quadratic(), 0.15, 100);
  const double quadratic_drop = 1.0 - quadratic[100].cost / quadratic[0].cost;
  // … while cross-entropy, even at η = 0.005, learns from the start.
  const std::vector<Epoch> cross = train_toy_neuron(2.0, 2.0, Cost::cross_entropy(), 0.005, 100);
  const double cross_drop = 1.0 - cross[100].cost / cross[0].cost;
  std::printf("from (2, 2), first 100 epochs: quadratic cost -%.2f%%, cross-entropy -%.2f%%\n",
              100 * quadratic_drop, 100 * cross_drop);
  EXPECT_GT(quadratic_drop, 0.0);
  EXPECT_LT(quadratic_drop, 0.05);
  EXPECT_GT(cross_drop, 0.15);
}

TEST(Book, ToyNeuronInitialGradients) {
  // Cross-entropy: ∂C/∂w = x(a − y) grows with the error, so the worse start learns faster.
  EXPECT_GT(std::abs(initial_weight_gradient(2.0, 2.0, Cost::cross_entropy())),
            std::abs(initial_weight_gradient(0.6, 0.9, Cost::cross_entropy())));
  // Quadratic: ∂C/∂w = (a − y)σ'(z)x, and σ'(4) is so small that the worse start is slower.
  EXPECT_LT(std::abs(initial_weight_gradient(2.0, 2.0, Cost::quadratic())),
            std::abs(initial_weight_gradient(0.6, 0.9, Cost::quadratic())));
}

}  // namespace
}  // namespace xgrad
