// xgrad-custom-module: how to write your own Module. A residual block — x + f(x) — is a
// few lines: register the submodules (or parameters) in the constructor and write
// forward(). It then works everywhere a built-in layer does: inside a Sequential, with
// parameters() (named, so penalties and weight decay find its weights), train()/eval(),
// state()/load_state() and any optimizer. Here two of them classify points inside a disc
// versus on a ring around it. Needs no data and no flags.

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

// y = x + Dense(relu(Dense(x))): the block learns a correction to the identity.
class Residual : public Module<double> {
 public:
  Residual(std::size_t width, Rng& rng)
      : body_(
            register_module("body", std::make_shared<Sequential<double>>(
                                        Dense<double>(width, width, Init::he, rng), ReLU<double>(),
                                        Dense<double>(width, width, Init::he, rng)))) {}
  Vard forward(const Vard& x) override { return x + body_->forward(x); }
  std::string describe() const override { return "Residual(" + body_->describe() + ")"; }

 private:
  std::shared_ptr<Sequential<double>> body_;
};

// Class 0: radius in [0, 1.2); class 1: radius in [1, 2.2) — the bands overlap, so no
// classifier is perfect. Inputs (x, y), one-hot targets.
void make_rings(std::size_t n, Rng& rng, Matrix<double>& x, Matrix<double>& y,
                std::vector<std::size_t>& labels) {
  x = xt::empty<double>({n, std::size_t(2)});
  y = xt::zeros<double>({n, std::size_t(2)});
  labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = i % 2;
    const double r = labels[i] == 0 ? uniform_between(rng, 0.0, 1.2)
                                    : uniform_between(rng, 1.0, 2.2);
    const double angle = uniform_between(rng, 0.0, 2 * M_PI);
    x(i, 0) = r * std::cos(angle);
    x(i, 1) = r * std::sin(angle);
    y(i, labels[i]) = 1.0;
  }
}

double accuracy(Module<double>& net, const Matrix<double>& x,
                const std::vector<std::size_t>& labels) {
  NoGrad no_grad;  // evaluation: no graph
  net.eval();      // dropout off
  const Matrix<double> z = net(Vard(x)).value();
  net.train();
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    correct += (z(i, 1) > z(i, 0)) == (labels[i] == 1);
  }
  return double(correct) / double(labels.size());
}

}  // namespace

int main() {
  Rng rng(2026);
  Matrix<double> x, y, x_test, y_test;
  std::vector<std::size_t> labels, labels_test;
  make_rings(400, rng, x, y, labels);
  make_rings(400, rng, x_test, y_test, labels_test);

  Sequential<double> net(Dense<double>(2, 16, Init::he, rng), ReLU<double>(), Residual(16, rng),
                         Residual(16, rng), Dropout<double>(0.1, rng),
                         Dense<double>(16, 2, Init::xavier, rng));
  fmt::print("{}\nparameters:", net.describe());
  for (const Parameter<double>& p : net.parameters()) {
    fmt::print(" {}{}", p.name, p.is_weight() ? "" : " (bias)");
  }
  fmt::print("\n");

  const Cost cost = Cost::log_likelihood();
  const double lambda = 1e-3;
  AdamOptions options;
  options.learning_rate = 0.01;
  Adam<double> adam(net.parameters(), options);
  StateDict<double> best;  // the parameters with the best test accuracy (as a checkpoint would)
  double best_accuracy = 0;
  for (int epoch = 1; epoch <= 200; ++epoch) {
    const Vard loss = cost.on_logits(net(Vard(x)), y) + l2_penalty(net, lambda, labels.size());
    adam.zero_grad();
    loss.backward();
    adam.step();
    const double test_accuracy = accuracy(net, x_test, labels_test);
    if (test_accuracy > best_accuracy) {
      best_accuracy = test_accuracy;
      best = net.state();
    }
    if (epoch % 40 == 0) {
      fmt::print("epoch {:3d}  loss {:.4f}  train accuracy {:5.1f}%  test accuracy {:5.1f}%\n",
                 epoch, loss.item(), 100 * accuracy(net, x, labels), 100 * test_accuracy);
    }
  }
  net.load_state(best);
  fmt::print("restored the best parameters: test accuracy {:.1f}%\n",
             100 * accuracy(net, x_test, labels_test));
  return 0;
}
