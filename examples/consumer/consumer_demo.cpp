// xgrad-consumer-demo: a program outside xgrad's tree, built against the installed package
// (see CMakeLists.txt). It defines its own Module — two tanh layers with a residual
// connection and a linear read-out — registers it so that models holding it can be saved,
// trains it with train() on a synthetic regression problem, prints the loss falling, saves
// the model, loads it back and checks that the loaded model computes exactly the same
// outputs. Needs no arguments and no data; exits non-zero if any of that fails.

#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

// y = (h + tanh(h·W2 + b2))·W3 + b3 with h = tanh(x·W1 + b1).
class TanhResidual : public Module<double> {
 public:
  TanhResidual(std::size_t inputs, std::size_t hidden, std::size_t outputs, Rng& rng)
      : in_(register_module("in", std::make_shared<Dense<double>>(inputs, hidden,
                                                                  Init::xavier, rng))),
        mid_(register_module("mid", std::make_shared<Dense<double>>(hidden, hidden,
                                                                    Init::xavier, rng))),
        out_(register_module("out", std::make_shared<Dense<double>>(hidden, outputs,
                                                                    Init::xavier, rng))) {}

  Vard forward(const Vard& x) override {
    const Vard h = tanh(in_->forward(x));
    return out_->forward(h + tanh(mid_->forward(h)));  // the residual connection
  }
  std::string describe() const override {
    return "TanhResidual(" + std::to_string(inputs()) + ", " + std::to_string(hidden()) + ", " +
           std::to_string(outputs()) + ")";
  }

  std::size_t inputs() const { return in_->in_features(); }
  std::size_t hidden() const { return in_->out_features(); }
  std::size_t outputs() const { return out_->out_features(); }

 private:
  std::shared_ptr<Dense<double>> in_, mid_, out_;
};

// Saving stores the three sizes; loading builds the module from them (xgrad restores the
// parameters). The configuration comes from a file, so it is checked before allocating.
void register_tanh_residual() {
  register_module_type<TanhResidual>(
      "TanhResidual",
      [](const TanhResidual& m) {
        return nlohmann::json{{"inputs", m.inputs()}, {"hidden", m.hidden()},
                              {"outputs", m.outputs()}};
      },
      [](const nlohmann::json& config) {
        const auto size = [&](const char* key) {
          const auto n = config.at(key).get<std::size_t>();
          if (n == 0 || n > 4096) throw std::invalid_argument(std::string(key) + " out of range");
          return n;
        };
        Rng unused(0);  // the initial values are overwritten by the saved parameters
        return std::make_shared<TanhResidual>(size("inputs"), size("hidden"), size("outputs"),
                                              unused);
      });
}

// 512 points of f(x0, x1) = sin(2·x0)·cos(x1) + x0/2 on [-1.5, 1.5]².
Dataset<double> make_problem(std::size_t n, Rng& rng) {
  Matrix<double> x = xt::empty<double>({n, std::size_t(2)});
  Matrix<double> y = xt::empty<double>({n, std::size_t(1)});
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = uniform_between(rng, -1.5, 1.5);
    x(i, 1) = uniform_between(rng, -1.5, 1.5);
    y(i, 0) = std::sin(2 * x(i, 0)) * std::cos(x(i, 1)) + x(i, 0) / 2;
  }
  return Dataset<double>(std::move(x), std::move(y));
}

Matrix<double> outputs_of(Module<double>& net, const Matrix<double>& x) {
  NoGrad no_grad;
  net.eval();
  return net(Vard(x)).value();
}

int run() {
  std::printf("xgrad %s (headers %s)\n", xgrad::version(), XGRAD_VERSION);
  if (std::string(xgrad::version()) != XGRAD_VERSION) {
    std::fprintf(stderr, "FAIL: library and headers are different versions\n");
    return 1;
  }
  register_tanh_residual();

  Rng rng(7);
  const Dataset<double> data = make_problem(512, rng);
  Sequential<double> net(TanhResidual(2, 32, 1, rng));
  const Cost cost = Cost::quadratic(OutputActivation::identity);  // regression
  AdamOptions adam_options;
  adam_options.learning_rate = 0.01;
  Adam<double> adam(net.parameters(), adam_options);

  TrainOptions<double> options;
  options.epochs = 60;
  options.batch_size = 32;
  options.monitor.training_cost = true;
  options.seed = 1;
  options.on_epoch = [](const EpochStats& s) {
    if (s.epoch % 10 == 0 || s.epoch == 59) {
      std::printf("epoch %2zu  training cost %.6f\n", s.epoch, *s.training_cost);
    }
  };
  std::printf("%s, %zu parameters\n", net.describe().c_str(), net.parameters().size());
  const double initial = total_cost(net, cost, data, 0.0);
  std::printf("untrained training cost %.6f\n", initial);
  const TrainingHistory history = train(net, cost, adam, data, options);
  const double last = history.training_cost().back();
  if (history.stop_reason != StopReason::completed || !(last < initial / 10)) {
    std::fprintf(stderr, "FAIL: the cost did not fall tenfold (%g -> %g, %s)\n", initial, last,
                 to_string(history.stop_reason));
    return 1;
  }

  const std::string path = (std::filesystem::temp_directory_path() /
                            ("xgrad-consumer-demo-" + std::to_string(::getpid()) + ".json"))
                               .string();
  save_model(path, net, cost);
  LoadedModel<double> loaded = load_model<double>(path);
  std::filesystem::remove(path);
  std::printf("saved and reloaded: %s\n", loaded.network.describe().c_str());

  const Matrix<double> before = outputs_of(net, data.inputs());
  const Matrix<double> after = outputs_of(loaded.network, data.inputs());
  if (loaded.network.describe() != net.describe() || loaded.cost.name() != cost.name() ||
      before != after) {
    std::fprintf(stderr, "FAIL: the reloaded model differs from the saved one\n");
    return 1;
  }
  std::printf("the reloaded model's %zu outputs are identical\n", after.size());
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: %s\n", e.what());
    return 1;
  }
}
