#pragma once
/// @file
/// Gradients as values (the functional form of backward()), and the second-order tools
/// built on them: Hessian-vector products, Jacobians and Hessians.
///
/// With `create_graph` the gradients are recorded graphs, which can be differentiated
/// again: Pearlmutter's exact Hessian-vector product Hv = ∇(∇f·v) costs a small constant
/// times one gradient. Every op of xgrad can be differentiated twice (gradgradcheck in
/// the tests), and so can ops made with make_op().

#include <functional>
#include <vector>

#include "var.hpp"

namespace xgrad {

/// Options of grad().
struct GradOptions {
  /// Keep the graph of `output` so that it can be differentiated again.
  bool retain_graph = false;
  /// Record the gradients as graphs (implies retain_graph).
  bool create_graph = false;
  /// An input that `output` does not depend on gets an empty Var instead of a GraphError.
  bool allow_unused = false;
};

/// ∂output/∂inputs[i] for each input, returned rather than accumulated: no Var's grad()
/// changes. `output` must be 1×1 (use the form with a seed otherwise). Inputs may be
/// leaves or intermediate results. Throws GraphError when an input is not reached (unless
/// allow_unused) or output needs no gradient.
template <class T>
std::vector<Var<T>> grad(const Var<T>& output, const std::vector<Var<T>>& inputs,
                         const GradOptions& options = {});

/// The vector-Jacobian product: Σ seed ⊙ ∂output/∂inputs[i], with `seed` of output's shape
/// (a Var, so that a recorded seed is differentiated through as well).
template <class T>
std::vector<Var<T>> grad(const Var<T>& output, const std::vector<Var<T>>& inputs,
                         const Var<T>& seed, const GradOptions& options = {});

/// A scalar function of some Vars, evaluated afresh at each call (it builds its graph).
template <class T>
using ScalarFunction = std::function<Var<T>()>;

/// Hessian-vector product: H·v, where H is the Hessian of f() with respect to `params`
/// (taken together as one vector) and v is given per parameter (same shapes). Two backward
/// passes (Pearlmutter 1994): g = ∇f with create_graph, then ∇(Σ g ⊙ v). A parameter on
/// which the gradient does not depend gets a zero block. Returns one matrix per parameter.
template <class T>
std::vector<Matrix<T>> hvp(const ScalarFunction<T>& f, const std::vector<Var<T>>& params,
                           const std::vector<Matrix<T>>& v);

/// The Jacobian of `f` at x, as a (size of f(x)) × (size of x) matrix in row-major element
/// order, one backward pass per output element. For small inputs.
template <class T>
Matrix<T> jacobian(const std::function<Var<T>(const Var<T>&)>& f, const Matrix<T>& x);

/// The Hessian of a scalar f at x, as a (size of x) × (size of x) matrix in row-major
/// element order: one Hessian-vector product per element of x. For small inputs.
template <class T>
Matrix<T> hessian(const std::function<Var<T>(const Var<T>&)>& f, const Matrix<T>& x);

/// The Hessian of f() with respect to all of `params` (flattened in order, each row-major),
/// one Hessian-vector product per parameter element. For small networks.
template <class T>
Matrix<T> hessian(const ScalarFunction<T>& f, const std::vector<Var<T>>& params);

}  // namespace xgrad
