// The chapter's Hessian technique (eqs. 103–106), made practical by exact Hessian-vector
// products: the second-order Taylor expansion holds to third order, and one Newton step
// w → w − H⁻¹∇C reaches the minimum of a quadratic bowl.

#include <cmath>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>
#include <xtensor-blas/xlinalg.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::uniform;

double dot(const std::vector<Matrix<double>>& a, const std::vector<Matrix<double>>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += xt::sum(a[i] * b[i])();
  return s;
}

// Eqs. 103–104: C(w + Δw) = C(w) + ∇C·Δw + ½ΔwᵀHΔw + O(|Δw|³). For Δw = t·d the remainder
// shrinks 8× each time t halves, which only the right H gives (a wrong H leaves an O(t²)
// remainder, shrinking 4×).
TEST(Book, Eq103_104_SecondOrderTaylorExpansion) {
  const Matrix<double> x = uniform(4, 5, 0.0, 1.0);
  const Matrix<double> y = test::one_hot(test::random_labels(4, 3), 3);
  std::vector<Vard> w = {Vard(uniform(5, 4, -1.0, 1.0), true), Vard(uniform(1, 4), true),
                         Vard(uniform(4, 3, -1.0, 1.0), true), Vard(uniform(1, 3), true)};
  const ScalarFunction<double> cost = [&] {
    const Vard h = linear(Vard(x), w[0], w[1], Activation::sigmoid);
    return binary_cross_entropy_with_logits(linear(h, w[2], w[3]), y);
  };
  std::vector<Matrix<double>> d;
  for (const auto& p : w) d.push_back(uniform(p.shape()[0], p.shape()[1]));
  const double c0 = cost().item();
  std::vector<Matrix<double>> gradient;
  for (const auto& g : grad(cost(), w)) gradient.push_back(g.value());
  const std::vector<Matrix<double>> hd = hvp(cost, w, d);

  const auto remainder = [&](double t) {
    const std::vector<Matrix<double>> saved = {w[0].value(), w[1].value(), w[2].value(), w[3].value()};
    for (std::size_t i = 0; i < w.size(); ++i) w[i].mutable_value() += t * d[i];
    const double shifted = cost().item();
    for (std::size_t i = 0; i < w.size(); ++i) w[i].mutable_value() = saved[i];
    return shifted - (c0 + t * dot(gradient, d) + 0.5 * t * t * dot(d, hd));
  };
  double previous = remainder(0.02);
  for (double t : {0.01, 0.005, 0.0025}) {
    const double r = remainder(t);
    EXPECT_NEAR(previous / r, 8.0, 1.0) << "t = " << t << ": remainder " << r;  // O(t³)
    previous = r;
  }
}

// Eqs. 105–106: on C(w) = ½ wAwᵀ − b·w (A symmetric positive definite) the Newton step
// Δw = −H⁻¹∇C, with H⁻¹∇C found by conjugate gradient on exact Hessian-vector products
// (H itself never formed), lands on the minimum: ∇C(w + Δw) = 0.
TEST(Book, Eq105_106_NewtonStepReachesTheMinimumOfAQuadraticBowl) {
  const std::size_t n = 6;
  const Matrix<double> m = uniform(n, n);
  const Matrix<double> a = xt::linalg::dot(xt::transpose(m), m) + 0.5 * xt::eye<double>(n);
  const Matrix<double> b = uniform(1, n);
  const Vard w(uniform(1, n), true);
  const ScalarFunction<double> cost = [&] {
    return 0.5 * sum(matmul(w, Vard(a)) * w) - sum(Vard(b) * w);
  };
  const Matrix<double> g = grad(cost(), {w})[0].value();

  // CG for H·s = g (n steps are exact for n unknowns, up to rounding).
  Matrix<double> s = xt::zeros<double>({std::size_t(1), n});
  Matrix<double> r = g, p = g;
  double rr = xt::sum(r * r)();
  for (std::size_t k = 0; k < n && rr > 1e-30; ++k) {
    const Matrix<double> hp = hvp(cost, {w}, {p})[0];
    const double alpha = rr / xt::sum(p * hp)();
    s += alpha * p;
    r -= alpha * hp;
    const double next = xt::sum(r * r)();
    p = r + (next / rr) * p;
    rr = next;
  }
  w.mutable_value() -= s;  // w' = w − H⁻¹∇C (η = 1)
  const Matrix<double> after = grad(cost(), {w})[0].value();
  EXPECT_LT(xt::amax(xt::abs(after))(), 1e-10);
  // And H from hessian() is A, as eq. 104 defines it: H_jk = ∂²C/∂w_j∂w_k.
  const Matrix<double> h = hessian(cost, {w});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) EXPECT_NEAR(h(i, j), a(i, j), 1e-12);
  }
}

}  // namespace
}  // namespace xgrad
