#pragma once
/// @file
/// L-BFGS: a quasi-Newton method that builds H⁻¹ from the last m gradient differences.

#include "line_search.hpp"
#include "optimizer.hpp"

namespace xgrad {

/// Options of LBFGS, named and defaulted as torch.optim.LBFGS's.
struct LbfgsOptions {
  double learning_rate = 1;          ///< scales the first trial step of each line search
  std::size_t max_iterations = 20;   ///< iterations per step(objective) (torch: max_iter)
  std::size_t history_size = 100;    ///< m, the curvature pairs kept (torch: history_size)
  double tolerance_grad = 1e-7;      ///< stop when max |∇f| ≤ this (torch: tolerance_grad)
  double tolerance_change = 1e-9;    ///< stop when the loss or the step changes less
  StrongWolfeOptions line_search = {};  ///< c1 = 1e-4, c2 = 0.9, 25 evaluations
};

/// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Algorithms 7.4–7.5) with
/// a strong-Wolfe line search.
///
/// Each iteration: d = −H_k ∇f by the two-loop recursion over the kept pairs
/// s_i = x_{i+1} − x_i, y_i = ∇f_{i+1} − ∇f_i (a pair is kept only when yᵀs > 0, so H stays
/// positive definite), scaled by γ = sᵀy / yᵀy of the newest pair; then x ← x + αd with α
/// from strong_wolfe_search() (first trial α = η, or η·min(1, 1/‖∇f‖₁) on the very first
/// iteration).
///
/// Relation to torch.optim.LBFGS: the same options and defaults, the same meaning of one
/// step(closure) — up to max_iterations iterations on that objective, the history kept
/// across steps — and the same stopping tests. Differences: the strong-Wolfe line search
/// is always on (torch's default is none: fixed steps of lr), the objective returns the
/// loss rather than calling backward() itself, the computation is in double whatever T
/// is, and the state (history, counters) is saved and restored by state()/load_state().
/// Weight decay is not applied: add a penalty to the objective instead.
template <class T>
class LBFGS : public Optimizer<T> {
 public:
  /// Throws InvalidArgument for a history size of 0 or a bad learning rate.
  explicit LBFGS(std::vector<Parameter<T>> parameters, LbfgsOptions options = {});

  /// Runs up to options().max_iterations iterations on `objective`; returns the loss before
  /// the first.
  double step(const Objective<T>& objective) override;
  /// Throws GraphError: this optimizer evaluates the loss itself (use step(objective)).
  void step() override { this->require_objective(); }
  /// True: see Optimizer::evaluates_objective().
  bool evaluates_objective() const override { return true; }

  /// The options it was made with.
  const LbfgsOptions& options() const noexcept { return options_; }
  /// The curvature pairs kept now (≤ history_size).
  std::size_t history() const noexcept { return static_cast<std::size_t>(meta_(0, 0)); }

 private:
  LbfgsOptions options_;
  std::size_t n_;
  // The pairs as rows of m × n matrices, newest at meta_(0, 1); meta_ = [count, newest,
  // iterations so far]. Saved by state() as "lbfgs.s", "lbfgs.y", "lbfgs.meta".
  Matrix<T> s_, y_, meta_;
};

}  // namespace xgrad
