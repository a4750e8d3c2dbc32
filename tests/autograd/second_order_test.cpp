// Second order: the functional grad(), backward with create_graph, Hessian-vector products,
// Jacobians and Hessians — checked against finite differences, including the full Hessian
// of the [5,4,3] and [6,5,4,3] test networks with each of the chapter's costs.

#include <cmath>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>
#include <xtensor-blas/xlinalg.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::uniform;

// ---- grad() -------------------------------------------------------------------------

TEST(Grad, returns_gradients_and_leaves_every_grad_untouched) {
  const Vard x(Matrix<double>({{1.0, 2.0}}), true);
  const Vard w(Matrix<double>({{3.0, -1.0}}), true);
  w.set_grad(Matrix<double>({{10.0, 10.0}}));
  const std::vector<Vard> g = grad(sum(x * w), {x});
  EXPECT_EQ(g[0].value(), (Matrix<double>{{3.0, -1.0}}));
  EXPECT_FALSE(x.has_grad());
  EXPECT_EQ(w.grad(), (Matrix<double>{{10.0, 10.0}}));  // not accumulated into
  EXPECT_FALSE(g[0].requires_grad());  // a plain value without create_graph
}

TEST(Grad, with_respect_to_an_intermediate_result) {
  const Vard x(Matrix<double>({{1.0, 2.0}}), true);
  const Vard h = x * 3.0;
  const std::vector<Vard> g = grad(sum(square(h)), {h, x});
  EXPECT_EQ(g[0].value(), (Matrix<double>{{6.0, 12.0}}));   // 2h
  EXPECT_EQ(g[1].value(), (Matrix<double>{{18.0, 36.0}}));  // 2h·3
}

TEST(Grad, unused_inputs_are_an_error_unless_allowed) {
  const Vard x(Matrix<double>({{1.0}}), true), y(Matrix<double>({{2.0}}), true);
  test::expect_error<GraphError>([&] { grad(x * 2.0, {x, y}); },
                                 {"does not depend on input 1", "allow_unused"});
  GradOptions o;
  o.allow_unused = true;
  const std::vector<Vard> g = grad(x * 2.0, {x, y}, o);
  EXPECT_EQ(g[0].item(), 2.0);
  EXPECT_FALSE(g[1].defined());
  test::expect_error<GraphError>([&] { grad(x * 2.0, {Vard(Matrix<double>({{1.0}}))}); },
                                 {"input 0 ('leaf', (1, 1)) does not require grad"});
  test::expect_error<GraphError>([&] { grad(x * Vard(Matrix<double>({{1.0, 2.0}})), {x}); },
                                 {"without a seed it must be 1×1"});
}

TEST(Grad, frees_the_graph_unless_retained) {
  const Vard x(Matrix<double>({{1.0}}), true);
  const Vard y = square(x);
  GradOptions keep;
  keep.retain_graph = true;
  EXPECT_EQ(grad(y, {x}, keep)[0].item(), 2.0);
  EXPECT_EQ(grad(y, {x})[0].item(), 2.0);
  test::expect_error<GraphError>([&] { grad(y, {x}); }, {"already freed"});
}

// ---- create_graph -------------------------------------------------------------------

TEST(CreateGraph, second_derivative_of_a_cubic) {
  // f = x³: f' = 3x², f'' = 6x.
  const Vard x(Matrix<double>({{2.0, -1.0}}), true);
  GradOptions o;
  o.create_graph = true;
  const Vard g = grad(sum(x * x * x), {x}, o)[0];
  EXPECT_EQ(g.value(), (Matrix<double>{{12.0, 3.0}}));
  EXPECT_TRUE(g.requires_grad());
  const Vard h = grad(sum(g), {x})[0];
  EXPECT_EQ(h.value(), (Matrix<double>{{12.0, -6.0}}));
}

TEST(CreateGraph, backward_keeps_the_gradient_as_a_graph) {
  const Vard x(Matrix<double>({{3.0}}), true);
  square(x).backward(BackwardOptions{false, true});
  EXPECT_EQ(x.grad()(0, 0), 6.0);  // also as a value
  const Vard g = x.grad_var();
  EXPECT_TRUE(g.requires_grad());
  x.zero_grad();  // breaks the leaf ↔ gradient cycle; g still holds the graph
  g.backward();
  EXPECT_EQ(x.grad()(0, 0), 2.0);
}

TEST(CreateGraph, third_derivative) {
  const Vard x(Matrix<double>({{0.5}}), true);
  GradOptions o;
  o.create_graph = true;
  const Vard d1 = grad(exp(x * 2.0), {x}, o)[0];
  const Vard d2 = grad(d1, {x}, o)[0];
  const Vard d3 = grad(d2, {x})[0];
  EXPECT_NEAR(d3.item(), 8.0 * std::exp(1.0), 1e-12);
}

TEST(CreateGraph, runs_under_nograd_too) {
  const Vard x(Matrix<double>({{3.0}}), true);
  const Vard y = square(x);
  NoGrad no_grad;
  GradOptions o;
  o.create_graph = true;
  EXPECT_TRUE(grad(y, {x}, o)[0].requires_grad());
}

// ---- hvp, jacobian, hessian ---------------------------------------------------------

// Central differences of the gradient of f along each parameter element.
Matrix<double> finite_difference_hessian(const ScalarFunction<double>& f,
                                         const std::vector<Vard>& params, double h = 1e-5) {
  std::size_t n = 0;
  for (const auto& p : params) n += p.size();
  Matrix<double> hess = xt::zeros<double>({n, n});
  const auto flat_grad = [&] {
    const std::vector<Vard> g = grad(f(), params);
    std::vector<double> out;
    for (const auto& gi : g) out.insert(out.end(), gi.value().begin(), gi.value().end());
    return out;
  };
  std::size_t col = 0;
  for (const auto& p : params) {
    for (std::size_t k = 0; k < p.size(); ++k, ++col) {
      const double saved = p.value().flat(k);
      p.mutable_value().flat(k) = saved + h;
      const auto plus = flat_grad();
      p.mutable_value().flat(k) = saved - h;
      const auto minus = flat_grad();
      p.mutable_value().flat(k) = saved;
      for (std::size_t r = 0; r < n; ++r) hess(r, col) = (plus[r] - minus[r]) / (2 * h);
    }
  }
  return hess;
}

void expect_close(const Matrix<double>& got, const Matrix<double>& want, double tol,
                  const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  double worst = 0;
  for (std::size_t k = 0; k < got.size(); ++k) {
    worst = std::max(worst, std::abs(got.flat(k) - want.flat(k)) /
                                std::max(1.0, std::abs(want.flat(k))));
  }
  EXPECT_LE(worst, tol) << what;
}

void expect_symmetric(const Matrix<double>& h, const std::string& what) {
  for (std::size_t i = 0; i < h.shape()[0]; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      EXPECT_NEAR(h(i, j), h(j, i), 1e-12 * std::max(1.0, std::abs(h(i, j)))) << what;
    }
  }
}

TEST(Hessian, of_a_function_of_a_matrix_against_the_closed_form) {
  // f(x) = Σ x_i² x_j over all pairs (i, j) = (Σx²)(Σx): ∂²f/∂x_i∂x_j = 2x_i + 2x_j
  // (+ 2Σx on the diagonal).
  const Matrix<double> x = {{0.5, -1.0}, {2.0, 0.25}};
  const Matrix<double> h =
      hessian<double>([](const Vard& v) { return sum(square(v)) * sum(v); }, x);
  const double total = xt::sum(x)();
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      EXPECT_NEAR(h(i, j), 2 * x.flat(i) + 2 * x.flat(j) + (i == j ? 2 * total : 0.0), 1e-12);
    }
  }
}

TEST(Jacobian, of_softmax_is_diag_a_minus_a_a_transposed) {
  const Matrix<double> z = {{0.3, -1.2, 2.0}};
  const Matrix<double> j = jacobian<double>([](const Vard& v) { return softmax(v); }, z);
  const Matrix<double> a = softmax(Vard(z)).value();
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) {
      EXPECT_NEAR(j(r, c), (r == c ? a(0, r) : 0.0) - a(0, r) * a(0, c), 1e-15);
    }
  }
}

// The book's test networks: sigmoid hidden layers through the fused dense op, and each of
// the chapter's costs on the last layer's logits.
struct TestNetwork {
  std::vector<Vard> params;  // W1, b1, W2, b2, …
  Matrix<double> x, y;
  std::vector<std::size_t> labels;
};

TestNetwork make_network(const std::vector<std::size_t>& sizes, std::size_t batch) {
  TestNetwork net;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    net.params.emplace_back(uniform(sizes[l], sizes[l + 1], -1.0, 1.0), true);
    net.params.emplace_back(uniform(1, sizes[l + 1], -0.5, 0.5), true);
  }
  net.x = uniform(batch, sizes.front(), 0.0, 1.0);
  net.labels = test::random_labels(batch, sizes.back());
  net.y = test::one_hot(net.labels, sizes.back());
  return net;
}

Vard logits(const TestNetwork& net) {
  Vard a(net.x);
  for (std::size_t i = 0; i + 2 < net.params.size(); i += 2) {
    a = linear(a, net.params[i], net.params[i + 1], Activation::sigmoid);
  }
  return linear(a, net.params[net.params.size() - 2], net.params.back());
}

const std::vector<std::pair<const char*, Vard (*)(const TestNetwork&)>>& costs() {
  static const std::vector<std::pair<const char*, Vard (*)(const TestNetwork&)>> all = {
      {"quadratic", [](const TestNetwork& n) {
         return 0.5 * sum(square(sigmoid(logits(n)) - Vard(n.y))) / double(n.x.shape()[0]);
       }},
      {"cross-entropy", [](const TestNetwork& n) {
         return binary_cross_entropy_with_logits(logits(n), n.y);
       }},
      {"log-likelihood", [](const TestNetwork& n) {
         return softmax_log_likelihood(logits(n), n.labels);
       }}};
  return all;
}

void check_network_hessian(const std::vector<std::size_t>& sizes) {
  const TestNetwork net = make_network(sizes, 3);
  for (const auto& [name, cost] : costs()) {
    const ScalarFunction<double> f = [&net, cost = cost] { return cost(net); };
    const Matrix<double> h = hessian(f, net.params);
    const std::string what = std::string(name) + " on " + std::to_string(sizes.size()) + " layers";
    expect_symmetric(h, what);
    expect_close(h, finite_difference_hessian(f, net.params), 1e-7, what);
    // hvp agrees with the Hessian times a random vector.
    std::vector<Matrix<double>> v;
    std::size_t n = 0;
    for (const auto& p : net.params) {
      v.push_back(uniform(p.shape()[0], p.shape()[1]));
      n += p.size();
    }
    const std::vector<Matrix<double>> hv = hvp(f, net.params, v);
    Matrix<double> flat_v = xt::empty<double>({n, std::size_t(1)});
    Matrix<double> flat_hv = xt::empty<double>({n, std::size_t(1)});
    std::size_t k = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      for (std::size_t e = 0; e < v[i].size(); ++e, ++k) {
        flat_v(k, 0) = v[i].flat(e);
        flat_hv(k, 0) = hv[i].flat(e);
      }
    }
    expect_close(flat_hv, xt::linalg::dot(h, flat_v), 1e-12, what + " hvp");
  }
}

TEST(Hessian, network_5_4_3_each_cost_against_finite_differences) { check_network_hessian({5, 4, 3}); }
TEST(Hessian, network_6_5_4_3_each_cost_against_finite_differences) {
  check_network_hessian({6, 5, 4, 3});
}

TEST(Hvp, errors_name_the_block) {
  const Vard w(Matrix<double>({{1.0, 2.0}}), true);
  test::expect_error<ShapeError>(
      [&] { hvp<double>([&] { return sum(square(w)); }, {w}, {Matrix<double>({{1.0}})}); },
      {"direction block 0 has shape (1, 1), parameter 0 has (1, 2)"});
}

TEST(Hvp, of_a_linear_function_is_zero) {
  const Vard w(Matrix<double>({{1.0, 2.0}}), true);
  const auto hv = hvp<double>([&] { return sum(w * 3.0); }, {w}, {Matrix<double>({{1.0, 1.0}})});
  EXPECT_EQ(hv[0], (Matrix<double>{{0.0, 0.0}}));
}

}  // namespace
}  // namespace xgrad
