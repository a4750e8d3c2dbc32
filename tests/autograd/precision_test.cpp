// Large logits: log_softmax, softmax and the fused losses keep their relative precision,
// checked against long double references (float64 and float32).

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

using Row = std::vector<long double>;

// ln softmax(z)_j in long double: (z_j − max) − log1p(Σ_{k≠argmax} e^(z_k − max)).
Row reference_log_softmax(const Row& z) {
  std::size_t top = 0;
  for (std::size_t j = 1; j < z.size(); ++j) top = z[j] > z[top] ? j : top;
  long double others = 0;
  for (std::size_t j = 0; j < z.size(); ++j) others += j == top ? 0 : std::exp(z[j] - z[top]);
  Row out;
  for (long double v : z) out.push_back((v - z[top]) - std::log1p(others));
  return out;
}

// softmax(z) − onehot(label), the label's entry as minus the others' share (no 1 − a).
Row reference_log_likelihood_grad(const Row& z, std::size_t label) {
  const Row lsm = reference_log_softmax(z);
  Row g;
  long double others = 0;
  for (std::size_t j = 0; j < z.size(); ++j) {
    g.push_back(std::exp(lsm[j]));
    if (j != label) others += g.back();
  }
  g[label] = -others;
  return g;
}

template <class T>
Matrix<T> row_of(const Row& z) {
  Matrix<T> m = xt::empty<T>({std::size_t(1), z.size()});
  for (std::size_t j = 0; j < z.size(); ++j) m(0, j) = static_cast<T>(z[j]);
  return m;
}

// |got − want| ≤ rel·|want| (or ≤ rel when want is 0).
template <class T>
void expect_relative(T got, long double want, double rel, const char* what) {
  const long double scale = want == 0 ? 1.0L : std::fabs(want);
  EXPECT_LE(std::fabs(static_cast<long double>(got) - want) / scale, rel)
      << what << ": got " << static_cast<double>(got) << ", want " << static_cast<double>(want);
}

// The rows the issue reported, plus three-class and mixed-sign ones. The float32 rows stay
// within float's exponent range for e^(−Δ).
const std::vector<Row> rows64 = {{1030, 1000}, {30, 0}, {0, 30}, {700, 650, 640}, {-5, 40, 39.5},
                                 {1e4, 1e4 - 20, 0}};
const std::vector<Row> rows32 = {{30, 0}, {85, 70}, {20, 5, 3}, {-5, 12, 11.5}};

template <class T>
void check_log_softmax(const std::vector<Row>& rows, double rel) {
  for (const Row& z : rows) {
    const Var<T> out = log_softmax(Var<T>(row_of<T>(z)));
    const Row want = reference_log_softmax(z);
    for (std::size_t j = 0; j < z.size(); ++j) expect_relative(out.value()(0, j), want[j], rel, "log_softmax");
  }
}

template <class T>
void check_log_likelihood(const std::vector<Row>& rows, double rel) {
  for (const Row& z : rows) {
    for (std::size_t label = 0; label < z.size(); ++label) {
      const Var<T> logits(row_of<T>(z), true);
      const Var<T> loss = softmax_log_likelihood(logits, std::vector<std::size_t>{label});
      expect_relative(loss.item(), -reference_log_softmax(z)[label], rel, "loss");
      loss.backward();
      const Row want = reference_log_likelihood_grad(z, label);
      // Entries below the smallest normal float are flushed in the reference too.
      for (std::size_t j = 0; j < z.size(); ++j) {
        if (std::fabs(want[j]) > 1e-30L) expect_relative(logits.grad()(0, j), want[j], rel, "gradient");
      }
      // The same through one-hot targets.
      Matrix<T> onehot = xt::zeros<T>({std::size_t(1), z.size()});
      onehot(0, label) = T(1);
      const Var<T> logits2(row_of<T>(z), true);
      softmax_log_likelihood(logits2, onehot).backward();
      for (std::size_t j = 0; j < z.size(); ++j) {
        if (std::fabs(want[j]) > 1e-30L) expect_relative(logits2.grad()(0, j), want[j], rel, "one-hot gradient");
      }
    }
  }
}

TEST(Precision, log_softmax_large_logits_float64) { check_log_softmax<double>(rows64, 1e-14); }
TEST(Precision, log_softmax_large_logits_float32) { check_log_softmax<float>(rows32, 1e-6); }

TEST(Precision, log_likelihood_large_logits_float64) { check_log_likelihood<double>(rows64, 1e-14); }
TEST(Precision, log_likelihood_large_logits_float32) { check_log_likelihood<float>(rows32, 1e-6); }

// The case: z = [[1030, 1000]], label 0 — loss 9.3576e-14, gradient ±9.3576e-14,
// whose row sums to 0.
TEST(Precision, log_likelihood_gradient_row_sums_to_zero) {
  const Vard z(Matrix<double>({{1030.0, 1000.0}}), true);
  const Vard loss = softmax_log_likelihood(z, std::vector<std::size_t>{0});
  const double exact = std::log1p(std::exp(-30.0));
  EXPECT_NEAR(loss.item() / exact, 1.0, 1e-15);
  loss.backward();
  EXPECT_NEAR(z.grad()(0, 1) / exact, 1.0, 1e-12);
  EXPECT_NEAR(z.grad()(0, 0) / z.grad()(0, 1), -1.0, 1e-14);  // a few ulps: sums to ~0
}

TEST(Precision, softmax_large_logits) {
  for (const Row& z : rows64) {
    const Vard a = softmax(Vard(row_of<double>(z)));
    const Row lsm = reference_log_softmax(z);
    for (std::size_t j = 0; j < z.size(); ++j) {
      if (lsm[j] > -700) expect_relative(a.value()(0, j), std::exp(lsm[j]), 1e-14, "softmax");
    }
  }
}

// σ(z) − y for y = 1 and large z is −σ(−z), tiny but exact; the loss is log1p(e^(−z)).
template <class T>
void check_binary_cross_entropy(const std::vector<long double>& logits, double rel) {
  for (long double zl : logits) {
    for (int y : {0, 1}) {
      const Var<T> z(Matrix<T>({{static_cast<T>(zl)}}), true);
      const Var<T> loss = binary_cross_entropy_with_logits(z, Matrix<T>({{T(y)}}));
      // Cost of the wrong side: softplus(±z); of the right side: log1p(e^(−|z|)).
      const long double margin = y == 1 ? zl : -zl;
      const long double want_loss = margin > 0 ? std::log1p(std::exp(-margin)) : -margin + std::log1p(std::exp(margin));
      expect_relative(loss.item(), want_loss, rel, "loss");
      loss.backward();
      const long double sigma = 1.0L / (1.0L + std::exp(-zl));
      const long double want_grad = y == 1 ? -std::exp(-zl) / (1.0L + std::exp(-zl)) : sigma;
      expect_relative(z.grad()(0, 0), want_grad, rel, "gradient");
    }
  }
}

TEST(Precision, binary_cross_entropy_large_logits_float64) {
  check_binary_cross_entropy<double>({30, 40, -30, 3, 0.5, 700}, 1e-14);
}
TEST(Precision, binary_cross_entropy_large_logits_float32) {
  check_binary_cross_entropy<float>({15, 30, -15, 3, 0.5, 80}, 1e-6);
}

}  // namespace
}  // namespace xgrad
