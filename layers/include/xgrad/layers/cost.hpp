#pragma once
/// @file
/// Cost: a cost function together with the output activation it pairs with, so that a
/// trainer can work from the output layer's logits and pick the fused, stable form.

#include <string>

#include <xgrad/autograd/var.hpp>

namespace xgrad {

/// The chapter's cost functions.
enum class CostKind { quadratic, cross_entropy, log_likelihood };

/// The activation applied to the output layer's weighted input z^L.
enum class OutputActivation { sigmoid, softmax, identity };
/// "sigmoid", "softmax" or "identity" (as model files write it).
const char* to_string(OutputActivation output);

/// A cost function and the output activation it is used with:
///
/// | factory                   | output a = f(z)      | loss from logits (on_logits)         |
/// |---------------------------|----------------------|--------------------------------------|
/// | quadratic()               | σ(z) (or as given)   | quadratic_cost(f(z), y)              |
/// | cross_entropy()           | σ(z)                 | cross_entropy_cost_with_logits(z, y) |
/// | log_likelihood()          | softmax(z)           | softmax_log_likelihood(z, y)         |
///
/// Targets y are rows of the output's shape (one-hot rows for classification).
class Cost {
 public:
  /// Quadratic cost (eq. 6) on outputs f(z); sigmoid by default as in network2.py,
  /// identity gives the linear output layer of eqs. 68–70.
  static Cost quadratic(OutputActivation output = OutputActivation::sigmoid);
  /// Cross-entropy (eq. 63) on sigmoid outputs.
  static Cost cross_entropy();
  /// Log-likelihood (eq. 80) on softmax outputs.
  static Cost log_likelihood();
  /// The cost called `name` as network2.py spells it ("QuadraticCost", "CrossEntropyCost")
  /// or "LogLikelihoodCost". Throws std::invalid_argument naming the valid names.
  static Cost from_name(const std::string& name);

  /// Which cost function this is.
  CostKind kind() const noexcept { return kind_; }
  /// The output activation it pairs with.
  OutputActivation output() const noexcept { return output_; }
  /// "QuadraticCost", "CrossEntropyCost" or "LogLikelihoodCost" (network2.py's JSON "cost").
  std::string name() const;

  /// The network's outputs a = f(z) from the output layer's logits.
  template <class T>
  Var<T> activate(const Var<T>& z) const;
  /// The mean cost of outputs `a` (activations), computed from primitives.
  template <class T>
  Var<T> on_outputs(const Var<T>& a, const Matrix<T>& y) const;
  /// The mean cost from the logits z, fused and numerically stable where a fused form
  /// exists (cross-entropy, log-likelihood); equal to on_outputs(activate(z), y).
  template <class T>
  Var<T> on_logits(const Var<T>& z, const Matrix<T>& y) const;

 private:
  Cost(CostKind kind, OutputActivation output) : kind_(kind), output_(output) {}
  CostKind kind_;
  OutputActivation output_;
};

}  // namespace xgrad
