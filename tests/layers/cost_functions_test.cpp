// Losses, the Cost pairing and the penalties: fused and unfused forms agree, the Cost picks
// the right activation and form, penalties skip biases, and misuse gives clear errors.

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;

TEST(Losses, fused_and_unfused_forms_agree_in_value_and_gradient) {
  const Matrix<double> z = test::uniform(6, 4, -4.0, 4.0), y = test::uniform(6, 4, 0.0, 1.0);
  const std::vector<std::size_t> labels = test::random_labels(6, 4);
  struct Pair {
    const char* name;
    std::function<Vard(const Vard&)> unfused, fused;
  };
  const std::vector<Pair> pairs = {
      {"cross-entropy", [&](const Vard& v) { return cross_entropy_cost(sigmoid(v), y); },
       [&](const Vard& v) { return cross_entropy_cost_with_logits(v, y); }},
      {"log-likelihood", [&](const Vard& v) { return log_likelihood_cost(softmax(v), labels); },
       [&](const Vard& v) { return softmax_log_likelihood(v, labels); }}};
  for (const Pair& p : pairs) {
    SCOPED_TRACE(p.name);
    const Vard a(z, true), b(z, true);
    const Vard ua = p.unfused(a), fb = p.fused(b);
    EXPECT_NEAR(ua.item(), fb.item(), 1e-13);
    ua.backward();
    fb.backward();
    EXPECT_TRUE(test::near(a.grad(), b.grad(), 1e-10));
  }
}

TEST(Losses, fused_forms_stay_finite_where_the_unfused_saturate) {
  // σ(40) rounds to 1 in double: the unfused cross-entropy with y = 0 is then ln 0 = ∞, the
  // fused one is 40 (to rounding). Documented reason to prefer the fused forms.
  const Matrix<double> y = {{0.0}};
  EXPECT_TRUE(std::isinf(cross_entropy_cost(sigmoid(Vard(Matrix<double>({{40.0}}))), y).item()));
  EXPECT_NEAR(cross_entropy_cost_with_logits(Vard(Matrix<double>({{40.0}})), y).item(), 40.0,
              1e-12);
}

TEST(Losses, float_instantiations_work) {
  const Matrix<float> y = {{0.0f, 1.0f}};
  const Varf a(Matrix<float>({{0.25f, 0.5f}}), true);
  const Varf c = quadratic_cost(a, y);
  EXPECT_FLOAT_EQ(c.item(), 0.5f * (0.0625f + 0.25f));
  c.backward();
  EXPECT_FLOAT_EQ(a.grad()(0, 1), -0.5f);
  EXPECT_FLOAT_EQ(cross_entropy_cost(a, y).item(), -(std::log(0.75f) + std::log(0.5f)));
}

TEST(Cost, pairs_each_cost_with_its_output_and_fused_form) {
  const Matrix<double> z = test::uniform(5, 3, -3.0, 3.0);
  const Matrix<double> y = test::one_hot(test::random_labels(5, 3), 3);
  for (const Cost& cost : {Cost::quadratic(), Cost::quadratic(OutputActivation::identity),
                           Cost::cross_entropy(), Cost::log_likelihood()}) {
    SCOPED_TRACE(cost.name());
    const Vard zv(z);
    EXPECT_NEAR(cost.on_logits(zv, y).item(), cost.on_outputs(cost.activate(zv), y).item(), 1e-13);
    EXPECT_EQ(Cost::from_name(cost.name()).kind(), cost.kind());
  }
  EXPECT_EQ(Cost::cross_entropy().on_logits(Vard(z), y).op(),
            std::string("binary_cross_entropy_with_logits"));
  EXPECT_EQ(Cost::log_likelihood().on_logits(Vard(z), y).op(),
            std::string("softmax_log_likelihood"));
  EXPECT_EQ(Cost::log_likelihood().activate(Vard(z)).op(), std::string("softmax"));
  EXPECT_EQ(Cost::quadratic().output(), OutputActivation::sigmoid);
  EXPECT_EQ(Cost::cross_entropy().name(), "CrossEntropyCost");  // network2.py's JSON name
  expect_error<InvalidArgument>([] { Cost::from_name("HingeCost"); },
                                      {"unknown cost 'HingeCost'", "QuadraticCost"});
}

TEST(Penalty, weights_only_and_zero_without_weights) {
  const Matrix<double> w = test::uniform(3, 2), b = test::uniform(1, 2);
  Dense<double> layer(w, b);
  EXPECT_NEAR(l2_penalty(layer, 3.0, 10).item(), 3.0 / 20.0 * double(xt::sum(w * w)()), 1e-14);
  EXPECT_NEAR(l1_penalty(layer, 3.0, 10).item(), 3.0 / 10.0 * double(xt::sum(xt::abs(w))()),
              1e-14);
  const Vard penalty = l2_penalty(layer, 3.0, 10);
  penalty.backward();
  EXPECT_FALSE(layer.bias().has_grad());  // the bias is not part of the penalty at all
  Sigmoid<double> no_weights;
  EXPECT_EQ(l2_penalty(no_weights, 1.0, 5).item(), 0.0);
  EXPECT_EQ(l1_penalty(no_weights, 1.0, 5).item(), 0.0);
}

TEST(Losses, errors_name_the_shapes_and_values) {
  const Vard a(test::uniform(2, 3, 0.1, 0.9));
  const Matrix<double> y = xt::zeros<double>({2, 4});
  expect_error<ShapeError>(
      [&] { quadratic_cost(a, y); },
      {"quadratic_cost: targets have shape (2, 4)", "outputs have shape (2, 3)"});
  expect_error<ShapeError>([&] { cross_entropy_cost(a, y); }, {"cross_entropy_cost", "(2, 4)"});
  expect_error<ShapeError>([&] { log_likelihood_cost(a, y); }, {"log_likelihood_cost", "(2, 4)"});
  expect_error<ShapeError>([&] { log_likelihood_cost(a, std::vector<std::size_t>{0}); },
                           {"1 labels for outputs of shape (2, 3)"});
  expect_error<InvalidArgument>(
      [&] { log_likelihood_cost(a, std::vector<std::size_t>{0, 3}); },
      {"label 3 of row 1 is out of range", "below 3"});
  Dense<double> layer(2, 2, Init::standard, 1);
  expect_error<InvalidArgument>([&] { l2_penalty(layer, -1.0, 10); },
                                      {"l2_penalty: lambda = -1 must be finite and ≥ 0"});
  expect_error<InvalidArgument>([&] { l1_penalty(layer, 1.0, 0); },
                                      {"l1_penalty: n = 0, expected the training-set size"});
}

}  // namespace
}  // namespace xgrad
