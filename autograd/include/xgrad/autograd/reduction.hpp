#pragma once
/// @file
/// Sums and means, over all elements or along an axis (results keep rank 2).

#include <cstddef>

#include "var.hpp"

namespace xgrad {

/// Σ_ij a_ij as a 1×1 Var.  ∂/∂a_ij = G.
template <class T> Var<T> sum(const Var<T>& a);
/// Sum along `axis`: 0 sums over rows giving (1×n), 1 sums over columns giving (m×1).
/// The gradient broadcasts G back along that axis. Throws std::invalid_argument for
/// another axis.
template <class T> Var<T> sum(const Var<T>& a, int axis);
/// Mean of all elements (1×1).  ∂/∂a_ij = G / (m·n). The mean of an empty matrix is 0
/// (not NaN, as 0/0 would give), so an empty mini-batch contributes nothing.
template <class T> Var<T> mean(const Var<T>& a);
/// Mean along `axis` (see sum(a, axis)).  ∂/∂a = G / (count along the axis), broadcast.
/// Along an empty axis it is 0.
template <class T> Var<T> mean(const Var<T>& a, int axis);

/// 1/rows as T, or 0 for no rows: the factor of a mean over a mini-batch's rows, so that an
/// empty batch costs 0 rather than NaN (the convention of every cost and fused loss).
template <class T>
T row_mean_factor(std::size_t rows) {
  return rows == 0 ? T(0) : T(1) / static_cast<T>(rows);
}

}  // namespace xgrad
