#pragma once
/// @file
/// Element-wise mathematical functions.

#include "var.hpp"

namespace xgrad {

/// eᵃ.  ∂/∂a = G ⊙ eᵃ (the saved output).
template <class T> Var<T> exp(const Var<T>& a);
/// ln a (a > 0).  ∂/∂a = G ⊘ a.
template <class T> Var<T> log(const Var<T>& a);
/// a².  ∂/∂a = 2a ⊙ G.
template <class T> Var<T> square(const Var<T>& a);
/// |a|.  ∂/∂a = sgn(a) ⊙ G with the subgradient sgn(0) = 0 (as the book's L1 rule, eq. 97).
template <class T> Var<T> abs(const Var<T>& a);

}  // namespace xgrad
