#pragma once
/// @file
/// Momentum-based gradient descent, exactly as the book writes it.

#include "optimizer.hpp"

namespace xgrad {

/// Momentum-based gradient descent (book eqs. 107–108), one velocity v per parameter
/// (starting at 0):
///   v → v' = μv − η∇C ;   w → w' = w + v'.
/// μ ∈ [0, 1] is the momentum coefficient ("1 − friction"); μ = 0 is plain SGD.
///
/// Note the convention: η is inside the velocity. PyTorch's SGD(momentum=μ) keeps
/// v' = μv + ∇C and steps w' = w − ηv', which is the same only while η is constant; after a
/// learning-rate change the book's velocity carries the old η, PyTorch's the new one.
template <class T>
class Momentum : public Optimizer<T> {
 public:
  /// Throws std::invalid_argument unless η > 0, μ ∈ [0, 1] and the decay is valid.
  Momentum(std::vector<Parameter<T>> parameters, double learning_rate, double momentum,
           WeightDecay decay = {});

  /// The momentum coefficient μ.
  double momentum() const noexcept { return momentum_; }

 protected:
  /// For variants (Nesterov): the same state under another name.
  Momentum(const char* name, std::vector<Parameter<T>> parameters, double learning_rate,
           double momentum, WeightDecay decay);
  void update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) override;
  /// v' = μv − η·grad for parameter `index`, stored and returned.
  const Matrix<T>& update_velocity(std::size_t index, const Matrix<T>& grad);

 private:
  double momentum_;
  std::size_t velocity_;  // buffer index: "velocity"
};

}  // namespace xgrad
