#pragma once
/// @file
/// Plain stochastic gradient descent.

#include "optimizer.hpp"

namespace xgrad {

/// Stochastic gradient descent: w → w − η ∇C for every parameter.
///
/// With the loss a mini-batch mean plus l2_penalty(net, λ, n), ∇C = (1/m) Σ_x ∇C_x + (λ/n)w
/// for weights and (1/m) Σ_x ∇C_x for biases, so a step is the book's eqs. 93–94:
///   w → (1 − ηλ/n) w − (η/m) Σ_x ∂C_x/∂w ;   b → b − (η/m) Σ_x ∂C_x/∂b.
/// `decay` gives the same step with the decay applied directly instead (weights only).
///
/// Where the CPU has AVX-512 or AVX2 with FMA, SGD lets its parameters keep a weight
/// gradient xᵀ·G of up to 16 rows (mini-batches of up to 16) as its two factors
/// (Var::accept_factored_grad()) and folds the product into the update, w → keep·w − η·xᵀ·G
/// in one pass over w. grad() still gives the whole gradient. The next optimizer built over
/// the same parameters takes the permission back (unless it is an SGD too).
template <class T>
class SGD : public Optimizer<T> {
 public:
  /// Throws std::invalid_argument unless η > 0 and the decay is valid (λ ≥ 0, n ≥ 1).
  SGD(std::vector<Parameter<T>> parameters, double learning_rate, WeightDecay decay = {});

 protected:
  void update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) override;
  bool update_from_factors(std::size_t index, Matrix<T>& value, const Matrix<T>& left,
                           const Matrix<T>& right, T keep) override;
};

}  // namespace xgrad
