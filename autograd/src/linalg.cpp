#include "xgrad/autograd/linalg.hpp"
#include "xgrad/autograd/linear.hpp"

#include <fmt/format.h>
#include <xtensor/xmanipulation.hpp>

#include "xgrad/autograd/blas.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/reduction.hpp"
#include "kernels.hpp"

namespace xgrad {
namespace {

// c = op(A)·op(B) + beta·c for whole matrices, through the engine's one GEMM (blas.hpp).
template <class T>
void gemm_into(const Matrix<T>& a, bool trans_a, const Matrix<T>& b, bool trans_b, T beta,
               Matrix<T>& c) {
  const std::size_t m = c.shape()[0], n = c.shape()[1];
  const std::size_t k = trans_a ? a.shape()[0] : a.shape()[1];
  gemm(trans_a, trans_b, m, n, k, a.data(), std::max<std::size_t>(1, a.shape()[1]), b.data(),
       std::max<std::size_t>(1, b.shape()[1]), beta, c.data(), std::max<std::size_t>(1, n));
}

// dst (+)= op(A)·op(B) in one GEMM: beta = 1 accumulates into an existing gradient, so the
// backward pass needs neither a transposed copy nor a temporary product.
template <class T>
void gemm_into_grad(Node<T>& dst, const Matrix<T>& a, bool trans_a, const Matrix<T>& b,
                    bool trans_b) {
  if (trans_a && !trans_b && a.shape()[0] <= dst.factored_grad_max_rows && !dst.has_grad &&
      dst.is_leaf()) {
    dst.grad_left = a;  // Aᵀ·B kept as its factors (Var::accept_factored_grad()); the
    dst.grad_right = b;  // buffers are reused from step to step
    dst.grad_factored = true;
    dst.has_grad = true;
    return;
  }
  materialize_grad(dst);
  if (!dst.has_grad && dst.grad.shape() != dst.value.shape()) dst.grad.resize(dst.value.shape());
  gemm_into(a, trans_a, b, trans_b, dst.has_grad ? T(1) : T(0), dst.grad);  // k = 0 gives 0
  dst.has_grad = true;
}

}  // namespace

// The product gemm_into_grad() left as factors, by the same call it skipped.
template <class T>
void detail::multiply_grad_factors(Node<T>& n) {
  if (n.grad.shape() != n.value.shape()) n.grad.resize(n.value.shape());
  gemm_into(n.grad_left, true, n.grad_right, false, T(0), n.grad);
  n.grad_factored = false;
}

namespace {

// x·W + b, after checking the shapes (the error names `op`).
template <class T>
Matrix<T> affine(const Var<T>& x, const Var<T>& w, const Var<T>& b, const char* op) {
  const Shape sx = x.shape(), sw = w.shape(), sb = b.shape();
  if (sx[1] != sw[0] || sb[0] != 1 || sb[1] != sw[1]) {
    throw ShapeError(fmt::format(
        "{}: input {}, weights {} and bias {} do not fit (expected input (m, k), weights "
        "(k, n) and bias (1, n))",
        op, shape_string(sx), shape_string(sw), shape_string(sb)));
  }
  const std::size_t m = sx[0], n = sw[1];
  Matrix<T> out = xt::empty<T>({m, n});
  for (std::size_t i = 0; i < m; ++i) std::copy_n(b.value().data(), n, out.data() + i * n);
  gemm_into(x.value(), false, w.value(), false, T(1), out);  // out = b + x·W
  return out;
}

// Pushes g = ∂/∂(x·W + b) of a linear node (parents x, W, b) into the parents' gradients.
template <class T>
void affine_backward(Node<T>& self, const Matrix<T>& g) {
  Node<T>& in = *self.parents[0];
  Node<T>& weight = *self.parents[1];
  Node<T>& bias = *self.parents[2];
  if (in.requires_grad) gemm_into_grad(in, g, false, weight.value, true);  // G·Wᵀ
  if (weight.requires_grad) gemm_into_grad(weight, in.value, true, g, false);  // xᵀ·G
  if (bias.requires_grad) accumulate_broadcast_grad(bias, g);  // Σ over rows
}

// The same as recorded ops (a create_graph pass), from dz = ∂/∂(x·W + b):
// ∂/∂x = dz·Wᵀ, ∂/∂W = xᵀ·dz, ∂/∂b = Σ_rows dz.
template <class T>
Grads<T> affine_grads(const BackwardContext<T>& c, const Var<T>& dz) {
  return {c.needs_input_grad(0) ? matmul(dz, transpose(c.inputs[1])) : Var<T>(),
          c.needs_input_grad(1) ? matmul(transpose(c.inputs[0]), dz) : Var<T>(),
          c.needs_input_grad(2) ? sum(dz, 0) : Var<T>()};
}

const char* fused_op_name(Activation act) {
  switch (act) {
    case Activation::identity: return "linear";
    case Activation::sigmoid: return "linear_sigmoid";
    case Activation::tanh: return "linear_tanh";
    case Activation::relu: return "linear_relu";
  }
  return "linear";
}

}  // namespace

template <class T>
Var<T> matmul(const Var<T>& a, const Var<T>& b) {
  const Shape sa = a.shape(), sb = b.shape();
  if (sa[1] != sb[0]) {
    throw ShapeError(fmt::format(
        "matmul: shapes {} and {} are not aligned (columns of the left operand, {}, must equal "
        "rows of the right, {})",
        shape_string(sa), shape_string(sb), sa[1], sb[0]));
  }
  Matrix<T> out = xt::empty<T>({sa[0], sb[1]});
  gemm_into(a.value(), false, b.value(), false, T(0), out);  // beta = 0: out need not be set
  return detail::make_result<T>(std::move(out), "matmul", {&a, &b}, [](Node<T>& self) {
    Node<T>& x = *self.parents[0];
    Node<T>& y = *self.parents[1];
    if (x.requires_grad) gemm_into_grad(x, self.grad, false, y.value, true);  // G·Bᵀ
    if (y.requires_grad) gemm_into_grad(y, x.value, true, self.grad, false);  // Aᵀ·G
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    const Var<T>& g = c.grad_output;
    return {c.needs_input_grad(0) ? matmul(g, transpose(c.inputs[1])) : Var<T>(),
            c.needs_input_grad(1) ? matmul(transpose(c.inputs[0]), g) : Var<T>()};
  });
}

template <class T>
Var<T> linear(const Var<T>& x, const Var<T>& w, const Var<T>& b) {
  return detail::make_result<T>(affine(x, w, b, "linear"), "linear", {&x, &w, &b},
                                [](Node<T>& self) { affine_backward(self, self.grad); },
                                [](const BackwardContext<T>& c) { return affine_grads(c, c.grad_output); });
}

template <class T>
Var<T> linear(const Var<T>& x, const Var<T>& w, const Var<T>& b, Activation act) {
  if (act == Activation::identity) return linear(x, w, b);
  const char* name = fused_op_name(act);
  Matrix<T> a = affine(x, w, b, name);
  detail::activate(act, a.data(), a.data(), a.size());
  return detail::make_result<T>(std::move(a), name, {&x, &w, &b}, [act](Node<T>& self) {
    // ∂/∂z = G ⊙ act'(a) into a per-thread scratch reused from step to step: the GEMMs
    // below consume it before this function returns.
    thread_local Matrix<T> dz;
    if (dz.shape() != self.value.shape()) dz.resize(self.value.shape());
    detail::activation_grad(act, self.grad.data(), self.value.data(), dz.data(), dz.size());
    affine_backward(self, dz);
  }, [act](const BackwardContext<T>& c) {
    return affine_grads(c, detail::activation_grad_graph(act, c.grad_output, c.output));
  });
}

template <class T>
Var<T> transpose(const Var<T>& a) {
  return detail::make_result<T>(xt::transpose(a.value()), "transpose", {&a}, [](Node<T>& self) {
    accumulate_grad(*self.parents[0], xt::transpose(self.grad));
  }, [](const BackwardContext<T>& c) -> Grads<T> { return {transpose(c.grad_output)}; });
}

#define XGRAD_INSTANTIATE(T)                                  \
  template Var<T> matmul<T>(const Var<T>&, const Var<T>&);   \
  template Var<T> linear<T>(const Var<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> linear<T>(const Var<T>&, const Var<T>&, const Var<T>&, Activation); \
  template Var<T> transpose<T>(const Var<T>&);                \
  template void detail::multiply_grad_factors<T>(Node<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
