// The README's examples ("Using the engine": a new primitive op and second derivatives;
// "Layers, losses, optimizers"), compiled and run as written (on a random mini-batch), so
// the documentation cannot drift from the API.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "datasets/files.hpp"
#include "test_util.hpp"

namespace xgrad {
namespace {

// --- as in README.md ---
Vard softplus(const Vard& z) {                            // ln(1 + e^z), its own node
  Matrix<double> value = xt::log1p(xt::exp(z.value()));
  return make_op<double>("softplus", std::move(value), {z},
                         [](const BackwardContext<double>& c) -> Grads<double> {
                           return {c.grad_output * sigmoid(c.inputs[0])};  // ∂/∂z = σ(z)
                         });
}
// --- end ---

TEST(Readme, new_primitive_op_example) {
  const GradcheckFunction f = [](const std::vector<Vard>& v) { return softplus(v[0]); };
  const std::vector<Matrix<double>> inputs = {test::uniform(2, 3)};
  EXPECT_TRUE(gradcheck(f, inputs, "softplus").passed);
  EXPECT_TRUE(gradgradcheck(f, inputs, "softplus").passed);
}

TEST(Readme, second_derivatives_example) {
  // --- as in README.md ---
  Vard w(Matrix<double>{{0.5, -1.0}}, true);
  auto f = [&] { return sum(exp(w * w)); };                // any scalar function of w
  GradOptions keep_graph;
  keep_graph.create_graph = true;
  Vard g = grad(f(), {w}, keep_graph)[0];                   // ∇f, itself differentiable
  std::vector<Matrix<double>> hv = hvp<double>(f, {w}, {Matrix<double>{{1.0, 0.0}}});  // H·v
  Matrix<double> h = hessian<double>(f, {w});               // 2×2, symmetric
  // --- end ---
  // f = Σ e^(w²): ∂f/∂w = 2w e^(w²), ∂²f/∂w² = (2 + 4w²) e^(w²), no cross terms.
  const double w0 = 0.5, w1 = -1.0;
  EXPECT_NEAR(g.value()(0, 0), 2 * w0 * std::exp(w0 * w0), 1e-14);
  EXPECT_TRUE(g.requires_grad());
  EXPECT_NEAR(hv[0](0, 0), (2 + 4 * w0 * w0) * std::exp(w0 * w0), 1e-13);
  EXPECT_EQ(hv[0](0, 1), 0.0);
  EXPECT_NEAR(h(1, 1), (2 + 4 * w1 * w1) * std::exp(w1 * w1), 1e-13);
  EXPECT_EQ(h(0, 1), h(1, 0));
}

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

// The README's "Beyond first order" lines, in the context of the example above.
TEST(Readme, beyond_first_order_example) {
  const Matrix<double> x = test::uniform(20, 784, 0.0, 1.0);
  const Matrix<double> y = test::one_hot(test::random_labels(20, 10), 10);
  const std::size_t n = 50000;
  Rng rng(42);
  Sequential<double> net(Dense<double>(784, 30, Init::standard, rng), Sigmoid<double>(),
                         Dense<double>(30, 10, Init::standard, rng));
  const Cost cost = Cost::cross_entropy();
  const auto loss = [&] { return cost.on_logits(net(Vard(x)), y) + l2_penalty(net, 5.0, n); };
  const double before = loss().item();
  // --- as in README.md ---
  LBFGS<double> lbfgs(net.parameters());                  // or HessianFree, NonlinearCG, SGD, …
  lbfgs.step([&] { return cost.on_logits(net(Vard(x)), y) + l2_penalty(net, 5.0, n); });
  // --- end ---
  EXPECT_LT(loss().item(), 0.5 * before);
}

// The README's "Saving and loading" example, run in a temporary directory.
TEST(Readme, saving_and_loading_example) {
  test::TempDir dir;
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const Matrix<double> x = test::uniform(3, 784, 0.0, 1.0);
  Rng rng(42);
  Sequential<double> net(Dense<double>(784, 30, Init::standard, rng), Sigmoid<double>(),
                         Dense<double>(30, 10, Init::standard, rng));
  const Cost cost = Cost::cross_entropy();
  SGD<double> sgd(net.parameters(), 0.5);
  // --- as in README.md ---
  save_model("net.json", net, cost);                 // atomic: temp file, fsync, rename
  LoadedModel<double> model = load_model<double>("net.json");
  model.network.eval();
  Vard scores = model.cost.activate(model.network(Vard(x)));

  // A checkpoint to resume from: optimizer state (velocities…) and any trainer state as JSON.
  save_model("checkpoint.json", net, cost,
             TrainingState<double>{sgd.name(), sgd.state(), {{"epoch", 12}}});

  // network2.py's own format, both ways (Dense, Sigmoid, …, Dense with a sigmoid-output cost).
  save_network2("network2.json", net, cost);
  LoadedModel<double> book = load_network2<double>("network2.json");
  // --- end ---
  const Matrix<double> expected = cost.activate(net(Vard(x))).value();
  EXPECT_TRUE(test::near(scores.value(), expected, 1e-15));
  EXPECT_TRUE(test::near(book.cost.activate(book.network(Vard(x))).value(), expected, 1e-15));
  const LoadedModel<double> checkpoint = load_model<double>("checkpoint.json");
  EXPECT_EQ(checkpoint.training.optimizer, "SGD");
  EXPECT_EQ(checkpoint.training.trainer["epoch"], 12);
  std::filesystem::current_path(previous);
}

}  // namespace
}  // namespace xgrad
