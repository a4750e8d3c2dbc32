// Optimizers: each update rule against its formula in plain loops, the decoupled weight
// decay on weights only, the missing-gradient error, frozen parameters, and saving and
// restoring the optimizer's state.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <xgrad/xgrad.hpp>

#include "outer_product_update.hpp"  // optim/src: the kernels behind SGD's folded update
#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;
using test::near;

// f(w) = ½ Σ w² over every parameter, whose gradient is w itself: a reference can follow
// an optimizer step by step without autodiff.
Vard bowl(const std::vector<Parameter<double>>& params) {
  Vard total;
  for (const auto& p : params) {
    const Vard s = sum(square(p.var)) * 0.5;
    total = total.defined() ? total + s : s;
  }
  return total;
}

std::vector<Parameter<double>> two_parameters(std::uint64_t seed = 1) {
  Dense<double> layer(3, 2, Init::large, seed);
  return layer.parameters();  // the handles keep the values alive
}

template <class Opt>
void run_steps(Opt& opt, int steps) {
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    bowl(opt.parameters()).backward();
    opt.step();
  }
}

TEST(SGD, step_is_w_minus_eta_grad) {
  const auto params = two_parameters();
  const Matrix<double> w0 = params[0].var.value();
  SGD<double> sgd(params, 0.1);
  run_steps(sgd, 1);
  for (std::size_t k = 0; k < w0.size(); ++k) {
    EXPECT_DOUBLE_EQ(params[0].var.value().flat(k), w0.flat(k) - 0.1 * w0.flat(k));
  }
  EXPECT_EQ(sgd.steps(), 1u);
  EXPECT_EQ(sgd.name(), "SGD");
}

TEST(SGD, decoupled_weight_decay_touches_weights_only) {
  // Zero gradients isolate the decay: w → (1 − ηλ/n) w, b unchanged.
  const auto params = two_parameters();
  const Matrix<double> w0 = params[0].var.value(), b0 = params[1].var.value();
  SGD<double> sgd(params, 0.5, WeightDecay{2.0, 10});
  (sum(params[0].var) * 0.0 + sum(params[1].var) * 0.0).backward();
  sgd.step();
  EXPECT_TRUE(near(params[0].var.value(), Matrix<double>((1.0 - 0.5 * 2.0 / 10) * w0), 1e-15));
  EXPECT_EQ(params[1].var.value(), b0);
}

// The update is keep·w − η·g with each product rounded, not fused: whichever vector width
// the CPU runs it at (SSE2, AVX2, AVX-512, see sgd.cpp), the bits are those of plain scalar
// float arithmetic. 1,000 weights cover the vector loop and its remainder.
TEST(SGD, weight_decay_update_rounds_each_product_in_float32) {
  Matrix<float> w0 = xt::empty<float>({std::size_t(1), std::size_t(1003)});
  Matrix<float> g = w0;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-3.0f, 3.0f);
  for (std::size_t k = 0; k < w0.size(); ++k) w0.flat(k) = uniform(rng), g.flat(k) = uniform(rng);
  const Varf w(w0, true);
  SGD<float> sgd({Parameter<float>{"w", w, ParameterKind::weight}}, 0.37, WeightDecay{3.0, 7});
  w.set_grad(g);
  sgd.step();
  const volatile float keep = static_cast<float>(1.0 - 0.37 * 3.0 / 7.0), eta = 0.37f;
  for (std::size_t k = 0; k < w0.size(); ++k) {
    const volatile float decayed = keep * w0.flat(k), moved = eta * g.flat(k);
    ASSERT_EQ(w.value().flat(k), decayed - moved) << "weight " << k;
  }
}

// SGD's update from a weight gradient kept as factors, xᵀ·G (Var::accept_factored_grad()):
// w ← keep·w, then minus x[p][i]·(η·G[p][j]) for each row p in order, each term fused into one
// rounding. Shapes cover every strip width of the kernels (1–4 vectors, full and partial) and
// row counts that leave remainders.
template <class T>
struct FactoredUpdateCase {
  Matrix<T> w0, x, g;
  T keep = static_cast<T>(1.0 - 0.37 * 3.0 / 7.0), eta = static_cast<T>(0.37);

  FactoredUpdateCase(std::size_t k, std::size_t n, std::size_t m) {
    std::mt19937 rng(static_cast<std::uint32_t>(k * 1000 + n * 10 + m));
    std::uniform_real_distribution<T> uniform(-2, 2);
    const auto random = [&](std::size_t rows, std::size_t cols) {
      Matrix<T> out = xt::empty<T>({rows, cols});
      for (T& e : out) e = uniform(rng);
      return out;
    };
    w0 = random(k, n);
    x = random(m, k);
    g = random(m, n);
  }

  // `w` is keep·w0 − η·xᵀ·g, each term fused in order: bit for bit.
  void expect_exact(const Matrix<T>& w, const char* path) const {
    const std::size_t k = w0.shape()[0], n = w0.shape()[1], m = x.shape()[0];
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        T expected = keep * w0(i, j);
        for (std::size_t p = 0; p < m; ++p) expected = std::fma(-x(p, i), T(eta * g(p, j)), expected);
        ASSERT_EQ(w(i, j), expected) << path << ", k " << k << ", n " << n << ", m " << m
                                     << ": weight (" << i << ", " << j << ")";
      }
    }
  }
};

template <class T>
void check_factored_update(std::size_t k, std::size_t n, std::size_t m) {
  const FactoredUpdateCase<T> c(k, n, m);
  const Var<T> w(c.w0, true);
  SGD<T> sgd({Parameter<T>{"w", w, ParameterKind::weight}}, 0.37, WeightDecay{3.0, 7});
  matmul(Var<T>(c.x), w).backward(c.g);
  if (w.grad_factors().first == nullptr) GTEST_SKIP() << "no SIMD kernel: SGD keeps no factors";
  sgd.step();
  c.expect_exact(w.value(), "SGD");
}

TEST(SGD, update_from_a_factored_gradient_fuses_each_term) {
  for (std::size_t n : {1, 5, 8, 16, 17, 30, 32, 33, 48, 49, 64, 65, 100, 130}) {
    for (std::size_t k : {1, 7, 13}) {
      for (std::size_t m : {1, 10}) {
        check_factored_update<float>(k, n, m);
        check_factored_update<double>(k, n, m);
      }
    }
  }
}

// Each kernel this CPU runs, called directly: the AVX2 one (16 registers, masks as vectors,
// its own tile sizes) gives the same bits as the AVX-512 one where both run.
template <class T>
void check_kernel(detail::OuterProductKernel kernel, const char* name) {
  for (std::size_t n : {1, 3, 4, 5, 8, 9, 16, 17, 24, 30, 32, 33, 48, 49, 64, 65, 100, 130}) {
    for (std::size_t k : {1, 2, 3, 7, 13}) {
      for (std::size_t m : {1, 10}) {
        const FactoredUpdateCase<T> c(k, n, m);
        Matrix<T> w = c.w0;
        detail::outer_product_update(w.data(), k, n, c.x.data(), c.g.data(), m, c.keep, c.eta, kernel);
        c.expect_exact(w, name);
      }
    }
  }
}

TEST(SGD, each_update_kernel_fuses_each_term) {
  using detail::OuterProductKernel;
  if (detail::best_outer_product_kernel() == OuterProductKernel::none) GTEST_SKIP() << "no SIMD kernel";
  check_kernel<float>(OuterProductKernel::avx2, "AVX2");
  check_kernel<double>(OuterProductKernel::avx2, "AVX2");
  if (detail::best_outer_product_kernel() == OuterProductKernel::avx512) {
    check_kernel<float>(OuterProductKernel::avx512, "AVX-512");
    check_kernel<double>(OuterProductKernel::avx512, "AVX-512");
  } else {
    float w = 0, x = 0, g = 0;
    expect_error<std::invalid_argument>(
        [&] { detail::outer_product_update(&w, 1, 1, &x, &g, 1, 1.0f, 1.0f, OuterProductKernel::avx512); },
        {"AVX-512", "does not run on this CPU"});
  }
}

TEST(SGD, factored_and_matrix_gradients_give_the_same_step_up_to_rounding) {
  // The same dense layer, trained a few steps with and without factored gradients.
  Dense<double> a(20, 30, Init::large, 5), b(20, 30, Init::large, 5);
  SGD<double> fused(a.parameters(), 0.5, WeightDecay{5.0, 100});
  SGD<double> plain(b.parameters(), 0.5, WeightDecay{5.0, 100});
  for (const Parameter<double>& p : b.parameters()) p.var.accept_factored_grad(0);
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  for (int step = 0; step < 5; ++step) {
    Matrix<double> x = xt::empty<double>({10, 20});
    for (double& e : x) e = normal(rng);
    for (auto [layer, opt] : {std::pair{&a, &fused}, std::pair{&b, &plain}}) {
      opt->zero_grad();
      sum(square(layer->forward(Vard(x), Activation::sigmoid))).backward();
      opt->step();
    }
  }
  for (std::size_t k = 0; k < 2; ++k) {  // the bias's own update is the same; its input not
    EXPECT_TRUE(near(a.parameters()[k].var.value(), b.parameters()[k].var.value(), 1e-12));
  }
  EXPECT_FALSE(a.parameters()[0].var.value() == b.parameters()[0].var.value());  // two paths
}

TEST(SGD, the_next_optimizer_of_its_parameters_takes_back_factored_gradients) {
  const Vard w(Matrix<double>({{1.0, 2.0}, {3.0, 4.0}}), true);
  const std::vector<Parameter<double>> params{{"w", w, ParameterKind::weight}};
  const Matrix<double> x = {{1.0, -1.0}};
  {
    SGD<double> sgd(params, 0.1);
    sum(matmul(Vard(x), w)).backward();
    if (w.grad_factors().first == nullptr) GTEST_SKIP() << "no SIMD kernel: SGD keeps no factors";
    sgd.step();
  }
  Momentum<double> momentum(params, 0.1, 0.9);
  momentum.zero_grad();
  sum(matmul(Vard(x), w)).backward();
  EXPECT_EQ(w.grad_factors().first, nullptr);  // a whole gradient, no deferred product
  SGD<double> again(params, 0.1);
  again.zero_grad();
  sum(matmul(Vard(x), w)).backward();
  EXPECT_NE(w.grad_factors().first, nullptr);
}

TEST(SGD, a_weight_used_twice_is_decayed_once) {
  // Its second gradient multiplies the factors out, so the step is the plain one:
  // w → keep·w − η(x₁ᵀG₁ + x₂ᵀG₂), with the decay applied once.
  const Matrix<double> w0 = {{1.0, -2.0}, {0.5, 3.0}, {-1.5, 0.25}};
  const Vard w(w0, true);
  SGD<double> sgd({Parameter<double>{"w", w, ParameterKind::weight}}, 0.1, WeightDecay{4.0, 8});
  const Matrix<double> x1 = {{1.0, 2.0, 3.0}}, x2 = {{-1.0, 0.5, 2.0}};
  (sum(matmul(Vard(x1), w)) + sum(matmul(Vard(x2), w)) * 2.0).backward();
  sgd.step();
  const double keep = 1.0 - 0.1 * 4.0 / 8.0;
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_DOUBLE_EQ(w.value()(i, j), keep * w0(i, j) - 0.1 * (x1(0, i) + 2.0 * x2(0, i)));
    }
  }
}

TEST(Optimizer, missing_gradient_throws_before_changing_anything) {
  const auto params = two_parameters();
  const Matrix<double> w0 = params[0].var.value();
  Momentum<double> opt(params, 0.1, 0.9);
  sum(params[0].var).backward();  // the bias gets no gradient
  expect_error<GraphError>([&] { opt.step(); },
                           {"Momentum.step(): parameter 'bias' (1, 2) has no gradient",
                            "call backward()", "set_requires_grad(false)"});
  EXPECT_EQ(params[0].var.value(), w0);
  EXPECT_EQ(opt.steps(), 0u);
  // No backward at all since zero_grad(): the first parameter is named.
  opt.zero_grad();
  expect_error<GraphError>([&] { opt.step(); }, {"parameter 'weight'"});
}

TEST(Optimizer, frozen_parameters_are_skipped) {
  const auto params = two_parameters();
  params[1].var.set_requires_grad(false);
  const Matrix<double> b0 = params[1].var.value();
  SGD<double> sgd(params, 0.1);
  sum(square(params[0].var)).backward();
  sgd.step();  // no error for the frozen bias, and it stays as it was
  EXPECT_EQ(params[1].var.value(), b0);
}

TEST(Nesterov, step_matches_its_formula) {
  const auto params = two_parameters();
  const double eta = 0.1, mu = 0.8;
  Matrix<double> theta = params[0].var.value(), v = xt::zeros<double>(theta.shape());
  Nesterov<double> opt(params, eta, mu);
  for (int step = 0; step < 4; ++step) {
    run_steps(opt, 1);
    // v' = μv − η∇C(θ) ;  θ' = θ + μv' − η∇C(θ), with ∇C(θ) = θ on the bowl.
    for (std::size_t k = 0; k < theta.size(); ++k) {
      const double g = theta.flat(k);
      v.flat(k) = mu * v.flat(k) - eta * g;
      theta.flat(k) += mu * v.flat(k) - eta * g;
    }
    EXPECT_TRUE(near(params[0].var.value(), theta, 1e-14)) << "step " << step + 1;
  }
}

TEST(Nesterov, is_the_look_ahead_method_in_shifted_variables) {
  // Sutskever's form on f(w) = ½ wᵀAw: v' = μv − η A(w + μv), w' = w + v'. The optimizer
  // stores θ = w + μv and must follow θ_k = w_k + μ v_k with the same velocities.
  const Matrix<double> a = {{2.0, 0.5, 0.0}, {0.5, 1.0, 0.3}, {0.0, 0.3, 1.5}};
  const double eta = 0.1, mu = 0.9;
  Matrix<double> w = {{1.0, -2.0, 0.5}}, v = xt::zeros<double>({1, 3});
  const Vard theta(Matrix<double>(w), true);
  Nesterov<double> opt({{"theta", theta, ParameterKind::weight}}, eta, mu);
  for (int step = 0; step < 6; ++step) {
    Matrix<double> look = w + mu * v, grad = xt::zeros<double>({1, 3});
    for (std::size_t j = 0; j < 3; ++j) {
      for (std::size_t k = 0; k < 3; ++k) grad(0, j) += a(j, k) * look(0, k);
    }
    v = mu * v - eta * grad;
    w = w + v;
    opt.zero_grad();
    (sum(matmul(theta, Vard(a)) * theta) * 0.5).backward();
    opt.step();
    EXPECT_TRUE(near(theta.value(), Matrix<double>(w + mu * v), 1e-12)) << "step " << step + 1;
    EXPECT_TRUE(near(state_entry(opt.state(), "theta.velocity", "test"), v, 1e-12));
  }
}

TEST(Adam, steps_match_the_formula) {
  const auto params = two_parameters();
  AdamOptions o;
  o.learning_rate = 0.01;
  Adam<double> adam(params, o);
  Matrix<double> w = params[0].var.value();
  Matrix<double> m = xt::zeros<double>(w.shape()), v = xt::zeros<double>(w.shape());
  for (int t = 1; t <= 5; ++t) {
    run_steps(adam, 1);
    for (std::size_t k = 0; k < w.size(); ++k) {
      const double g = w.flat(k);
      m.flat(k) = o.beta1 * m.flat(k) + (1 - o.beta1) * g;
      v.flat(k) = o.beta2 * v.flat(k) + (1 - o.beta2) * g * g;
      const double m_hat = m.flat(k) / (1 - std::pow(o.beta1, t));
      const double v_hat = v.flat(k) / (1 - std::pow(o.beta2, t));
      w.flat(k) -= o.learning_rate * m_hat / (std::sqrt(v_hat) + o.epsilon);
    }
    EXPECT_TRUE(near(params[0].var.value(), w, 1e-12)) << "t = " << t;
  }
  // The first step moves every weight by about η, whatever the gradient's size.
  const auto fresh = two_parameters(2);
  const Matrix<double> before = fresh[0].var.value();
  Adam<double> first(fresh, o);
  run_steps(first, 1);
  for (std::size_t k = 0; k < before.size(); ++k) {
    EXPECT_NEAR(std::abs(fresh[0].var.value().flat(k) - before.flat(k)), 0.01, 1e-8);
  }
}

// Trains `steps` steps, saves module + optimizer state, trains `more` steps; then restores
// both into fresh objects and trains `more` steps: the two must agree exactly.
template <class MakeOptimizer>
void check_state_round_trip(MakeOptimizer make) {
  Dense<double> a(3, 2, Init::large, 1), b(3, 2, Init::large, 2);
  auto opt_a = make(a.parameters());
  run_steps(opt_a, 3);
  const StateDict<double> module_state = a.state(), opt_state = opt_a.state();
  run_steps(opt_a, 2);

  auto opt_b = make(b.parameters());
  b.load_state(module_state);
  opt_b.load_state(opt_state);
  EXPECT_EQ(opt_b.steps(), 3u);
  run_steps(opt_b, 2);
  EXPECT_EQ(a.weight().value(), b.weight().value());
  EXPECT_EQ(a.bias().value(), b.bias().value());
  const StateDict<double> sa = opt_a.state(), sb = opt_b.state();
  ASSERT_EQ(sa.size(), sb.size());
  for (std::size_t k = 0; k < sa.size(); ++k) {
    EXPECT_EQ(sa[k].name, sb[k].name);
    EXPECT_EQ(sa[k].value, sb[k].value) << sa[k].name;
  }
}

TEST(Optimizer, state_round_trip_for_every_optimizer) {
  using P = std::vector<Parameter<double>>;
  check_state_round_trip([](P p) { return SGD<double>(std::move(p), 0.1, WeightDecay{1.0, 50}); });
  check_state_round_trip([](P p) { return Momentum<double>(std::move(p), 0.1, 0.9); });
  check_state_round_trip([](P p) { return Nesterov<double>(std::move(p), 0.1, 0.9); });
  check_state_round_trip([](P p) { return Adam<double>(std::move(p)); });
  // What Momentum saves.
  Dense<double> layer(2, 2, Init::standard, 3);
  Momentum<double> m(layer.parameters(), 0.25, 0.5);
  std::vector<std::string> names;
  for (const auto& e : m.state()) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"learning_rate", "steps", "weight.velocity",
                                             "bias.velocity"}));
  EXPECT_EQ(state_entry(m.state(), "learning_rate", "test")(0, 0), 0.25);
}

TEST(Optimizer, load_state_rejects_another_optimizers_state) {
  Dense<double> layer(2, 2, Init::standard, 4);
  Momentum<double> momentum(layer.parameters(), 0.1, 0.9);
  Adam<double> adam(layer.parameters());
  expect_error<InvalidArgument>([&] { adam.load_state(momentum.state()); },
                                      {"Adam.load_state", "no entry 'weight.first_moment'"});
  StateDict<double> bad = momentum.state();
  bad[1].value(0, 0) = 2.5;
  expect_error<InvalidArgument>([&] { momentum.load_state(bad); },
                                      {"steps = 2.5 must be a whole number"});
}

TEST(Optimizer, learning_rate_can_change_between_steps) {
  const auto params = two_parameters();
  SGD<double> sgd(params, 0.1);
  sgd.set_learning_rate(0.05);
  EXPECT_EQ(sgd.learning_rate(), 0.05);
  expect_error<InvalidArgument>([&] { sgd.set_learning_rate(0.0); },
                                      {"SGD: learning rate eta = 0 must be finite and > 0"});
}

TEST(Optimizer, hyperparameter_errors_name_value_and_range) {
  const auto params = two_parameters();
  expect_error<InvalidArgument>([&] { SGD<double>(params, -0.1); },
                                      {"SGD: learning rate eta = -0.1 must be finite and > 0"});
  expect_error<InvalidArgument>([&] { Momentum<double>(params, 0.1, 1.5); },
                                      {"Momentum: mu = 1.5 must be in [0, 1]"});
  expect_error<InvalidArgument>([&] { Nesterov<double>(params, 0.1, -0.5); },
                                      {"Nesterov: mu = -0.5 must be in [0, 1]"});
  AdamOptions beta;
  beta.beta1 = 1.0;
  expect_error<InvalidArgument>([&] { Adam<double>(params, beta); },
                                      {"Adam: beta1 = 1 must be in [0, 1)"});
  AdamOptions eps;
  eps.epsilon = 0.0;
  expect_error<InvalidArgument>([&] { Adam<double>(params, eps); },
                                      {"Adam: epsilon = 0 must be"});
  expect_error<InvalidArgument>([&] { SGD<double>(params, 0.1, WeightDecay{-1.0, 10}); },
                                      {"SGD: weight decay lambda = -1 must be finite and ≥ 0"});
  expect_error<InvalidArgument>([&] { SGD<double>(params, 0.1, WeightDecay{1.0, 0}); },
                                      {"SGD: weight decay n = 0, expected the training-set size"});
}

TEST(Optimizer, float_parameters) {
  Dense<float> layer(3, 2, Init::standard, 5);
  const Matrix<float> w0 = layer.weight().value();
  Momentum<float> opt(layer.parameters(), 0.5, 0.9);
  sum(square(layer.weight())).backward();
  sum(layer.bias()).backward();
  opt.step();
  for (std::size_t k = 0; k < w0.size(); ++k) {
    EXPECT_FLOAT_EQ(layer.weight().value().flat(k), w0.flat(k) - 0.5f * 2.0f * w0.flat(k));
  }
}

}  // namespace
}  // namespace xgrad
