// Softmax and the log-likelihood cost (eqs. 78–84): values, properties and gradients,
// against closed forms computed here in plain loops; per-example formulas are checked per
// example (batches of one row) and the batch losses as their means.

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "reference.hpp"
#include "test_util.hpp"

namespace xgrad::book {
namespace {

using test::near;
using test::uniform;

// e^(z_j) / Σ_k e^(z_k) for each row, straight from eq. 78.
Matrix<double> softmax_by_definition(const Matrix<double>& z) {
  Matrix<double> a = xt::empty<double>(z.shape());
  for (std::size_t i = 0; i < z.shape()[0]; ++i) {
    double total = 0;
    for (std::size_t k = 0; k < z.shape()[1]; ++k) total += std::exp(z(i, k));
    for (std::size_t j = 0; j < z.shape()[1]; ++j) a(i, j) = std::exp(z(i, j)) / total;
  }
  return a;
}

// ∂a_j/∂z_k of one row by autodiff: backward from softmax with seed e_j, for each j.
Matrix<double> softmax_jacobian(const Matrix<double>& z_row) {
  const std::size_t n = z_row.shape()[1];
  Matrix<double> jacobian = xt::empty<double>({n, n});
  for (std::size_t j = 0; j < n; ++j) {
    const Vard z(z_row, true);
    Matrix<double> seed = xt::zeros<double>({std::size_t(1), n});
    seed(0, j) = 1.0;
    softmax(z).backward(seed);
    for (std::size_t k = 0; k < n; ++k) jacobian(j, k) = z.grad()(0, k);
  }
  return jacobian;
}

TEST(Book, Eq78_79_SoftmaxSumsToOne) {
  const Matrix<double> z = uniform(6, 5, -4.0, 4.0);
  Softmax<double> layer;
  const Matrix<double> a = layer(Vard(z)).value();
  EXPECT_TRUE(near(a, softmax_by_definition(z), kTolerance));
  for (std::size_t i = 0; i < 6; ++i) {
    double total = 0;
    for (std::size_t j = 0; j < 5; ++j) {
      EXPECT_GT(a(i, j), 0.0);
      total += a(i, j);
    }
    EXPECT_TRUE(near(total, 1.0, kTolerance));
  }
}

TEST(Book, Eq78_79_SoftmaxMonotonicity) {
  // ∂a_j/∂z_k = a_j(δ_jk − a_k): positive iff j = k, so raising z_k raises a_k alone.
  for (int trial = 0; trial < 5; ++trial) {
    const Matrix<double> z = uniform(1, 5, -3.0, 3.0);
    const Matrix<double> a = softmax_by_definition(z);
    const Matrix<double> jacobian = softmax_jacobian(z);
    Matrix<double> expected = xt::empty<double>({std::size_t(5), std::size_t(5)});
    for (std::size_t j = 0; j < 5; ++j) {
      for (std::size_t k = 0; k < 5; ++k) {
        expected(j, k) = a(0, j) * ((j == k ? 1.0 : 0.0) - a(0, k));
        EXPECT_EQ(jacobian(j, k) > 0.0, j == k) << "j = " << j << ", k = " << k;
      }
    }
    EXPECT_TRUE(near(jacobian, expected, kTolerance));
  }
}

TEST(Book, Eq78_79_SoftmaxInversion) {
  // z_j = ln a_j + C: ln a_j − z_j is the same C = −ln Σ_k e^(z_k) for every j of a row.
  const Matrix<double> z = uniform(4, 6, -3.0, 3.0);
  const Matrix<double> a = softmax(Vard(z)).value();
  for (std::size_t i = 0; i < 4; ++i) {
    double total = 0;
    for (std::size_t k = 0; k < 6; ++k) total += std::exp(z(i, k));
    for (std::size_t j = 0; j < 6; ++j) {
      EXPECT_TRUE(near(std::log(a(i, j)) + std::log(total), z(i, j), kTolerance));
    }
  }
}

TEST(Book, Eq83_SoftmaxLargeScaleIsArgmaxOneHot) {
  // a_j = e^(c z_j) / Σ_k e^(c z_k): the largest output rises towards 1 as c grows and the
  // softmax becomes the one-hot of argmax z — without overflow, since e^(c z) is huge.
  const Matrix<double> z = {{0.3, -1.2, 0.9, 0.5}};  // argmax 2, gap 0.4 to the next
  double previous = 0.0;
  for (double c : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0}) {
    const Matrix<double> a = softmax(Vard(z) * c).value();
    EXPECT_TRUE(near(a, softmax_by_definition(Matrix<double>(c * z)), kTolerance)) << "c = " << c;
    EXPECT_GT(a(0, 2), previous) << "c = " << c;
    previous = a(0, 2);
  }
  // c = 1000: the others are at most e^(−400) ≈ 2e-174, so a is one-hot to double precision
  // (1 exactly at the argmax); c = 1e5: they underflow to 0. e^(1000·0.9) alone would overflow.
  const Matrix<double> large = softmax(Vard(z) * 1000.0).value();
  EXPECT_EQ(large(0, 2), 1.0);
  for (std::size_t j : {0, 1, 3}) EXPECT_LT(large(0, j), 1e-170);
  EXPECT_EQ(softmax(Vard(z) * 1e5).value(), Matrix<double>({{0.0, 0.0, 1.0, 0.0}}));
}

// A softmax output layer on random hidden activations a^{L−1}: z = a^{L−1}·W + b.
struct SoftmaxLayerCase {
  std::size_t n_in = 4, n_out = 5;
  Matrix<double> input, w, b;
  SoftmaxLayerCase(std::size_t m)
      : input(uniform(m, n_in, 0.0, 1.0)), w(uniform(n_in, n_out)), b(uniform(1, n_out)) {}
  double z(std::size_t i, std::size_t j) const {
    double zj = b(0, j);
    for (std::size_t k = 0; k < n_in; ++k) zj += input(i, k) * w(k, j);
    return zj;
  }
  std::vector<double> a(std::size_t i) const {
    std::vector<double> out(n_out);
    double total = 0;
    for (std::size_t j = 0; j < n_out; ++j) total += std::exp(z(i, j));
    for (std::size_t j = 0; j < n_out; ++j) out[j] = std::exp(z(i, j)) / total;
    return out;
  }
};

TEST(Book, Eq80_LogLikelihood) {
  const std::size_t m = 7;
  const SoftmaxLayerCase c(m);
  const std::vector<std::size_t> labels = test::random_labels(m, c.n_out);
  Dense<double> layer(c.w, c.b);
  double total = 0;
  for (std::size_t i = 0; i < m; ++i) {
    // Per example: C = −ln a^L_y.
    const double expected = -std::log(c.a(i)[labels[i]]);
    const Vard z = layer(Vard(as_row(row(c.input, i))));
    EXPECT_TRUE(near(log_likelihood_cost(softmax(z), {labels[i]}).item(), expected, kTolerance));
    EXPECT_TRUE(near(softmax_log_likelihood(z, {labels[i]}).item(), expected, kTolerance));
    total += expected;
  }
  // The batch loss is the mean, with labels or one-hot targets.
  const Vard z = layer(Vard(c.input));
  const Matrix<double> y = test::one_hot(labels, c.n_out);
  EXPECT_TRUE(near(log_likelihood_cost(softmax(z), labels).item(), total / m, kTolerance));
  EXPECT_TRUE(near(log_likelihood_cost(softmax(z), y).item(), total / m, kTolerance));
  EXPECT_TRUE(near(softmax_log_likelihood(z, labels).item(), total / m, kTolerance));
  EXPECT_TRUE(near(Cost::log_likelihood().on_logits(z, y).item(), total / m, kTolerance));
}

// Runs the per-example (m = 1) and the batch (m = 6) softmax + log-likelihood case through
// the unfused and the fused loss and calls check(dz, dW, db, case, labels, m).
template <class Check>
void for_each_softmax_case(Check check) {
  for (std::size_t m : {std::size_t(1), std::size_t(6)}) {
    for (bool fused : {false, true}) {
      SCOPED_TRACE(std::string(fused ? "fused" : "unfused") + ", m = " + std::to_string(m));
      const SoftmaxLayerCase c(m);
      const std::vector<std::size_t> labels = test::random_labels(m, c.n_out);
      Dense<double> layer(c.w, c.b);
      const Vard z = layer(Vard(c.input));
      z.retain_grad();
      (fused ? softmax_log_likelihood(z, labels) : log_likelihood_cost(softmax(z), labels))
          .backward();
      check(z.grad(), layer.weight().grad(), layer.bias().grad(), c, labels, m);
    }
  }
}

TEST(Book, Eq81_82_SoftmaxLogLikelihoodGradients) {
  for_each_softmax_case([](const Matrix<double>&, const Matrix<double>& dw,
                           const Matrix<double>& db, const SoftmaxLayerCase& c,
                           const std::vector<std::size_t>& labels, std::size_t m) {
    // ∂C/∂b^L_j = a^L_j − y_j ;  ∂C/∂w^L_jk = a^{L−1}_k (a^L_j − y_j), averaged over the batch.
    Matrix<double> expected_w = xt::zeros<double>({c.n_in, c.n_out});
    Matrix<double> expected_b = xt::zeros<double>({std::size_t(1), c.n_out});
    for (std::size_t i = 0; i < m; ++i) {
      const std::vector<double> a = c.a(i);
      for (std::size_t j = 0; j < c.n_out; ++j) {
        const double error = a[j] - (labels[i] == j ? 1.0 : 0.0);
        expected_b(0, j) += error / m;
        for (std::size_t k = 0; k < c.n_in; ++k) expected_w(k, j) += c.input(i, k) * error / m;
      }
    }
    EXPECT_TRUE(near(db, expected_b, kTolerance));
    EXPECT_TRUE(near(dw, expected_w, kTolerance));
  });
}

TEST(Book, Eq84_SoftmaxLogLikelihoodDelta) {
  for_each_softmax_case([](const Matrix<double>& dz, const Matrix<double>&, const Matrix<double>&,
                           const SoftmaxLayerCase& c, const std::vector<std::size_t>& labels,
                           std::size_t m) {
    // δ^L_j = a^L_j − y_j for each example (the batch mean divides by m).
    Matrix<double> expected = xt::empty<double>({m, c.n_out});
    for (std::size_t i = 0; i < m; ++i) {
      const std::vector<double> a = c.a(i);
      for (std::size_t j = 0; j < c.n_out; ++j) {
        expected(i, j) = (a[j] - (labels[i] == j ? 1.0 : 0.0)) / m;
      }
    }
    EXPECT_TRUE(near(dz, expected, kTolerance));
  });
}

}  // namespace
}  // namespace xgrad::book
