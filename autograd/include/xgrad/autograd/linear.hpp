#pragma once
/// @file
/// The affine map of a dense layer, and a dense layer with its activation, as one op.

#include "activation.hpp"
#include "var.hpp"

namespace xgrad {

/// x·W + b for x (m×k), W (k×n) and a (1×n) row-vector bias b: the same value as
/// `matmul(x, w) + b` in one graph node (one GEMM accumulating onto the broadcast bias).
/// ∂/∂x = G·Wᵀ, ∂/∂W = xᵀ·G (GEMMs with transpose flags), ∂/∂b = Σ_rows G.
/// Throws ShapeError naming the shapes when x's columns differ from W's rows or b is not
/// (1 × W's columns).
template <class T> Var<T> linear(const Var<T>& x, const Var<T>& w, const Var<T>& b);

/// act(x·W + b) in one graph node: a dense layer followed by its activation, with the same
/// value as `sigmoid(linear(x, w, b))` (or tanh, relu) and no intermediate z kept.
/// The backward pass works from the saved output a alone: ∂/∂z = G ⊙ act'(a), where
/// σ' = a(1 − a), tanh' = 1 − a² and relu' = [a > 0], then as linear(). Same shape rules
/// and errors as linear() (the op is named "linear_sigmoid", "linear_tanh", …).
template <class T>
Var<T> linear(const Var<T>& x, const Var<T>& w, const Var<T>& b, Activation act);

}  // namespace xgrad
