#pragma once
/// @file
/// Regularisation penalties over a module's weights — never its biases, as in the book.
/// Each returns a 1×1 Var to add to the loss:
/// @code
/// Var<double> loss = cross_entropy_cost_with_logits(net(x), y) + l2_penalty(net, lambda, n);
/// @endcode
/// n is the size of the whole training set (not the mini-batch), as in eqs. 85–97.

#include <cstddef>

#include "module.hpp"

namespace xgrad {

/// L2 penalty (book eq. 85–87): λ/(2n) Σ_w w² over every parameter of kind weight.
/// Its gradient is (λ/n)·w for each weight and 0 for biases (eqs. 88–89); with SGD this is
/// the weight decay of eq. 93. A constant 0 when the module has no weights.
/// Throws std::invalid_argument if λ < 0 (or not finite) or n = 0.
template <class T>
Var<T> l2_penalty(const Module<T>& module, double lambda, std::size_t n);

/// L1 penalty (book eq. 95): (λ/n) Σ_w |w| over every weight. Its gradient is (λ/n)·sgn(w)
/// with sgn(0) = 0 (eq. 96), giving the update of eq. 97. Same errors as l2_penalty().
template <class T>
Var<T> l1_penalty(const Module<T>& module, double lambda, std::size_t n);

/// The value of both penalties without a graph, accumulated in double: ½(λ₂/n) Σ w² +
/// (λ₁/n) Σ |w| over the weights — what network2.py's total_cost() adds to the mean cost.
/// Throws InvalidArgument as l2_penalty() for a negative λ or n = 0.
template <class T>
double penalty_value(const Module<T>& module, double l2, double l1, std::size_t n);

}  // namespace xgrad
