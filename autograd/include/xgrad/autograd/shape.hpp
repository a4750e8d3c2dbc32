#pragma once
/// @file
/// Shape manipulation.

#include <cstddef>

#include "var.hpp"

namespace xgrad {

/// The same elements (row-major order) viewed as rows × cols.  ∂/∂a = G reshaped back.
/// Throws ShapeError if rows·cols differs from a.size().
template <class T> Var<T> reshape(const Var<T>& a, std::size_t rows, std::size_t cols);

/// a repeated to rows × cols along the dimensions where it has size 1 (a 1×n row to every
/// row, an m×1 column to every column, a 1×1 scalar everywhere), as the arithmetic ops
/// broadcast.  ∂/∂a = G summed back to a's shape. Throws ShapeError when a dimension of a
/// is neither 1 nor the target's.
template <class T> Var<T> broadcast_to(const Var<T>& a, std::size_t rows, std::size_t cols);

}  // namespace xgrad
