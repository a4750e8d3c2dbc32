#pragma once
/// @file
/// Softmax and log-softmax along each row (one row = one example's scores).

#include "var.hpp"

namespace xgrad {

/// a_ij = e^(z_ij) / Σ_k e^(z_ik) (book eq. 78), computed with the row maximum subtracted
/// so that large inputs do not overflow.  ∂/∂z = a ⊙ (G − rowsum(G ⊙ a)).
template <class T> Var<T> softmax(const Var<T>& z);
/// ln softmax(z) = (z − max) − ln Σ_k e^(z_k − max), stable for any finite input: z − max
/// is exact and the sum is taken as log1p of the terms other than the maximum's 1, so an
/// entry near 0 keeps its relative precision (e.g. −9.3576e-14 for z = [1030, 1000]).
/// ∂/∂z = G − softmax(z) ⊙ rowsum(G).
template <class T> Var<T> log_softmax(const Var<T>& z);

}  // namespace xgrad
