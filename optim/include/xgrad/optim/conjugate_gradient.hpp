#pragma once
/// @file
/// Nonlinear conjugate gradient (Polak–Ribière+), for full-batch problems.

#include "line_search.hpp"
#include "optimizer.hpp"

namespace xgrad {

/// Options of NonlinearCG.
struct NonlinearCgOptions {
  double learning_rate = 1;  ///< the first trial step of the line search (later ones adapt)
  /// A line search with c2 = 0.1, as conjugate gradient needs for descent directions.
  StrongWolfeOptions line_search = {1e-4, 0.1, 25, 1e-9};
};

/// Nonlinear conjugate gradient, Polak–Ribière with the + rule (Nocedal & Wright §5.2):
///   β = max(0, ∇f_kᵀ(∇f_k − ∇f_{k−1}) / ‖∇f_{k−1}‖²);  d_k = −∇f_k + β d_{k−1};
///   x_{k+1} = x_k + α d_k,  α from strong_wolfe_search() with c2 = 0.1.
/// A direction that is not a descent direction restarts with −∇f_k. One iteration per
/// step(objective). The objective must stay the same between steps (a full batch): the
/// previous gradient and direction are part of the method (and of state()).
/// Weight decay is not applied: add a penalty to the objective instead.
template <class T>
class NonlinearCG : public Optimizer<T> {
 public:
  /// Throws InvalidArgument for a bad learning rate.
  explicit NonlinearCG(std::vector<Parameter<T>> parameters, NonlinearCgOptions options = {});

  /// One iteration; returns the loss before it.
  double step(const Objective<T>& objective) override;
  /// Throws GraphError: this optimizer evaluates the loss itself (use step(objective)).
  void step() override { this->require_objective(); }
  /// True: see Optimizer::evaluates_objective().
  bool evaluates_objective() const override { return true; }

 private:
  NonlinearCgOptions options_;
  // Previous gradient and direction (1 × n), and [has previous, last accepted α].
  Matrix<T> previous_gradient_, direction_, meta_;
};

}  // namespace xgrad
