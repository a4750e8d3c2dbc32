// Module: named, kind-tagged parameters and buffers through nested and custom modules;
// train/eval; zero_grad; state() / load_state(); Sequential's composition and access.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;

// A custom module in a few lines: x + relu(x·W + b), with a submodule and an own parameter.
struct Residual : Module<double> {
  std::shared_ptr<Dense<double>> fc;
  Vard gate;
  Residual(std::size_t width, Rng& rng)
      : fc(register_module("fc", std::make_shared<Dense<double>>(width, width, Init::he, rng))),
        gate(register_parameter("gate", Matrix<double>({{0.5}}), ParameterKind::weight)) {}
  Vard forward(const Vard& x) override { return x + relu(fc->forward(x)) * gate; }
  std::string describe() const override { return "Residual"; }
};

std::vector<std::string> names(const Module<double>& m) {
  std::vector<std::string> out;
  for (const Parameter<double>& p : m.parameters()) out.push_back(p.name);
  return out;
}

TEST(Module, sequential_parameters_are_named_and_tagged) {
  Rng rng(1);
  Sequential<double> net(Dense<double>(4, 3, Init::standard, rng), Sigmoid<double>(),
                         Dense<double>(3, 2, Init::standard, rng));
  EXPECT_EQ(names(net), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  const auto params = net.parameters();
  EXPECT_TRUE(params[0].is_weight());
  EXPECT_FALSE(params[1].is_weight());
  EXPECT_EQ(params[0].var.shape(), (Shape{4, 3}));
  EXPECT_EQ(params[3].var.shape(), (Shape{1, 2}));
  EXPECT_EQ(net.describe(), "Sequential(Dense(4, 3), Sigmoid, Dense(3, 2))");
}

TEST(Module, custom_module_nests_with_dotted_names) {
  Rng rng(2);
  Sequential<double> net(Residual(3, rng), Tanh<double>());
  EXPECT_EQ(names(net), (std::vector<std::string>{"0.gate", "0.fc.weight", "0.fc.bias"}));
  // The custom parameter is a weight, so penalties include it.
  const double gate = 0.5;
  const Matrix<double> w = net.at<Residual>(0).fc->weight().value();
  EXPECT_DOUBLE_EQ(l2_penalty(net, 2.0, 4).item(),
                   2.0 / 8.0 * (gate * gate + double(xt::sum(w * w)())));
  // And it trains: a gradient reaches every parameter.
  sum(net(Vard(test::uniform(5, 3)))).backward();
  for (const auto& p : net.parameters()) EXPECT_TRUE(p.var.has_grad()) << p.name;
}

TEST(Module, shared_submodule_is_listed_once) {
  Rng rng(3);
  auto shared = std::make_shared<Dense<double>>(2, 2, Init::standard, rng);
  Sequential<double> net;
  net.add(shared).add(shared);
  EXPECT_EQ(names(net), (std::vector<std::string>{"0.weight", "0.bias"}));
}

TEST(Module, train_and_eval_propagate_to_nested_modules) {
  Rng rng(4);
  Sequential<double> inner(Dropout<double>(0.5, rng));
  Sequential<double> outer;
  outer.add(std::make_shared<Sequential<double>>(std::move(inner)));
  EXPECT_TRUE(outer.is_training());
  outer.eval();
  EXPECT_FALSE(outer[0].is_training());
  EXPECT_FALSE(outer.at<Sequential<double>>(0)[0].is_training());
  outer.train();
  EXPECT_TRUE(outer.at<Sequential<double>>(0)[0].is_training());
}

TEST(Module, zero_grad_clears_every_parameter) {
  Rng rng(5);
  Sequential<double> net(Dense<double>(3, 2, Init::standard, rng));
  sum(net(Vard(test::uniform(4, 3)))).backward();
  for (const auto& p : net.parameters()) EXPECT_TRUE(p.var.has_grad());
  net.zero_grad();
  for (const auto& p : net.parameters()) EXPECT_FALSE(p.var.has_grad());
}

TEST(Module, state_round_trip) {
  Rng rng(6);
  Sequential<double> a(Dense<double>(3, 4, Init::standard, rng), ReLU<double>(),
                       Dense<double>(4, 2, Init::standard, rng));
  Sequential<double> b(Dense<double>(3, 4, Init::large, rng), ReLU<double>(),
                       Dense<double>(4, 2, Init::large, rng));
  const Matrix<double> x = test::uniform(5, 3);
  EXPECT_NE(a(Vard(x)).value(), b(Vard(x)).value());
  const StateDict<double> state = a.state();
  ASSERT_EQ(state.size(), 4u);
  EXPECT_EQ(state[2].name, "2.weight");
  b.load_state(state);
  EXPECT_EQ(a(Vard(x)).value(), b(Vard(x)).value());
  // The state is a copy: changing the module afterwards does not change it.
  a.parameters()[0].var.mutable_value() += 1.0;
  EXPECT_EQ(state[0].value, b.parameters()[0].var.value());
}

TEST(Module, load_state_rejects_a_state_that_does_not_fit_and_changes_nothing) {
  Rng rng(7);
  Sequential<double> net(Dense<double>(3, 2, Init::standard, rng));
  const StateDict<double> good = net.state();
  StateDict<double> missing = good;
  missing.pop_back();
  expect_error<InvalidArgument>([&] { net.load_state(missing); },
                                      {"Sequential(Dense(3, 2)).load_state", "no entry '0.bias'",
                                       "(1, 2)"});
  StateDict<double> extra = good;
  extra.push_back({"9.weight", xt::zeros<double>({1, 1})});
  expect_error<InvalidArgument>([&] { net.load_state(extra); },
                                      {"unexpected entry '9.weight'"});
  StateDict<double> wrong = good;
  wrong[0].value = xt::zeros<double>({2, 3});
  wrong[1].value = xt::zeros<double>({1, 2});  // fits, but must not be written either
  expect_error<ShapeError>([&] { net.load_state(wrong); },
                           {"entry '0.weight' has shape (2, 3), expected (3, 2)"});
  StateDict<double> twice = good;
  twice.push_back(good[0]);
  expect_error<InvalidArgument>([&] { net.load_state(twice); },
                                      {"two entries named '0.weight'"});
  const StateDict<double> after = net.state();
  for (std::size_t k = 0; k < good.size(); ++k) EXPECT_EQ(after[k].value, good[k].value);
}

TEST(Module, registration_rejects_bad_names) {
  struct Bad : Module<double> {
    explicit Bad(const std::string& second) {
      register_parameter("w", Matrix<double>({{1.0}}), ParameterKind::weight);
      register_parameter(second, Matrix<double>({{1.0}}), ParameterKind::bias);
    }
    Vard forward(const Vard& x) override { return x; }
    std::string describe() const override { return "Bad"; }
  };
  expect_error<InvalidArgument>([] { Bad("w"); }, {"Bad", "name 'w' is already taken"});
  expect_error<InvalidArgument>([] { Bad("a.b"); }, {"Bad", "name 'a.b'", "no '.'"});
  expect_error<InvalidArgument>([] { Bad(""); }, {"name ''", "non-empty"});
}

TEST(Module, buffers_are_state_but_not_parameters) {
  // A counter of training passes: state the module keeps, never trained.
  struct Counted : Module<double> {
    std::shared_ptr<Dense<double>> fc;
    Vard passes;
    explicit Counted(Rng& rng)
        : fc(register_module("fc", std::make_shared<Dense<double>>(2, 2, Init::standard, rng))),
          passes(register_buffer("passes", Matrix<double>({{0.0}}))) {}
    Vard forward(const Vard& x) override {
      if (is_training()) passes.mutable_value()(0, 0) += 1;
      return fc->forward(x);
    }
    std::string describe() const override { return "Counted"; }
  };
  Rng rng(8);
  Sequential<double> net;
  net.add(std::make_shared<Counted>(rng));
  EXPECT_EQ(names(net), (std::vector<std::string>{"0.fc.weight", "0.fc.bias"}));
  const std::vector<Buffer<double>> buffers = net.buffers();
  ASSERT_EQ(buffers.size(), 1u);
  EXPECT_EQ(buffers[0].name, "0.passes");
  EXPECT_FALSE(buffers[0].var.requires_grad());
  const Vard x(test::uniform(3, 2));
  sum(net(x)).backward();
  net(x);
  EXPECT_EQ(buffers[0].var.value()(0, 0), 2.0);  // the handle is the module's own buffer
  EXPECT_FALSE(buffers[0].var.has_grad());
  // state() lists it after the parameters; load_state() restores it.
  const StateDict<double> state = net.state();
  ASSERT_EQ(state.size(), 3u);
  EXPECT_EQ(state[2].name, "0.passes");
  Sequential<double> other;
  other.add(std::make_shared<Counted>(rng));
  other.load_state(state);
  EXPECT_EQ(other.buffers()[0].var.value()(0, 0), 2.0);
  StateDict<double> without = state;
  without.pop_back();
  expect_error<InvalidArgument>([&] { other.load_state(without); }, {"no entry '0.passes'"});
  // Buffer names share the parameters' rules.
  struct Clash : Module<double> {
    Clash() {
      register_parameter("w", Matrix<double>({{1.0}}), ParameterKind::weight);
      register_buffer("w", Matrix<double>({{1.0}}));
    }
    Vard forward(const Vard& x) override { return x; }
    std::string describe() const override { return "Clash"; }
  };
  expect_error<InvalidArgument>([] { Clash(); }, {"Clash", "name 'w' is already taken"});
}

TEST(Module, parameters_must_be_leaves) {
  const Vard w(test::uniform(2, 2), true);
  expect_error<GraphError>([&] { Dense<double>(w * 2.0, Vard(test::uniform(1, 2))); },
                           {"parameter 'weight' must be a leaf", "mul"});
}

TEST(Sequential, access_and_errors) {
  Rng rng(8);
  Sequential<double> net(Dense<double>(2, 3, Init::standard, rng), Sigmoid<double>());
  EXPECT_EQ(net.size(), 2u);
  EXPECT_EQ(net.at<Dense<double>>(0).out_features(), 3u);
  EXPECT_EQ(net[1].describe(), "Sigmoid");
  expect_error<InvalidArgument>([&] { net[2]; }, {"index 2 is out of range", "2 modules"});
  expect_error<InvalidArgument>([&] { net.at<Dense<double>>(1); },
                                      {"module 1 is Sigmoid"});
  expect_error<InvalidArgument>([&] { net.add(std::shared_ptr<Module<double>>()); },
                                      {"submodule '2' is null"});
  // Empty: the identity.
  Sequential<double> empty;
  const Vard x(test::uniform(2, 2));
  EXPECT_EQ(empty(x).value(), x.value());
}

// A Sigmoid that counts its calls: a subclass, so Sequential must not fuse it away.
class CountingSigmoid : public Sigmoid<double> {
 public:
  Var<double> forward(const Var<double>& z) override {
    ++calls;
    return Sigmoid<double>::forward(z);
  }
  int calls = 0;
};

TEST(Sequential, fuses_dense_and_activation_without_changing_values_or_gradients) {
  const Matrix<double> x = test::uniform(5, 3);
  for (int kind = 0; kind < 3; ++kind) {
    SCOPED_TRACE(kind);
    auto activation = [&]() -> std::shared_ptr<Module<double>> {
      if (kind == 0) return std::make_shared<Sigmoid<double>>();
      if (kind == 1) return std::make_shared<Tanh<double>>();
      return std::make_shared<ReLU<double>>();
    };
    Rng rng(11);
    Sequential<double> net(Dense<double>(3, 4, Init::standard, rng));
    net.add(activation()).add(std::make_shared<Dense<double>>(4, 2, Init::standard, rng));
    net.add(activation());
    const Var<double> fused = sum(net(Vard(x)));
    // The same modules one by one, unfused.
    Var<double> h = Vard(x);
    for (std::size_t i = 0; i < net.size(); ++i) h = net[i].forward(h);
    const Var<double> composed = sum(h);
    EXPECT_EQ(fused.value(), composed.value());
    fused.backward();
    std::vector<Matrix<double>> fused_grads;
    for (const auto& p : net.parameters()) fused_grads.push_back(p.var.grad());
    net.zero_grad();
    composed.backward();
    for (std::size_t i = 0; i < fused_grads.size(); ++i) {
      EXPECT_EQ(fused_grads[i], net.parameters()[i].var.grad()) << net.parameters()[i].name;
    }
  }
}

TEST(Sequential, calls_subclassed_modules_instead_of_fusing_them) {
  Rng rng(12);
  auto counting = std::make_shared<CountingSigmoid>();
  Sequential<double> net(Dense<double>(3, 4, Init::standard, rng));
  net.add(counting);
  const Var<double> out = net(Vard(test::uniform(2, 3)));
  EXPECT_EQ(counting->calls, 1);
  EXPECT_STREQ(out.op(), "sigmoid");
  Sequential<double> plain(Dense<double>(3, 4, Init::standard, rng), Sigmoid<double>());
  EXPECT_STREQ(plain(Vard(test::uniform(2, 3))).op(), "linear_sigmoid");
}

}  // namespace
}  // namespace xgrad
