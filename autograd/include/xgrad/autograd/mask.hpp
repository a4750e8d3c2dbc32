#pragma once
/// @file
/// Multiplication by a constant mask (dropout).

#include "var.hpp"

namespace xgrad {

/// a ⊙ mask for a constant `mask` of a's shape — e.g. 0 for dropped units and 1/(1−p) for
/// kept ones (inverted dropout).  ∂/∂a = G ⊙ mask; the mask gets no gradient.
template <class T> Var<T> apply_mask(const Var<T>& a, const Matrix<T>& mask);

}  // namespace xgrad
