#pragma once
/// @file
/// Nesterov's accelerated gradient, in the book's momentum convention.

#include "momentum.hpp"

namespace xgrad {

/// Nesterov momentum: the book's momentum (eqs. 107–108) with the gradient taken at the
/// look-ahead point w + μv (Sutskever et al. 2013):
///   v' = μv − η∇C(w + μv) ;   w' = w + v'.
/// A step sees only ∇C at the stored point, so the parameters stored are the look-ahead
/// point θ = w + μv itself (Bengio, Boulanger-Lewandowski & Pascanu 2013), for which the
/// same iteration reads
///   v' = μv − η∇C(θ) ;   θ' = θ + μv' − η∇C(θ),
/// which is what step() applies. μ = 0 is plain SGD. The velocity is saved as in Momentum.
template <class T>
class Nesterov : public Momentum<T> {
 public:
  /// Throws std::invalid_argument unless η > 0, μ ∈ [0, 1] and the decay is valid.
  Nesterov(std::vector<Parameter<T>> parameters, double learning_rate, double momentum,
           WeightDecay decay = {});

 protected:
  void update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) override;
};

}  // namespace xgrad
