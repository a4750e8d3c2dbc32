// A user's module types, defined only in this file, are first-class: registered once, they
// are saved and loaded, fused by Sequential and checkpointed (generator and buffers
// included) exactly like the built-in ones, without a change to any library file.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

// x·W + b with its own parameters: a user's linear layer. Telling Sequential so
// (forward_activated) lets it fuse a following activation into one linear() op.
class Affine : public Module<double> {
 public:
  Affine(std::size_t in, std::size_t out, Rng& rng)
      : w_(register_parameter("w", normal_matrix<double>(in, out, 0.0, 0.5, rng),
                              ParameterKind::weight)),
        b_(register_parameter("b", Matrix<double>(xt::zeros<double>({std::size_t(1), out})),
                              ParameterKind::bias)) {}
  Var<double> forward(const Var<double>& x) override { return matmul(x, w_) + b_; }
  Var<double> forward_activated(const Var<double>& x, Activation act) override {
    ++fused_calls;
    return linear(x, w_, b_, act);
  }
  std::string describe() const override {
    return "Affine(" + std::to_string(w_.rows()) + ", " + std::to_string(w_.cols()) + ")";
  }
  std::size_t in() const { return w_.rows(); }
  std::size_t out() const { return w_.cols(); }
  int fused_calls = 0;

 private:
  Var<double> w_, b_;
};

// The logistic function under another name: an activation module Sequential may fuse.
class Logistic : public Module<double> {
 public:
  Var<double> forward(const Var<double>& z) override { return sigmoid(z); }
  std::optional<Activation> fusable_activation() const override { return Activation::sigmoid; }
  std::string describe() const override { return "Logistic"; }
};

// Multiplies each unit by 0 or 2 at random in training (a user's dropout): it has a
// generator, which model files and checkpoints must carry.
class CoinGate : public Module<double> {
 public:
  explicit CoinGate(std::uint64_t seed) : rng_(seed) {}
  Var<double> forward(const Var<double>& x) override {
    if (!is_training()) return x;
    Matrix<double> mask = xt::empty<double>({x.rows(), x.cols()});
    for (double& m : mask) m = (rng_() >> 63) ? 2.0 : 0.0;
    return apply_mask(x, mask);
  }
  const Rng* random_generator() const override { return &rng_; }
  void set_random_generator(const Rng& rng) override { rng_ = rng; }
  std::string describe() const override { return "CoinGate"; }

 private:
  Rng rng_;
};

// Subtracts a running average of its inputs (a user's BatchNorm without the scaling): the
// average is a buffer, updated in training and used as it is in evaluation, so model files
// and checkpoints must carry it.
class RunningCentre : public Module<double> {
 public:
  explicit RunningCentre(std::size_t width)
      : mean_(register_buffer("mean", Matrix<double>(xt::zeros<double>({std::size_t(1), width})))) {}
  Var<double> forward(const Var<double>& x) override {
    if (is_training()) {
      Matrix<double>& mean = mean_.mutable_value();
      for (std::size_t j = 0; j < mean.shape()[1]; ++j) {
        double sum = 0;
        for (std::size_t i = 0; i < x.rows(); ++i) sum += x.value()(i, j);
        mean(0, j) = 0.9 * mean(0, j) + 0.1 * sum / double(x.rows());
      }
    }
    return x - mean_;
  }
  std::string describe() const override { return "RunningCentre"; }
  std::size_t width() const { return mean_.cols(); }

 private:
  Var<double> mean_;
};

class CustomModules : public ::testing::Test {
 protected:
  void SetUp() override {
    register_module_type<Affine>(
        "Affine",
        [](const Affine& m) { return nlohmann::json{{"in", m.in()}, {"out", m.out()}}; },
        [](const nlohmann::json& c) {
          Rng rng(0);  // the parameters are restored afterwards
          return std::make_shared<Affine>(c.at("in").get<std::size_t>(),
                                          c.at("out").get<std::size_t>(), rng);
        });
    register_module_type<Logistic>(
        "Logistic", [](const Logistic&) { return nlohmann::json::object(); },
        [](const nlohmann::json&) { return std::make_shared<Logistic>(); });
    register_module_type<CoinGate>(
        "CoinGate", [](const CoinGate&) { return nlohmann::json::object(); },
        [](const nlohmann::json&) { return std::make_shared<CoinGate>(0); });
    register_module_type<RunningCentre>(
        "RunningCentre",
        [](const RunningCentre& m) { return nlohmann::json{{"width", m.width()}}; },
        [](const nlohmann::json& c) {
          return std::make_shared<RunningCentre>(c.at("width").get<std::size_t>());
        });
  }
  void TearDown() override {
    for (const char* type : {"Affine", "Logistic", "CoinGate", "RunningCentre"}) {
      unregister_module_type<double>(type);
    }
  }

  static Sequential<double> make_network(std::uint64_t seed) {
    Rng rng(seed);
    Sequential<double> net;
    net.add(std::make_shared<Affine>(4, 6, rng));
    net.add(std::make_shared<Logistic>());
    net.add(std::make_shared<CoinGate>(rng()));
    net.add(std::make_shared<RunningCentre>(6));
    net.add(std::make_shared<Affine>(6, 3, rng));
    return net;
  }

  static Dataset<double> data(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    Matrix<double> x = normal_matrix<double>(n, 4, 0.0, 1.0, rng);
    std::vector<std::size_t> labels(n);
    for (std::size_t i = 0; i < n; ++i) labels[i] = x(i, 0) > x(i, 1) ? 0 : x(i, 2) > 0 ? 1 : 2;
    return Dataset<double>::classification(std::move(x), std::move(labels), 3);
  }
};

TEST_F(CustomModules, are_fused_like_built_in_ones) {
  Sequential<double> net = make_network(1);
  net.eval();
  auto& affine = net.at<Affine>(0);
  const Matrix<double> x = Matrix<double>(xt::ones<double>({2, 4}));
  const Var<double> fused = net(Var<double>(x));
  EXPECT_EQ(affine.fused_calls, 1);  // Affine + Logistic ran as one op
  // The same values as running the modules one by one.
  Var<double> unfused(x);
  for (std::size_t i = 0; i < net.size(); ++i) unfused = net[i].forward(unfused);
  EXPECT_EQ(fused.value(), unfused.value());
}

TEST_F(CustomModules, save_and_load_with_their_generator) {
  Sequential<double> net = make_network(2);
  const std::string text = model_to_string(net, Cost::cross_entropy());
  EXPECT_NE(text.find("\"type\":\"CoinGate\",\"config\":{},\"parameters\":[],\"rng\":"),
            std::string::npos);
  LoadedModel<double> loaded = parse_model<double>(text, "custom.json");
  EXPECT_EQ(loaded.network.describe(), net.describe());
  EXPECT_EQ(loaded.network.state().size(), net.state().size());
  for (std::size_t i = 0; i < net.state().size(); ++i) {
    EXPECT_EQ(loaded.network.state()[i].value, net.state()[i].value);
  }
  // The generator came back: both draw the same masks.
  const Var<double> x(Matrix<double>(xt::ones<double>({3, 4})));
  EXPECT_EQ(loaded.network(x).value(), net(x).value());
  EXPECT_EQ(model_to_string(loaded.network, loaded.cost), model_to_string(net, Cost::cross_entropy()));
}

TEST_F(CustomModules, save_and_load_their_buffers) {
  Sequential<double> net = make_network(6);
  Rng rng(1);
  net(Var<double>(normal_matrix<double>(5, 4, 0.0, 1.0, rng)));  // training mode: the mean moves
  const Matrix<double> mean = net.buffers().at(0).var.value();
  EXPECT_EQ(net.buffers()[0].name, "3.mean");
  EXPECT_NE(mean, Matrix<double>(xt::zeros<double>({std::size_t(1), std::size_t(6)})));
  LoadedModel<double> loaded = parse_model<double>(model_to_string(net, Cost::cross_entropy()),
                                                   "buffers.json");
  ASSERT_EQ(loaded.network.buffers().size(), 1u);
  EXPECT_EQ(loaded.network.buffers()[0].var.value(), mean);
  net.eval();
  loaded.network.eval();
  const Var<double> x(Matrix<double>(xt::ones<double>({2, 4})));
  EXPECT_EQ(loaded.network(x).value(), net(x).value());
}

TEST_F(CustomModules, resume_from_a_checkpoint_file_bit_for_bit) {
  const Dataset<double> training = data(90, 3), validation = data(30, 4);
  const auto options = [&](std::size_t epochs) {
    TrainOptions<double> o;
    o.epochs = epochs;
    o.batch_size = 8;
    o.evaluation = &validation;
    o.monitor.evaluation_accuracy = true;
    o.seed = 5;
    return o;
  };
  Sequential<double> whole = make_network(7);
  Momentum<double> whole_opt(whole.parameters(), 0.3, 0.5);
  train(whole, Cost::cross_entropy(), whole_opt, training, options(4));

  // Two epochs, a checkpoint file, and a fresh network and optimizer resuming from it.
  const std::string path = ::testing::TempDir() + "xgrad_custom_checkpoint.json";
  Sequential<double> first = make_network(7);
  Momentum<double> first_opt(first.parameters(), 0.3, 0.5);
  TrainOptions<double> o = options(2);
  o.on_checkpoint = [&](const TrainerState& state, const Optimizer<double>&) {
    save_checkpoint(path, first, Cost::cross_entropy(), first_opt, state);
  };
  train(first, Cost::cross_entropy(), first_opt, training, o);

  Checkpoint<double> saved = load_checkpoint<double>(path);
  std::remove(path.c_str());
  ASSERT_EQ(saved.trainer.generators.size(), 1u);  // CoinGate's
  Sequential<double>& resumed = saved.model.network;
  Momentum<double> resumed_opt(resumed.parameters(), 0.3, 0.5);
  resumed_opt.load_state(saved.model.training.optimizer_state);
  TrainOptions<double> rest = options(4);
  rest.resume = &saved.trainer;
  const TrainingHistory history =
      train(resumed, saved.model.cost, resumed_opt, training, rest);
  EXPECT_EQ(history.epochs.size(), 4u);
  ASSERT_EQ(resumed.state().size(), whole.state().size());
  for (std::size_t i = 0; i < whole.state().size(); ++i) {
    EXPECT_EQ(resumed.state()[i].value, whole.state()[i].value) << whole.state()[i].name;
  }
}

}  // namespace
}  // namespace xgrad
