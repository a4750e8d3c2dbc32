// A leaf's gradient kept as the factors of xᵀ·G (Var::accept_factored_grad()): every way of
// reading or adding to it sees the same gradient, bit for bit, as a leaf that never kept one.

#include <gtest/gtest.h>

#include <random>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

Matrix<double> random_matrix(std::size_t rows, std::size_t cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Matrix<double> m = xt::empty<double>({rows, cols});
  for (double& e : m) e = normal(rng);
  return m;
}

// The same weights twice: one leaf that keeps factors, one that never does.
struct TwoWeights {
  Vard factored{random_matrix(7, 9, 1), true};
  Vard plain{random_matrix(7, 9, 1), true};
  TwoWeights() { factored.accept_factored_grad(); }
};

const Matrix<double> kInput = random_matrix(5, 7, 2);
const Matrix<double> kBias = random_matrix(1, 9, 3);

Vard dense_loss(const Vard& w) {
  return sum(square(linear(Vard(kInput), w, Vard(kBias), Activation::sigmoid)));
}

TEST(FactoredGrad, linear_weight_gradient_is_kept_as_factors_until_read) {
  TwoWeights w;
  dense_loss(w.factored).backward();
  dense_loss(w.plain).backward();
  const auto [left, right] = w.factored.grad_factors();
  ASSERT_NE(left, nullptr);
  EXPECT_EQ(*left, kInput);  // x, and G = ∂loss/∂(x·W + b)
  EXPECT_EQ(right->shape(), (Matrix<double>::shape_type{5, 9}));
  EXPECT_TRUE(w.factored.has_grad());
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);  // multiplied out by grad()
  EXPECT_EQ(w.plain.grad_factors().first, nullptr);     // never kept
}

TEST(FactoredGrad, matmul_weight_gradient_is_kept_as_factors) {
  TwoWeights w;
  const Matrix<double> seed = random_matrix(5, 9, 4);
  matmul(Vard(kInput), w.factored).backward(seed);
  matmul(Vard(kInput), w.plain).backward(seed);
  ASSERT_NE(w.factored.grad_factors().first, nullptr);
  EXPECT_EQ(*w.factored.grad_factors().second, seed);
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
}

TEST(FactoredGrad, a_product_of_more_rows_than_allowed_is_multiplied_out) {
  TwoWeights w;
  w.factored.accept_factored_grad(4);  // the input has 5 rows
  dense_loss(w.factored).backward();
  dense_loss(w.plain).backward();
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
  w.factored.zero_grad();
  w.factored.accept_factored_grad(5);
  dense_loss(w.factored).backward();
  EXPECT_NE(w.factored.grad_factors().first, nullptr);
}

TEST(FactoredGrad, a_second_use_of_the_weight_adds_to_the_product) {
  // Shared by two layers and a penalty: the first gradient is kept as factors, the second
  // product and the penalty's gradient multiply it out and add to it.
  TwoWeights w;
  const auto loss = [](const Vard& weights) {
    return dense_loss(weights) + sum(linear(Vard(kInput * 0.5), weights, Vard(kBias))) +
           sum(square(weights)) * 0.1;
  };
  loss(w.factored).backward();
  loss(w.plain).backward();
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
}

TEST(FactoredGrad, accumulates_over_backward_passes_and_zero_grad_drops_the_factors) {
  TwoWeights w;
  for (const Vard* v : {&w.factored, &w.plain}) {
    dense_loss(*v).backward();
    dense_loss(*v).backward();  // no zero_grad(): the second pass adds to the first
  }
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
  w.factored.zero_grad();
  EXPECT_FALSE(w.factored.has_grad());
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);
  dense_loss(w.factored).backward();  // the buffers are reused from pass to pass
  w.plain.zero_grad();
  dense_loss(w.plain).backward();
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
}

TEST(FactoredGrad, captured_gradients_leave_the_kept_factors_alone) {
  // grad() returns a gradient without touching .grad: the factors kept from backward()
  // survive it, and the returned gradient is the whole matrix.
  TwoWeights w;
  dense_loss(w.factored).backward();
  dense_loss(w.plain).backward();
  const Matrix<double> returned = grad(dense_loss(w.factored) * 2.0, {w.factored})[0].value();
  const Matrix<double> expected = grad(dense_loss(w.plain) * 2.0, {w.plain})[0].value();
  EXPECT_EQ(returned, expected);
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
}

TEST(FactoredGrad, create_graph_and_set_grad_see_the_whole_gradient) {
  TwoWeights w;
  dense_loss(w.factored).backward();
  dense_loss(w.plain).backward();
  // A create_graph pass adds its gradient to the kept one, which is multiplied out first.
  BackwardOptions with_graph;
  with_graph.create_graph = true;
  dense_loss(w.factored).backward(with_graph);
  dense_loss(w.plain).backward(with_graph);
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
  EXPECT_EQ(w.factored.grad_var().value(), w.plain.grad_var().value());
  w.plain.zero_grad();  // breaks the cycle a kept gradient graph makes through its leaf
  w.factored.zero_grad();
  dense_loss(w.factored).backward();
  w.factored.set_grad(xt::zeros<double>({7, 9}));  // replaces the factors
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);
  EXPECT_EQ(w.factored.grad(), Matrix<double>(xt::zeros<double>({7, 9})));
}

TEST(FactoredGrad, turning_it_off_multiplies_out_a_kept_gradient) {
  TwoWeights w;
  dense_loss(w.factored).backward();
  dense_loss(w.plain).backward();
  w.factored.accept_factored_grad(0);
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);
  EXPECT_EQ(w.factored.grad(), w.plain.grad());
  w.factored.zero_grad();
  dense_loss(w.factored).backward();
  EXPECT_EQ(w.factored.grad_factors().first, nullptr);
}

}  // namespace
}  // namespace xgrad
