#pragma once
/// @file
/// x·ln y with the convention 0·ln 0 = 0, for costs written from primitives (the book's
/// cross-entropy treats 0·ln 0 as 0, so a = y = 1 costs 0 rather than NaN).

#include "var.hpp"

namespace xgrad {

/// x ⊙ ln y for a constant `x` of y's shape (typically targets), with every element where
/// x = 0 defined as 0 — even where y = 0 — because the term is then identically 0 in y.
/// ∂/∂y = G ⊙ x ⊘ y, and 0 wherever x = 0; x gets no gradient.
/// Throws ShapeError if x and y have different shapes.
template <class T> Var<T> xlogy(const Matrix<T>& x, const Var<T>& y);

}  // namespace xgrad
