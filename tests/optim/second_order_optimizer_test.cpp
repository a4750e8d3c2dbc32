// The optimizers that evaluate the loss themselves — L-BFGS, Hessian-free, nonlinear CG —
// and the strong-Wolfe line search they share, on problems with known minima (quadratic
// bowls, Rosenbrock's valley, a small MLP); and step(objective) for the first-order rules.

#include <cmath>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>
#include <xtensor-blas/xlinalg.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::uniform;

// Uniform in [lo, hi) from its own seed: these tests check convergence to tolerances, so
// their problems must not change with the order the tests run in.
Matrix<double> seeded(std::size_t rows, std::size_t cols, std::uint64_t seed, double lo = -1.0,
                      double hi = 1.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  Matrix<double> m = xt::empty<double>({rows, cols});
  for (auto& v : m) v = u(rng);
  return m;
}

std::vector<Parameter<double>> params_of(const std::vector<Vard>& vars) {
  std::vector<Parameter<double>> out;
  for (std::size_t i = 0; i < vars.size(); ++i) out.push_back({"p" + std::to_string(i), vars[i], ParameterKind::weight});
  return out;
}

// Rosenbrock's valley f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
Vard rosenbrock(const Vard& p) {
  const Vard x = reshape(sum(p * Vard(Matrix<double>({{1.0, 0.0}}))), 1, 1);
  const Vard y = reshape(sum(p * Vard(Matrix<double>({{0.0, 1.0}}))), 1, 1);
  return square(1.0 - x) + 100.0 * square(y - square(x));
}

// ½ wAwᵀ − b·w with A = MᵀM + 0.5·I symmetric positive definite, from its own seed so that
// its conditioning does not depend on the order the tests run in.
struct Bowl {
  Matrix<double> a, b;
  explicit Bowl(std::size_t n) {
    std::mt19937_64 rng(1000 + n);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    Matrix<double> m = xt::empty<double>({n, n});
    b = xt::empty<double>({std::size_t(1), n});
    for (auto& v : m) v = u(rng);
    for (auto& v : b) v = u(rng);
    a = xt::linalg::dot(xt::transpose(m), m) + 0.5 * xt::eye<double>(n);
  }
  Vard operator()(const Vard& w) const { return 0.5 * sum(matmul(w, Vard(a)) * w) - sum(Vard(b) * w); }
  double max_gradient(const Vard& w) const {
    return xt::amax(xt::abs(grad((*this)(w), {w})[0].value()))();
  }
};

TEST(LineSearch, strong_wolfe_conditions_hold) {
  // φ(α) = (α − 3)² − 9 from α = 0 (slope −6): the conditions hold near α = 3.
  const auto phi = [](double a) { return LinePoint{a, (a - 3) * (a - 3) - 9, 2 * (a - 3)}; };
  for (double first : {0.01, 1.0, 10.0, 100.0}) {
    const LineSearchResult r = strong_wolfe_search(phi, phi(0), first);
    ASSERT_TRUE(r.satisfied) << "first step " << first;
    EXPECT_LE(r.point.value, -9 + 9 + 1e-4 * r.point.alpha * -6);
    EXPECT_LE(std::abs(r.point.slope), 0.9 * 6);
    EXPECT_LE(r.evaluations, 10u);
  }
  test::expect_error<InvalidArgument>([&] { strong_wolfe_search(phi, {0, 0, 1.0}, 1.0); },
                                      {"the slope at α = 0 is 1, expected < 0"});
}

TEST(LBFGS, rosenbrock_reaches_the_minimum) {
  const Vard p(Matrix<double>({{-1.2, 1.0}}), true);
  LbfgsOptions o;
  o.max_iterations = 200;
  LBFGS<double> lbfgs(params_of({p}), o);
  lbfgs.step([&] { return rosenbrock(p); });
  EXPECT_NEAR(p.value()(0, 0), 1.0, 1e-6);
  EXPECT_NEAR(p.value()(0, 1), 1.0, 1e-6);
  EXPECT_LT(lbfgs.evaluations(), 200u);  // typically ~50 (SGD needs thousands of steps)
  EXPECT_GT(lbfgs.history(), 0u);
}

TEST(LBFGS, quadratic_bowl_converges_in_few_iterations) {
  const Bowl bowl(10);
  const Vard w(seeded(1, 10, 1), true);
  LbfgsOptions o;
  o.max_iterations = 40;
  o.tolerance_change = 0;  // stop on the gradient only
  o.tolerance_grad = 1e-9;
  LBFGS<double> lbfgs(params_of({w}), o);
  lbfgs.step([&] { return bowl(w); });
  EXPECT_LT(bowl.max_gradient(w), 1e-8);
}

TEST(LBFGS, state_round_trip_continues_identically) {
  const Bowl bowl(6);
  const Matrix<double> start = uniform(1, 6);
  LbfgsOptions o;
  o.max_iterations = 2;
  o.history_size = 4;
  const Vard w(Matrix<double>(start), true);
  LBFGS<double> a(params_of({w}), o);
  for (int i = 0; i < 2; ++i) a.step([&] { return bowl(w); });
  const StateDict<double> saved = a.state();
  const Matrix<double> at = w.value();
  for (int i = 0; i < 2; ++i) a.step([&] { return bowl(w); });

  const Vard w2(Matrix<double>(at), true);
  LBFGS<double> b(params_of({w2}), o);
  b.load_state(saved);
  EXPECT_GT(b.history(), 0u);
  for (int i = 0; i < 2; ++i) b.step([&] { return bowl(w2); });
  EXPECT_EQ(w2.value(), w.value());  // bit for bit
}

TEST(LBFGS, needs_the_objective) {
  const Vard w(Matrix<double>({{1.0}}), true);
  LBFGS<double> lbfgs(params_of({w}));
  test::expect_error<GraphError>([&] { lbfgs.step(); },
                                 {"LBFGS.step(): this optimizer evaluates the loss itself"});
  test::expect_error<InvalidArgument>([&] { LBFGS<double>(params_of({w}), LbfgsOptions{1, 20, 0}); },
                                      {"history_size = 0"});
  test::expect_error<InvalidArgument>([&] { lbfgs.step([&] { return w * Vard(Matrix<double>({{1.0, 2.0}})); }); },
                                      {"LBFGS: the objective must return a 1×1 loss, got (1, 2)"});
}

TEST(NonlinearCG, quadratic_bowl_and_rosenbrock) {
  const Bowl bowl(8);
  const Vard w(seeded(1, 8, 2), true);
  NonlinearCG<double> cg(params_of({w}));
  for (int i = 0; i < 60; ++i) cg.step([&] { return bowl(w); });
  EXPECT_LT(bowl.max_gradient(w), 1e-6);

  const Vard p(Matrix<double>({{-1.2, 1.0}}), true);
  NonlinearCG<double> cg2(params_of({p}));
  for (int i = 0; i < 500; ++i) cg2.step([&] { return rosenbrock(p); });
  EXPECT_NEAR(p.value()(0, 0), 1.0, 1e-4);
  EXPECT_NEAR(p.value()(0, 1), 1.0, 1e-4);
}

TEST(NonlinearCG, state_round_trip_continues_identically) {
  const Bowl bowl(5);
  const Vard w(uniform(1, 5), true);
  NonlinearCG<double> a(params_of({w}));
  for (int i = 0; i < 3; ++i) a.step([&] { return bowl(w); });
  const StateDict<double> saved = a.state();
  const Vard w2(Matrix<double>(w.value()), true);
  for (int i = 0; i < 2; ++i) a.step([&] { return bowl(w); });
  NonlinearCG<double> b(params_of({w2}));
  b.load_state(saved);
  for (int i = 0; i < 2; ++i) b.step([&] { return bowl(w2); });
  EXPECT_EQ(w2.value(), w.value());
}

TEST(HessianFree, without_damping_one_step_is_newtons_on_a_quadratic) {
  const Bowl bowl(8);
  const Vard w(seeded(1, 8, 2), true);
  HessianFreeOptions o;
  o.damping = 0;
  o.max_cg_iterations = 30;
  o.min_cg_iterations = 30;  // no early stop: CG solves H p = −g exactly
  HessianFree<double> hf(params_of({w}), o);
  hf.step([&] { return bowl(w); });
  EXPECT_LT(bowl.max_gradient(w), 1e-8);
  EXPECT_LE(hf.last_cg_iterations(), 30u);
}

TEST(HessianFree, trains_a_small_mlp_and_adapts_its_damping) {
  const Matrix<double> x = seeded(40, 6, 3, 0.0, 1.0);
  std::vector<std::size_t> labels(40);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = (i * 7 + i / 3) % 3;
  std::vector<Vard> p = {Vard(seeded(6, 8, 4, -0.5, 0.5), true), Vard(seeded(1, 8, 5, -0.1, 0.1), true),
                         Vard(seeded(8, 3, 6, -0.5, 0.5), true), Vard(seeded(1, 3, 7, -0.1, 0.1), true)};
  const Objective<double> loss = [&] {
    return softmax_log_likelihood(linear(linear(Vard(x), p[0], p[1], Activation::tanh), p[2], p[3]), labels);
  };
  HessianFree<double> hf(params_of(p));
  const double first = loss().item();
  std::vector<double> dampings;
  for (int i = 0; i < 30; ++i) {  // fitting 40 random labels
    hf.step(loss);
    dampings.push_back(hf.damping());
  }
  EXPECT_LT(loss().item(), 0.25 * first);
  EXPECT_NE(*std::min_element(dampings.begin(), dampings.end()),
            *std::max_element(dampings.begin(), dampings.end()));
  EXPECT_GT(hf.evaluations(), 15u);  // gradients plus Hessian-vector products
  // The state round-trips: damping and the warm-start solution.
  const StateDict<double> s = hf.state();
  HessianFree<double> other(params_of(p));
  other.load_state(s);
  EXPECT_EQ(other.damping(), hf.damping());
}

TEST(Optimizer, step_with_an_objective_is_backward_then_step_for_first_order_rules) {
  const Bowl bowl(4);
  const Matrix<double> start = uniform(1, 4);
  const Vard a(Matrix<double>(start), true), b(Matrix<double>(start), true);
  SGD<double> sgd_a(params_of({a}), 0.01), sgd_b(params_of({b}), 0.01);
  for (int i = 0; i < 3; ++i) {
    sgd_a.zero_grad();
    bowl(a).backward();
    sgd_a.step();
    const double loss = sgd_b.step([&] { return bowl(b); });
    EXPECT_TRUE(std::isfinite(loss));
  }
  EXPECT_EQ(a.value(), b.value());
  EXPECT_EQ(sgd_b.evaluations(), 3u);
}

}  // namespace
}  // namespace xgrad
