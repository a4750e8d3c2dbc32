#pragma once
/// @file
/// Shape manipulation.

#include <cstddef>

#include "var.hpp"

namespace xgrad {

/// The same elements (row-major order) viewed as rows × cols.  ∂/∂a = G reshaped back.
/// Throws ShapeError if rows·cols differs from a.size().
template <class T> Var<T> reshape(const Var<T>& a, std::size_t rows, std::size_t cols);

}  // namespace xgrad
