// Numerical stability at extreme inputs.

#include <cmath>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

bool all_finite(const Matrix<double>& m) {
  for (double v : m) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

TEST(Stability, cross_entropy_on_logits_of_plus_minus_1000) {
  const Vard z(Matrix<double>({{1000.0, -1000.0}, {-1000.0, 1000.0}}), true);
  // Right answers cost ~0, wrong ones cost ~1000 per element; both finite.
  const Matrix<double> y = {{1.0, 0.0}, {1.0, 0.0}};
  const Vard c = binary_cross_entropy_with_logits(z, y);
  EXPECT_TRUE(std::isfinite(c.item()));
  EXPECT_NEAR(c.item(), (0.0 + 0.0 + 1000.0 + 1000.0) / 2.0, 1e-9);
  c.backward();
  EXPECT_TRUE(all_finite(z.grad()));
  EXPECT_NEAR(z.grad()(1, 0), -0.5, 1e-12);  // (σ(−1000) − 1)/m
  EXPECT_NEAR(z.grad()(1, 1), 0.5, 1e-12);
}

TEST(Stability, cross_entropy_float32_extremes) {
  const Varf z(Matrix<float>({{1e4f, -1e4f}}), true);
  const Varf c = binary_cross_entropy_with_logits(z, Matrix<float>({{0.0f, 1.0f}}));
  EXPECT_TRUE(std::isfinite(c.item()));
  c.backward();
  EXPECT_TRUE(std::isfinite(z.grad()(0, 0)) && std::isfinite(z.grad()(0, 1)));
}

TEST(Stability, softmax_of_large_inputs_does_not_overflow) {
  const Vard z(Matrix<double>({{1000.0, 999.0, -1000.0}, {1e300, 0.0, -1e300}}), true);
  const Vard a = softmax(z);
  EXPECT_TRUE(all_finite(a.value()));
  EXPECT_NEAR(a.value()(0, 0), 1.0 / (1.0 + std::exp(-1.0)), 1e-15);
  EXPECT_NEAR(a.value()(1, 0), 1.0, 1e-15);
  sum(a * Vard(Matrix<double>({{1, 2, 3}, {1, 2, 3}}))).backward();
  EXPECT_TRUE(all_finite(z.grad()));
}

TEST(Stability, log_softmax_and_log_likelihood_of_large_inputs) {
  const Vard z(Matrix<double>({{1000.0, -1000.0}}), true);
  EXPECT_TRUE(all_finite(log_softmax(z).value()));
  const Vard c = softmax_log_likelihood(z, std::vector<std::size_t>{1});
  EXPECT_NEAR(c.item(), 2000.0, 1e-9);
  c.backward();
  EXPECT_TRUE(all_finite(z.grad()));
}

TEST(Stability, sigmoid_saturates_without_nan) {
  const Vard z(Matrix<double>({{-1000.0, 1000.0}}), true);
  const Vard a = sigmoid(z);
  EXPECT_EQ(a.value()(0, 0), 0.0);
  EXPECT_EQ(a.value()(0, 1), 1.0);
  sum(a).backward();
  EXPECT_TRUE(all_finite(z.grad()));
}

}  // namespace
}  // namespace xgrad
