// Forward values against closed forms.

#include <cmath>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

TEST(Forward, sigmoid_derivative_is_a_times_one_minus_a) {
  const Matrix<double> z = test::uniform(4, 5, -6.0, 6.0);
  const Vard x(z, true);
  const Vard a = sigmoid(x);
  sum(a).backward();
  for (std::size_t k = 0; k < z.size(); ++k) {
    const double s = 1.0 / (1.0 + std::exp(-z.flat(k)));
    EXPECT_NEAR(a.value().flat(k), s, 1e-15);
    EXPECT_NEAR(x.grad().flat(k), s * (1.0 - s), 1e-15);
  }
}

TEST(Forward, sigmoid_equals_shifted_tanh) {
  const Matrix<double> z = test::uniform(3, 7, -8.0, 8.0);
  const Vard s = sigmoid(Vard(z));
  const Vard t = tanh(Vard(Matrix<double>(z / 2.0)));
  for (std::size_t k = 0; k < z.size(); ++k) {
    EXPECT_NEAR(s.value().flat(k), (1.0 + t.value().flat(k)) / 2.0, 1e-15);
  }
}

TEST(Forward, softmax_rows_are_positive_and_sum_to_one) {
  const Vard a = softmax(Vard(test::uniform(6, 10, -5.0, 5.0)));
  for (std::size_t i = 0; i < 6; ++i) {
    double total = 0.0;
    for (std::size_t j = 0; j < 10; ++j) {
      EXPECT_GT(a.value()(i, j), 0.0);
      total += a.value()(i, j);
    }
    EXPECT_NEAR(total, 1.0, 1e-14);
  }
}

TEST(Forward, log_softmax_is_log_of_softmax) {
  const Vard z(test::uniform(5, 8, -5.0, 5.0));
  const Vard a = softmax(z);
  const Vard l = log_softmax(z);
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_NEAR(l.value().flat(k), std::log(a.value().flat(k)), 1e-14);
  }
}

TEST(Forward, fused_losses_agree_with_unfused_compositions) {
  const Matrix<double> z = test::uniform(5, 4, -3.0, 3.0);
  const auto labels = test::random_labels(5, 4);
  const Matrix<double> y = test::one_hot(labels, 4);
  const Vard zv(z);
  const Vard a = sigmoid(zv);
  const Vard yv(y);
  const Vard bce = -sum(yv * log(a) + (1.0 - yv) * log(1.0 - a)) / 5.0;
  EXPECT_NEAR(binary_cross_entropy_with_logits(zv, y).item(), bce.item(), 1e-13);
  const Vard nll = -sum(yv * log_softmax(zv)) / 5.0;
  EXPECT_NEAR(softmax_log_likelihood(zv, labels).item(), nll.item(), 1e-13);
  EXPECT_NEAR(softmax_log_likelihood(zv, y).item(), nll.item(), 1e-13);
}

TEST(Forward, broadcasting_values) {
  const Matrix<double> m = {{1, 2, 3}, {4, 5, 6}};
  const Matrix<double> row = {{10, 20, 30}};
  const Matrix<double> col = {{100}, {200}};
  EXPECT_EQ((Vard(m) + Vard(row)).value(), Matrix<double>({{11, 22, 33}, {14, 25, 36}}));
  EXPECT_EQ((Vard(m) * Vard(col)).value(),
            Matrix<double>({{100, 200, 300}, {800, 1000, 1200}}));
  EXPECT_EQ((Vard(col) - Vard(row)).value(),
            Matrix<double>({{90, 80, 70}, {190, 180, 170}}));
  EXPECT_EQ((Vard(m) / Vard::scalar(2.0)).value(),
            Matrix<double>({{0.5, 1, 1.5}, {2, 2.5, 3}}));
}

TEST(Forward, reductions_and_reshape) {
  const Vard x(Matrix<double>({{1, 2, 3}, {4, 5, 6}}));
  EXPECT_EQ(sum(x).item(), 21.0);
  EXPECT_EQ(mean(x).item(), 3.5);
  EXPECT_EQ(sum(x, 0).value(), Matrix<double>({{5, 7, 9}}));
  EXPECT_EQ(sum(x, 1).value(), Matrix<double>({{6}, {15}}));
  EXPECT_EQ(mean(x, 0).value(), Matrix<double>({{2.5, 3.5, 4.5}}));
  EXPECT_EQ(mean(x, 1).value(), Matrix<double>({{2}, {5}}));
  EXPECT_EQ(reshape(x, 3, 2).value(), Matrix<double>({{1, 2}, {3, 4}, {5, 6}}));
  EXPECT_EQ(transpose(x).value(), Matrix<double>({{1, 4}, {2, 5}, {3, 6}}));
}

TEST(Forward, matmul_matches_naive_product) {
  const Matrix<double> a = test::uniform(4, 7), b = test::uniform(7, 3);
  const Matrix<double> c = matmul(Vard(a), Vard(b)).value();
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      double expected = 0;
      for (std::size_t k = 0; k < 7; ++k) expected += a(i, k) * b(k, j);
      EXPECT_NEAR(c(i, j), expected, 1e-13);
    }
  }
}

TEST(Forward, abs_subgradient_at_zero_is_zero) {
  const Vard x(Matrix<double>({{-2.0, 0.0, 3.0}}), true);
  sum(abs(x)).backward();
  EXPECT_EQ(x.grad(), Matrix<double>({{-1.0, 0.0, 1.0}}));
}

TEST(Forward, relu_and_mask) {
  const Vard x(Matrix<double>({{-1.0, 0.5, 2.0}}), true);
  EXPECT_EQ(relu(x).value(), Matrix<double>({{0.0, 0.5, 2.0}}));
  const Matrix<double> mask = {{2.0, 0.0, 2.0}};
  const Vard y = apply_mask(x, mask);
  EXPECT_EQ(y.value(), Matrix<double>({{-2.0, 0.0, 4.0}}));
  sum(y).backward();
  EXPECT_EQ(x.grad(), mask);
}

TEST(Forward, float32_agrees_with_float64) {
  // The same 2-layer network in both element types gives the same loss and gradients.
  const Matrix<double> x = test::uniform(8, 5, 0, 1), w1 = test::uniform(5, 4, -1, 1),
                       w2 = test::uniform(4, 3, -1, 1), b = test::uniform(1, 3);
  const auto labels = test::random_labels(8, 3);
  const Vard W1(w1, true), W2(w2, true);
  softmax_log_likelihood(matmul(tanh(matmul(Vard(x), W1)), W2) + Vard(b), labels).backward();

  const Varf W1f(xt::cast<float>(w1), true), W2f(xt::cast<float>(w2), true);
  const Varf lossf = softmax_log_likelihood(
      matmul(tanh(matmul(Varf(xt::cast<float>(x)), W1f)), W2f) + Varf(xt::cast<float>(b)),
      labels);
  lossf.backward();
  for (std::size_t k = 0; k < w1.size(); ++k) {
    EXPECT_NEAR(W1f.grad().flat(k), W1.grad().flat(k), 1e-5);
  }
  for (std::size_t k = 0; k < w2.size(); ++k) {
    EXPECT_NEAR(W2f.grad().flat(k), W2.grad().flat(k), 1e-5);
  }
}

}  // namespace
}  // namespace xgrad
