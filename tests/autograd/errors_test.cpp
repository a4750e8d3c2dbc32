// Misuse produces the documented exceptions with messages naming the op and the shapes.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;

const Vard a(test::uniform(2, 3));
const Vard b(test::uniform(4, 5));

TEST(Errors, elementwise_shape_mismatch_names_op_and_shapes) {
  expect_error<ShapeError>([] { add(a, b); }, {"add", "(2, 3)", "(4, 5)"});
  expect_error<ShapeError>([] { sub(a, b); }, {"sub", "(2, 3)", "(4, 5)"});
  expect_error<ShapeError>([] { mul(a, b); }, {"mul", "(2, 3)", "(4, 5)"});
  expect_error<ShapeError>([] { div(a, b); }, {"div", "(2, 3)", "(4, 5)"});
  // A row vector of the wrong width does not broadcast either.
  expect_error<ShapeError>([] { a + Vard(test::uniform(1, 4)); }, {"add", "(2, 3)", "(1, 4)"});
}

TEST(Errors, matmul_inner_dimensions) {
  expect_error<ShapeError>([] { matmul(a, b); }, {"matmul", "(2, 3)", "(4, 5)"});
}

TEST(Errors, linear_shapes) {
  expect_error<ShapeError>([] { linear(a, b, Vard(test::uniform(1, 5))); },
                           {"linear", "(2, 3)", "(4, 5)", "(1, 5)"});
  expect_error<ShapeError>([] { linear(a, Vard(test::uniform(3, 4)), Vard(test::uniform(1, 3))); },
                           {"linear", "bias (1, 3)"});
  expect_error<ShapeError>([] { linear(a, b, Vard(test::uniform(1, 5)), Activation::tanh); },
                           {"linear_tanh", "(2, 3)", "(4, 5)", "(1, 5)"});
}

TEST(Errors, reshape_element_count) {
  expect_error<ShapeError>([] { reshape(a, 4, 2); }, {"reshape", "(2, 3)", "(4, 2)"});
}

TEST(Errors, mask_shape) {
  expect_error<ShapeError>([] { apply_mask(a, Matrix<double>(xt::ones<double>({3, 2}))); },
                           {"apply_mask", "(3, 2)", "(2, 3)"});
}

TEST(Errors, reduction_axis) {
  expect_error<InvalidArgument>([] { sum(a, 2); }, {"sum", "axis 2"});
  expect_error<InvalidArgument>([] { mean(a, -1); }, {"mean", "axis -1"});
}

TEST(Errors, losses_check_targets) {
  expect_error<ShapeError>(
      [] { binary_cross_entropy_with_logits(a, Matrix<double>(xt::zeros<double>({2, 4}))); },
      {"binary_cross_entropy_with_logits", "(2, 4)", "(2, 3)"});
  expect_error<ShapeError>([] { softmax_log_likelihood(a, std::vector<std::size_t>{0}); },
                           {"softmax_log_likelihood", "1 labels", "(2, 3)"});
  expect_error<InvalidArgument>(
      [] { softmax_log_likelihood(a, std::vector<std::size_t>{0, 3}); },
      {"label 3", "row 1", "3 classes"});
  expect_error<ShapeError>(
      [] { softmax_log_likelihood(a, Matrix<double>(xt::zeros<double>({3, 3}))); },
      {"softmax_log_likelihood", "(3, 3)", "(2, 3)"});
}

TEST(Errors, backward_on_non_scalar_without_seed) {
  const Vard w(test::uniform(2, 3), true);
  expect_error<GraphError>([&] { (w * 2.0).backward(); }, {"(2, 3)", "1×1", "seed"});
}

TEST(Errors, backward_on_var_without_grad) {
  expect_error<GraphError>([] { sum(a).backward(); }, {"does not require grad"});
}

TEST(Errors, backward_seed_shape) {
  const Vard w(test::uniform(2, 3), true);
  expect_error<ShapeError>([&] { (w * 2.0).backward(Matrix<double>(xt::ones<double>({3, 2}))); },
                           {"seed", "(3, 2)", "(2, 3)"});
}

TEST(Errors, item_on_non_scalar) {
  expect_error<ShapeError>([] { a.item(); }, {"item", "(2, 3)"});
}

TEST(Errors, empty_var) {
  expect_error<GraphError>([] { Vard().value(); }, {"empty Var"});
}

TEST(Errors, requires_grad_only_on_leaves) {
  const Vard w(test::uniform(2, 2), true);
  expect_error<GraphError>([&] { tanh(w).set_requires_grad(false); }, {"leaves", "tanh"});
}

}  // namespace
}  // namespace xgrad
