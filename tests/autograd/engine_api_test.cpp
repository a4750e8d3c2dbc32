// The engine's public API beyond the ops: retain_grad() and the root's gradient as in
// PyTorch, scalars of any arithmetic type, set_grad(), new primitive ops with make_op(),
// and the conventions each op's header states.

#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

// ---- retain_grad() and the root, as in PyTorch ----------------------------------------

TEST(RetainGrad, accumulates_over_passes_like_pytorch) {
  // p = [1, 2], v = 3p, s = Σv; s.backward(retain_graph) twice: PyTorch gives v.grad = [2, 2].
  const Vard p(Matrix<double>({{1.0, 2.0}}), true);
  const Vard v = p * 3.0;
  v.retain_grad();
  const Vard s = sum(v);
  s.backward({true});
  s.backward({true});
  EXPECT_EQ(v.grad(), (Matrix<double>{{2.0, 2.0}}));
  EXPECT_EQ(p.grad(), (Matrix<double>{{6.0, 6.0}}));
  v.zero_grad();
  EXPECT_FALSE(v.has_grad());
  s.backward();
  EXPECT_EQ(v.grad(), (Matrix<double>{{1.0, 1.0}}));
}

TEST(RetainGrad, a_pass_propagates_only_its_own_gradient) {
  // v's kept gradient must not leak into the next pass: p gets 3 per pass.
  const Vard p(Matrix<double>({{1.0}}), true);
  const Vard v = p * 3.0;
  v.retain_grad();
  const Vard s = sum(v);
  for (int pass = 1; pass <= 3; ++pass) {
    s.backward({true});
    EXPECT_EQ(p.grad()(0, 0), 3.0 * pass);
    EXPECT_EQ(v.grad()(0, 0), 1.0 * pass);
  }
}

TEST(RetainGrad, the_root_keeps_no_gradient_unless_retained) {
  const Vard p(Matrix<double>({{1.0, 2.0}}), true);
  const Vard s = sum(p * p);
  s.backward({true});
  EXPECT_FALSE(s.has_grad());
  test::expect_error<GraphError>([&] { (void)s.grad(); },
                                 {"non-leaf gradients are kept only after retain_grad()"});
  s.retain_grad();
  s.backward();
  EXPECT_EQ(s.grad()(0, 0), 1.0);
}

// ---- Scalars of any arithmetic type -----------------------------------------------------

TEST(Scalars, any_arithmetic_type_on_either_side) {
  const Varf a(Matrix<float>({{2.0f, 4.0f}}));
  EXPECT_EQ((1 - a).value(), (Matrix<float>{{-1.0f, -3.0f}}));
  EXPECT_EQ((2 * a).value(), (Matrix<float>{{4.0f, 8.0f}}));
  EXPECT_EQ((a * 0.5).value(), (Matrix<float>{{1.0f, 2.0f}}));
  EXPECT_EQ((a + 1u).value(), (Matrix<float>{{3.0f, 5.0f}}));
  EXPECT_EQ((3L + a).value(), (Matrix<float>{{5.0f, 7.0f}}));
  EXPECT_EQ((a - 1.0).value(), (Matrix<float>{{1.0f, 3.0f}}));
  EXPECT_EQ((a / 2).value(), (Matrix<float>{{1.0f, 2.0f}}));
  EXPECT_EQ((8 / a).value(), (Matrix<float>{{4.0f, 2.0f}}));
  const Vard d(Matrix<double>({{2.0}}), true);
  const Vard y = 3 * d * d - 1 + 2.5f / d;
  y.backward();
  EXPECT_DOUBLE_EQ(d.grad()(0, 0), 12.0 - 2.5 / 4.0);
}

// ---- set_grad() ----------------------------------------------------------------------

TEST(SetGrad, gives_a_gradient_before_any_backward_pass) {
  const Vard w(Matrix<double>({{1.0, 2.0}}), true);
  EXPECT_FALSE(w.has_grad());
  w.set_grad(xt::zeros<double>({1, 2}));
  EXPECT_TRUE(w.has_grad());
  w.mutable_grad() += 1.5;  // e.g. gradient clipping, allreduce
  EXPECT_EQ(w.grad(), (Matrix<double>{{1.5, 1.5}}));
  sum(w * 2.0).backward();  // accumulates onto it like any gradient
  EXPECT_EQ(w.grad(), (Matrix<double>{{3.5, 3.5}}));
  test::expect_error<ShapeError>([&] { w.set_grad(Matrix<double>({{1.0}})); },
                                 {"set_grad(): gradient of shape (1, 1) for a Var of shape (1, 2)"});
}

// ---- New primitive ops --------------------------------------------------------------

// softplus(z) = ln(1 + e^z), stably: max(z, 0) + log1p(e^(−|z|)); ∂/∂z = σ(z).
Vard softplus(const Vard& z) {
  Matrix<double> value = xt::maximum(z.value(), 0.0) + xt::log1p(xt::exp(-xt::abs(z.value())));
  return make_op<double>("softplus", std::move(value), {z},
                         [](const BackwardContext<double>& c) -> Grads<double> {
                           return {c.grad_output * sigmoid(c.inputs[0])};
                         });
}

TEST(CustomOp, softplus_passes_gradcheck_and_gradgradcheck) {
  const auto f = [](const std::vector<Vard>& v) { return softplus(v[0]); };
  const std::vector<Matrix<double>> inputs = {test::uniform(3, 4, -5.0, 5.0)};
  const GradcheckResult first = gradcheck(f, inputs, "softplus");
  EXPECT_TRUE(first.passed) << first.message;
  const GradcheckResult second = gradgradcheck(f, inputs, "softplus");
  EXPECT_TRUE(second.passed) << second.message;
}

TEST(CustomOp, two_inputs_with_broadcast_gradients_and_the_saved_output) {
  // f(a, b) = a ⊙ e^b with b a row vector: ∂/∂a = G ⊙ e^b, ∂/∂b = Σ_rows G ⊙ out.
  const auto f = [](const std::vector<Vard>& v) {
    Matrix<double> value = v[0].value() * xt::exp(v[1].value());
    return make_op<double>("scaled_exp", std::move(value), {v[0], v[1]},
                           [](const BackwardContext<double>& c) -> Grads<double> {
                             return {c.needs_input_grad(0) ? c.grad_output * exp(c.inputs[1]) : Vard(),
                                     c.grad_output * c.output};  // summed back to (1, n)
                           });
  };
  const std::vector<Matrix<double>> inputs = {test::uniform(3, 4), test::uniform(1, 4)};
  EXPECT_TRUE(gradcheck(f, inputs, "scaled_exp").passed);
  EXPECT_TRUE(gradgradcheck(f, inputs, "scaled_exp").passed);
}

TEST(CustomOp, plays_well_with_nograd_retain_graph_and_freeing) {
  const Vard z(Matrix<double>({{0.0, 1.0}}), true);
  {
    NoGrad no_grad;
    const Vard y = softplus(z);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
  }
  const Vard y = sum(softplus(z));
  EXPECT_STREQ(softplus(z).op(), "softplus");
  y.backward({true});
  y.backward();  // the tape was kept once
  EXPECT_NEAR(z.grad()(0, 0), 2 * 0.5, 1e-15);
  test::expect_error<GraphError>([&] { y.backward(); }, {"already freed"});
}

TEST(CustomOp, misuse_gives_clear_errors) {
  const Vard z(Matrix<double>({{1.0}}), true);
  const Vard wrong_count = make_op<double>("two_grads", Matrix<double>({{1.0}}), {z},
                                           [](const BackwardContext<double>& c) -> Grads<double> {
                                             return {c.grad_output, c.grad_output};
                                           });
  test::expect_error<GraphError>([&] { wrong_count.backward(); },
                                 {"backward of 'two_grads' returned 2 gradients for 1 inputs"});
  const Vard row(Matrix<double>({{1.0, 2.0}}), true);
  const Vard wrong_shape = make_op<double>("bad_shape", Matrix<double>({{1.0}}), {row},
                                           [](const BackwardContext<double>&) -> Grads<double> {
                                             return {Vard(Matrix<double>({{1.0, 2.0, 3.0}}))};
                                           });
  test::expect_error<ShapeError>([&] { wrong_shape.backward(); },
                                 {"backward of 'bad_shape': a gradient of shape (1, 3) for an "
                                  "input of shape (1, 2)"});
  test::expect_error<GraphError>(
      [&] { make_op<double>("no_backward", Matrix<double>({{1.0}}), {z}, {}); },
      {"make_op('no_backward'): no backward function"});
}

TEST(CustomOp, an_op_without_a_differentiable_backward_says_so_under_create_graph) {
  // Ops made by make_op() always have one; this checks the engine's message for one that
  // does not (a Node with only a matrix backward).
  const Vard z(Matrix<double>({{2.0}}), true);
  auto node = std::make_shared<Node<double>>();
  node->value = Matrix<double>({{4.0}});
  node->op = "matrix_only";
  node->requires_grad = true;
  node->parents.push_back(z.node());
  node->backward = [](Node<double>& self) { accumulate_grad(*self.parents[0], self.grad * 4.0); };
  const Vard y(node);
  GradOptions o;
  o.create_graph = true;
  test::expect_error<GraphError>([&] { grad(y, {z}, o); },
                                 {"'matrix_only' has no differentiable backward"});
  EXPECT_EQ(grad(y, {z})[0].item(), 4.0);  // first order works
}

// ---- Conventions stated in the headers --------------------------------------------------

TEST(Conventions, mean_of_an_empty_matrix_is_zero) {
  const Vard empty(Matrix<double>(xt::zeros<double>({0, 3})), true);
  const Vard m = mean(empty);
  EXPECT_EQ(m.item(), 0.0);
  m.backward();
  EXPECT_EQ(empty.grad().size(), 0u);
  EXPECT_EQ(mean(Vard(Matrix<double>(xt::zeros<double>({0, 3}))), 0).value(),
            (Matrix<double>{{0.0, 0.0, 0.0}}));
  // The fused losses of an empty batch are 0 too.
  const Vard z(Matrix<double>(xt::zeros<double>({0, 2})), true);
  EXPECT_EQ(binary_cross_entropy_with_logits(z, Matrix<double>(xt::zeros<double>({0, 2}))).item(), 0.0);
  EXPECT_EQ(softmax_log_likelihood(z, std::vector<std::size_t>{}).item(), 0.0);
}

TEST(Conventions, xlogy_at_zero_and_its_gradient) {
  const Vard y(Matrix<double>({{0.0, 0.5, 0.0}}), true);
  const Vard out = xlogy(Matrix<double>({{0.0, 2.0, 0.0}}), y);
  EXPECT_EQ(out.value()(0, 0), 0.0);  // 0·ln 0 = 0
  EXPECT_DOUBLE_EQ(out.value()(0, 1), 2.0 * std::log(0.5));
  sum(out).backward();
  EXPECT_EQ(y.grad()(0, 0), 0.0);  // and its gradient 0, not NaN
  EXPECT_DOUBLE_EQ(y.grad()(0, 1), 4.0);
}

TEST(Conventions, cross_entropy_at_a_equal_to_y_in_0_and_1) {
  const Vard a(Matrix<double>({{0.0, 1.0}}), true);
  const Vard c = cross_entropy_cost(a, Matrix<double>({{0.0, 1.0}}));
  EXPECT_EQ(c.item(), 0.0);
  c.backward();
  // ∂C/∂a = −y/a + (1 − y)/(1 − a) with 0·(1/0) taken as 0: finite where a = y.
  EXPECT_TRUE(std::isfinite(a.grad()(0, 0)) && std::isfinite(a.grad()(0, 1)));
}

TEST(Conventions, relu_and_abs_subgradients_at_zero_are_zero) {
  const Vard z(Matrix<double>({{0.0, -0.0}}), true);
  sum(relu(z) + abs(z)).backward();
  EXPECT_EQ(z.grad(), (Matrix<double>{{0.0, 0.0}}));
}

TEST(Conventions, fused_losses_average_over_rows_not_elements) {
  // 2 rows × 3 columns of logits 0: BCE per element ln 2, summed over a row's 3 columns and
  // averaged over the 2 rows — 3 ln 2, where PyTorch's default mean gives ln 2.
  const Vard z(Matrix<double>(xt::zeros<double>({2, 3})), true);
  EXPECT_DOUBLE_EQ(binary_cross_entropy_with_logits(z, Matrix<double>(xt::zeros<double>({2, 3}))).item(),
                   3 * std::log(2.0));
  EXPECT_DOUBLE_EQ(softmax_log_likelihood(z, std::vector<std::size_t>{0, 2}).item(), std::log(3.0));
}

}  // namespace
}  // namespace xgrad

// AddressSanitizer (GCC's macro, clang's feature test) replaces glibc's allocator.
#if defined(__SANITIZE_ADDRESS__)
#define XGRAD_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XGRAD_TEST_ASAN 1
#endif
#endif

namespace xgrad {
namespace {

// Whether this Linux hands out transparent huge pages on request ("always" or "madvise").
bool huge_pages_on_request() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  return std::getline(f, line) && line.find("[never]") == std::string::npos;
}

// Whether some part of the brk heap carries MADV_HUGEPAGE ("hg" in /proc/self/smaps).
[[maybe_unused]] bool heap_has_huge_page_advice() {  // unused under the sanitizers
  std::ifstream smaps("/proc/self/smaps");
  bool in_heap = false;
  for (std::string line; std::getline(smaps, line);) {
    if (line.find("[heap]") != std::string::npos) in_heap = true;
    if (in_heap && line.rfind("VmFlags:", 0) == 0) {
      if ((line + " ").find(" hg ") != std::string::npos) return true;
      in_heap = false;
    }
  }
  return false;
}

TEST(Memory, advise_huge_pages_covers_the_whole_huge_pages_inside_a_buffer) {
  EXPECT_FALSE(advise_huge_pages(nullptr, std::size_t(8) << 20));
  std::vector<float> small(1000);
  EXPECT_FALSE(advise_huge_pages(small.data(), small.size() * sizeof(float)));  // no whole 2 MiB page
  std::vector<float> big;
  big.reserve(std::size_t(3) << 20);  // 12 MiB, not yet touched
  const bool advised = advise_huge_pages(big.data(), big.capacity() * sizeof(float));
#if defined(__linux__)
  if (huge_pages_on_request()) {
    EXPECT_TRUE(advised);
  }
#else
  EXPECT_FALSE(advised);
#endif
  big.assign(big.capacity(), 0.5f);  // the memory is filled and read as before
  EXPECT_EQ(std::accumulate(big.begin(), big.end(), 0.0), 0.5 * double(big.size()));
}

TEST(Memory, reuse_large_buffers_takes_effect_with_glibc) {
#if defined(XGRAD_TEST_ASAN)
  // The sanitizer's allocator refuses mallopt: a no-op then.
  EXPECT_FALSE(reuse_large_buffers());
#elif defined(__GLIBC__)
  EXPECT_TRUE(reuse_large_buffers());
  if (huge_pages_on_request()) {
    EXPECT_TRUE(heap_has_huge_page_advice());  // its first ~512 MiB, for cheap page faults
  }
  // Still allocates and frees as before.
  const Vard big(Matrix<double>(xt::ones<double>({1000, 1000})), true);
  sum(big * 2.0).backward();
  EXPECT_EQ(big.grad()(999, 999), 2.0);
#else  // another C library
  EXPECT_FALSE(reuse_large_buffers());
#endif
}

}  // namespace
}  // namespace xgrad
