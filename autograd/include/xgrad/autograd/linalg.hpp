#pragma once
/// @file
/// Matrix product and transpose.

#include "var.hpp"

namespace xgrad {

/// A·B for A (m×k), B (k×n), through BLAS GEMM.
/// ∂/∂A = G·Bᵀ, ∂/∂B = Aᵀ·G (GEMM with transpose flags; nothing is transposed in memory).
/// Throws ShapeError when the inner dimensions differ.
template <class T> Var<T> matmul(const Var<T>& a, const Var<T>& b);

/// Aᵀ.  ∂/∂A = Gᵀ.
template <class T> Var<T> transpose(const Var<T>& a);

}  // namespace xgrad
