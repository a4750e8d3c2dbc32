// Chapter 2's backpropagation equations (BP1–BP4): an independent per-layer reference
// backprop, written from the book's algorithm, agrees with autodiff on random networks for
// every cost × activation combination, through both the unfused and the fused losses.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "reference.hpp"
#include "test_util.hpp"

namespace xgrad::book {
namespace {

struct Combination {
  RefCost cost;
  Act hidden, output;
};

std::vector<Combination> combinations() {
  std::vector<Combination> all;
  for (Act hidden : {Act::sigmoid, Act::tanh, Act::relu}) {
    for (Act output : {Act::sigmoid, Act::tanh, Act::relu, Act::identity}) {
      all.push_back({RefCost::quadratic, hidden, output});
    }
    all.push_back({RefCost::cross_entropy, hidden, Act::sigmoid});
    all.push_back({RefCost::log_likelihood, hidden, Act::softmax});
  }
  return all;
}

Matrix<double> targets(RefCost cost, std::size_t m, std::size_t n) {
  if (cost == RefCost::log_likelihood) return test::one_hot(test::random_labels(m, n), n);
  return test::uniform(m, n, 0.0, 1.0);
}

Vard unfused_loss(RefCost cost, const Vard& a, const Matrix<double>& y) {
  switch (cost) {
    case RefCost::quadratic: return quadratic_cost(a, y);
    case RefCost::cross_entropy: return cross_entropy_cost(a, y);
    case RefCost::log_likelihood: return log_likelihood_cost(a, y);
  }
  return {};
}

void check_backprop(const std::vector<std::size_t>& sizes) {
  const std::size_t m = 4;
  for (const Combination& c : combinations()) {
    SCOPED_TRACE(std::string(cost_name(c.cost)) + " cost, " + act_name(c.hidden) +
                 " hidden, " + act_name(c.output) + " output");
    const RefNetwork ref = random_network(sizes, c.hidden, c.output);
    const Matrix<double> x = test::uniform(m, sizes.front());
    const Matrix<double> y = targets(c.cost, m, sizes.back());
    const RefGradients expected = batch_backprop(ref, c.cost, x, y);

    Sequential<double> net = to_sequential(ref);
    const Vard loss = unfused_loss(c.cost, net(Vard(x)), y);
    EXPECT_TRUE(test::near(loss.item(), batch_cost(ref, c.cost, x, y), kTolerance));
    loss.backward();
    EXPECT_TRUE(gradients_match(net, expected)) << "unfused";

    if (c.cost == RefCost::quadratic) continue;  // no fused form
    Sequential<double> logits = to_sequential_logits(ref);
    const Vard z = logits(Vard(x));
    const Vard fused = c.cost == RefCost::cross_entropy ? cross_entropy_cost_with_logits(z, y)
                                                        : softmax_log_likelihood(z, y);
    EXPECT_TRUE(test::near(fused.item(), batch_cost(ref, c.cost, x, y), kTolerance));
    fused.backward();
    EXPECT_TRUE(gradients_match(logits, expected)) << "fused";
  }
}

TEST(Book, BP1_BP2_BP3_BP4_ReferenceBackprop_5_4_3) { check_backprop({5, 4, 3}); }

TEST(Book, BP1_BP2_BP3_BP4_ReferenceBackprop_6_5_4_3) { check_backprop({6, 5, 4, 3}); }

}  // namespace
}  // namespace xgrad::book
