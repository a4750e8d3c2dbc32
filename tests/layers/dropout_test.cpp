// Dropout: an independent mask per example and unit on every training forward, inverted
// scaling, the identity in evaluation, and equivalence with the book's form (no scaling in
// training, outgoing weights scaled by 1 − p at test time).

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;

// Pearson correlation of two equally long sequences.
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= double(a.size());
  mb /= double(b.size());
  double cov = 0, va = 0, vb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) * (a[i] - ma);
    vb += (b[i] - mb) * (b[i] - mb);
  }
  return cov / std::sqrt(va * vb);
}

TEST(Dropout, training_mask_is_zero_or_inverse_keep_and_keeps_the_mean) {
  const double p = 0.3;
  Dropout<double> dropout(p, 1);
  const std::size_t m = 400, n = 250;  // 100,000 units
  const Matrix<double> out = dropout(Vard(Matrix<double>(xt::ones<double>({m, n})))).value();
  std::size_t dropped = 0;
  for (double v : out) {
    EXPECT_TRUE(v == 0.0 || v == 1.0 / (1.0 - p)) << v;
    dropped += v == 0.0;
  }
  // Binomial(100000, 0.3): standard deviation 0.0014 in the fraction.
  EXPECT_NEAR(double(dropped) / double(m * n), p, 0.006);
  EXPECT_NEAR(double(xt::mean(out)()), 1.0, 0.01);  // inverted scaling keeps E[output] = input
}

TEST(Dropout, masks_are_independent_per_example_unit_and_call) {
  Dropout<double> dropout(0.5, 2);
  const std::size_t m = 2000, n = 8;
  const Vard ones(Matrix<double>(xt::ones<double>({m, n})));
  const Matrix<double> first = dropout(ones).value(), second = dropout(ones).value();
  EXPECT_NE(first, second);  // a fresh mask on every forward
  auto column = [&](const Matrix<double>& mat, std::size_t j, std::size_t from, std::size_t to) {
    std::vector<double> c;
    for (std::size_t i = from; i < to; ++i) c.push_back(mat(i, j));
    return c;
  };
  // 2,000 samples: an independent pair has |correlation| below 0.09 with 99.99% odds.
  for (std::size_t j = 0; j + 1 < n; ++j) {
    EXPECT_LT(std::abs(correlation(column(first, j, 0, m), column(first, j + 1, 0, m))), 0.09)
        << "units " << j << " and " << j + 1 << " (same examples)";
    EXPECT_LT(std::abs(correlation(column(first, j, 0, m - 1), column(first, j, 1, m))), 0.09)
        << "consecutive examples, unit " << j;
    EXPECT_LT(std::abs(correlation(column(first, j, 0, m), column(second, j, 0, m))), 0.09)
        << "consecutive calls, unit " << j;
  }
}

TEST(Dropout, gradient_flows_through_the_same_mask) {
  Dropout<double> dropout(0.4, 3);
  const Vard x(test::uniform(6, 7, 0.5, 2.0), true);
  const Vard y = dropout(x);
  sum(y).backward();
  for (std::size_t k = 0; k < x.size(); ++k) {
    // ∂y/∂x is the mask: y/x where kept, 0 where dropped.
    EXPECT_DOUBLE_EQ(x.grad().flat(k), y.value().flat(k) / x.value().flat(k));
  }
}

TEST(Dropout, eval_is_the_identity) {
  Dropout<double> dropout(0.5, 4);
  dropout.eval();
  const Vard x(test::uniform(5, 6), true);
  const Vard y = dropout(x);
  EXPECT_EQ(y.node(), x.node());
  EXPECT_EQ(y.value(), x.value());
  // p = 0 in training is the identity as well.
  Dropout<double> none(0.0, 5);
  EXPECT_EQ(none(x).value(), x.value());
}

TEST(Dropout, same_seed_same_masks) {
  Dropout<double> a(0.5, 9), b(0.5, 9);
  const Vard x(test::uniform(10, 10, 1.0, 2.0));
  EXPECT_EQ(a(x).value(), b(x).value());
  EXPECT_EQ(a(x).value(), b(x).value());
  // Layers forked from one generator draw different masks.
  Rng rng(10);
  Dropout<double> c(0.5, rng), d(0.5, rng);
  EXPECT_NE(c(x).value(), d(x).value());
}

TEST(Dropout, equivalent_to_the_books_form) {
  // Hidden activations h feed a layer with the book's weights W. The book drops units
  // without scaling (mask ∈ {0, 1}) and uses (1 − p)W at test time; inverted dropout scales
  // kept units by 1/(1 − p) and keeps its weights, which are therefore (1 − p)W.
  const double p = 0.5;
  const std::size_t m = 3, n = 6;
  const Matrix<double> h = test::uniform(m, n, 0.1, 1.0);
  const Matrix<double> w_book = test::uniform(n, 4), b = test::uniform(1, 4);
  Dense<double> book_train(w_book, b), book_test(Matrix<double>((1 - p) * w_book), b);
  Dense<double> inverted_layer(Matrix<double>((1 - p) * w_book), b);
  Dropout<double> dropout(p, 6);

  // Same eval-time outputs.
  dropout.eval();
  EXPECT_TRUE(test::near(inverted_layer(dropout(Vard(h))).value(), book_test(Vard(h)).value(),
                         1e-14));
  dropout.train();

  // In training, for the same dropped units, the same pre-activations; and over many masks
  // the same expected pre-activations, equal to the test-time outputs.
  const int samples = 20000;
  Matrix<double> mean_inverted = xt::zeros<double>({m, std::size_t(4)});
  Matrix<double> mean_book = xt::zeros<double>({m, std::size_t(4)});
  for (int s = 0; s < samples; ++s) {
    const Vard dropped = dropout(Vard(h));
    Matrix<double> keep = xt::empty<double>({m, n});  // the same units, unscaled (book form)
    for (std::size_t k = 0; k < keep.size(); ++k) keep.flat(k) = dropped.value().flat(k) != 0.0;
    const Matrix<double> inverted = inverted_layer(dropped).value();
    const Matrix<double> book = book_train(apply_mask(Vard(h), keep)).value();
    if (s < 5) {
      EXPECT_TRUE(test::near(inverted, book, 1e-13));
    }
    mean_inverted += inverted / double(samples);
    mean_book += book / double(samples);
  }
  const Matrix<double> at_test = book_test(Vard(h)).value();
  for (std::size_t k = 0; k < at_test.size(); ++k) {
    EXPECT_NEAR(mean_inverted.flat(k), at_test.flat(k), 0.02);
    EXPECT_NEAR(mean_book.flat(k), at_test.flat(k), 0.02);
  }
}

TEST(Dropout, rejects_p_outside_zero_one) {
  expect_error<InvalidArgument>([] { Dropout<double>(1.2, 1); },
                                      {"Dropout: p = 1.2 must be in [0, 1)"});
  expect_error<InvalidArgument>([] { Dropout<double>(1.0, 1); }, {"p = 1 must be"});
  expect_error<InvalidArgument>([] { Dropout<double>(-0.1, 1); }, {"p = -0.1 must be"});
  EXPECT_EQ(Dropout<double>(0.25, 1).describe(), "Dropout(0.25)");
}

}  // namespace
}  // namespace xgrad
