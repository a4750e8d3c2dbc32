#pragma once
/// @file
/// Adam (not in the book; users expect it).

#include "optimizer.hpp"

namespace xgrad {

/// Hyper-parameters of Adam (Kingma & Ba 2015), with their usual defaults.
struct AdamOptions {
  double learning_rate = 1e-3;  ///< η
  double beta1 = 0.9;           ///< decay of the first-moment estimate, in [0, 1)
  double beta2 = 0.999;         ///< decay of the second-moment estimate, in [0, 1)
  double epsilon = 1e-8;        ///< added to √v̂ so the step stays finite; > 0
  WeightDecay decay = {};       ///< decoupled (AdamW-style): w *= 1 − ηλ/n first
};

/// Adam: per parameter, with t = steps() after this step's increment,
///   m' = β₁m + (1 − β₁)g ;  v' = β₂v + (1 − β₂)g² ;
///   m̂ = m'/(1 − β₁ᵗ) ;  v̂ = v'/(1 − β₂ᵗ) ;  w' = w − η m̂/(√v̂ + ε).
/// m and v start at 0 and are saved as "<parameter>.first_moment" / ".second_moment".
template <class T>
class Adam : public Optimizer<T> {
 public:
  /// Throws std::invalid_argument for a hyper-parameter outside its range.
  explicit Adam(std::vector<Parameter<T>> parameters, AdamOptions options = {});

  /// The options it was made with (learning_rate is the initial one; see learning_rate()).
  const AdamOptions& options() const noexcept { return options_; }

 protected:
  void update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep) override;

 private:
  AdamOptions options_;
  std::size_t first_moment_, second_moment_;  // buffer indices
};

}  // namespace xgrad
