// The README's "Layers, losses, optimizers" example, compiled and run as written (on a
// random mini-batch), so the documentation cannot drift from the API.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

TEST(Readme, layers_losses_optimizers_example) {
  const Matrix<double> x = test::uniform(10, 784, 0.0, 1.0);
  const Matrix<double> y = test::one_hot(test::random_labels(10, 10), 10);
  const std::size_t n = 50000;
  std::vector<double> losses;
  // --- as in README.md ---
  Rng rng(42);
  Sequential<double> net(Dense<double>(784, 30, Init::standard, rng), Sigmoid<double>(),
                         Dense<double>(30, 10, Init::standard, rng));
  const Cost cost = Cost::cross_entropy();
  SGD<double> sgd(net.parameters(), 0.5);
  HalveOnPlateau schedule(0.5, 10);
  for (int step = 0; step < 5; ++step) {
    Vard loss = cost.on_logits(net(Vard(x)), y) + l2_penalty(net, 5.0, n);
    sgd.zero_grad();
    loss.backward();
    sgd.step();
    losses.push_back(loss.item());
  }
  // --- end ---
  for (std::size_t k = 1; k < losses.size(); ++k) EXPECT_LT(losses[k], losses[k - 1]);
  EXPECT_TRUE(schedule.on_epoch_end(0.9));
  sgd.set_learning_rate(schedule.learning_rate());
  EXPECT_EQ(sgd.learning_rate(), 0.5);
}

}  // namespace
}  // namespace xgrad
