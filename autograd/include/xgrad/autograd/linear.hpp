#pragma once
/// @file
/// The affine map of a dense layer as one op.

#include "var.hpp"

namespace xgrad {

/// x·W + b for x (m×k), W (k×n) and a (1×n) row-vector bias b: the same value as
/// `matmul(x, w) + b` in one graph node (one GEMM accumulating onto the broadcast bias).
/// ∂/∂x = G·Wᵀ, ∂/∂W = xᵀ·G (GEMMs with transpose flags), ∂/∂b = Σ_rows G.
/// Throws ShapeError naming the shapes when x's columns differ from W's rows or b is not
/// (1 × W's columns).
template <class T> Var<T> linear(const Var<T>& x, const Var<T>& w, const Var<T>& b);

}  // namespace xgrad
