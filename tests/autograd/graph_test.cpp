// Graph semantics: accumulation, ordering, freeing, NoGrad, ownership.

#include <memory>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

TEST(Graph, diamond_runs_each_node_once_and_accumulates) {
  // y = x², z = y·3 + y·2 → dz/dx = 5·2x; y is reached twice but its backward runs once.
  const Vard x(Matrix<double>({{1.5, -2.0}}), true);
  const Vard y = square(x);
  const Vard z = sum(y * 3.0 + y * 2.0);
  z.backward();
  EXPECT_EQ(x.grad(), Matrix<double>({{15.0, -20.0}}));
}

TEST(Graph, leaf_gradients_accumulate_until_zero_grad) {
  const Vard w(Matrix<double>({{2.0}}), true);
  sum(w * 3.0).backward();
  sum(w * 3.0).backward();
  EXPECT_EQ(w.grad()(0, 0), 6.0);
  w.zero_grad();
  EXPECT_FALSE(w.has_grad());
  sum(w * 4.0).backward();
  EXPECT_EQ(w.grad()(0, 0), 4.0);
}

TEST(Graph, inputs_without_requires_grad_get_no_gradient) {
  const Vard x(test::uniform(3, 4));
  const Vard w(test::uniform(4, 2), true);
  sum(matmul(x, w)).backward();
  EXPECT_TRUE(w.has_grad());
  EXPECT_FALSE(x.has_grad());
  EXPECT_THROW(x.grad(), GraphError);
}

TEST(Graph, graph_is_freed_when_the_last_handle_goes) {
  std::weak_ptr<Node<double>> hidden;
  const Vard w(test::uniform(3, 3), true);
  {
    const Vard h = tanh(matmul(Vard(test::uniform(2, 3)), w));
    hidden = h.node();
    const Vard loss = sum(h);
    // The loss holds the intermediate alive; nothing holds the loss.
    EXPECT_FALSE(hidden.expired());
  }
  EXPECT_TRUE(hidden.expired());
  EXPECT_EQ(w.node().use_count(), 1);  // only our handle: no cycle kept it
}

TEST(Graph, backward_frees_the_tape) {
  const Vard w(test::uniform(3, 3), true);
  const Vard loss = sum(tanh(w));
  std::weak_ptr<Node<double>> hidden = loss.node()->parents[0];
  loss.backward();
  EXPECT_TRUE(hidden.expired());  // backward dropped the link even though loss is alive
}

TEST(Graph, backward_twice_through_a_freed_graph_throws) {
  const Vard w(test::uniform(2, 2), true);
  const Vard h = sigmoid(w);
  const Vard loss = sum(h);
  loss.backward();
  EXPECT_THROW(loss.backward(), GraphError);
  // A new loss built on the freed intermediate cannot reach w either.
  EXPECT_THROW(sum(h * 2.0).backward(), GraphError);
}

TEST(Graph, retain_graph_allows_a_second_pass) {
  const Vard w(Matrix<double>({{1.0, 2.0}}), true);
  const Vard loss = sum(square(w));
  loss.backward({/*retain_graph=*/true});
  loss.backward();
  EXPECT_EQ(w.grad(), Matrix<double>({{4.0, 8.0}}));  // 2·2w
}

TEST(Graph, retain_grad_keeps_an_intermediate_gradient) {
  const Vard w(Matrix<double>({{0.5}}), true);
  const Vard z = w * 2.0;
  z.retain_grad();
  sum(square(z)).backward();
  EXPECT_EQ(z.grad()(0, 0), 2.0);  // d(z²)/dz at z = 1
}

TEST(Graph, no_grad_builds_no_graph) {
  const Vard w(test::uniform(3, 3), true);
  Vard out;
  {
    NoGrad guard;
    EXPECT_FALSE(grad_enabled());
    out = tanh(matmul(w, w));
  }
  EXPECT_TRUE(grad_enabled());
  EXPECT_FALSE(out.requires_grad());
  EXPECT_TRUE(out.node()->parents.empty());
  EXPECT_FALSE(out.node()->backward);
  EXPECT_THROW(sum(out).backward(), GraphError);
}

TEST(Graph, no_grad_nests) {
  NoGrad outer;
  {
    NoGrad inner;
  }
  EXPECT_FALSE(grad_enabled());
}

TEST(Graph, deep_chain_neither_overflows_backward_nor_destruction) {
  const Vard x(Matrix<double>({{1.0}}), true);
  {
    Vard y = x;
    for (int i = 0; i < 200000; ++i) y = y + 0.0;
    y.backward();
    EXPECT_EQ(x.grad()(0, 0), 1.0);
  }
  {
    Vard y = x;
    for (int i = 0; i < 200000; ++i) y = y * 1.0;
  }  // destroyed without backward: ~Node frees the chain iteratively
  SUCCEED();
}

TEST(Graph, backward_with_seed_is_a_vector_jacobian_product) {
  const Vard x(Matrix<double>({{1.0, 2.0}, {3.0, 4.0}}), true);
  const Vard y = x * 3.0;
  y.backward(Matrix<double>({{1.0, 0.0}, {0.5, 2.0}}));
  EXPECT_EQ(x.grad(), Matrix<double>({{3.0, 0.0}, {1.5, 6.0}}));
}

TEST(Graph, detach_stops_gradients) {
  const Vard w(Matrix<double>({{3.0}}), true);
  const Vard d = (w * 2.0).detach();
  EXPECT_TRUE(d.is_leaf());
  EXPECT_FALSE(d.requires_grad());
  sum(w * d).backward();
  EXPECT_EQ(w.grad()(0, 0), 6.0);
}

}  // namespace
}  // namespace xgrad
