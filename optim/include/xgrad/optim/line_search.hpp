#pragma once
/// @file
/// A line search satisfying the strong Wolfe conditions, for the optimizers that choose
/// their own step length (L-BFGS, nonlinear conjugate gradient).

#include <cstddef>
#include <functional>

namespace xgrad {

/// The loss along a search line x + α·d: its value φ(α) and slope φ'(α) = ∇f(x + αd)·d.
struct LinePoint {
  double alpha = 0;  ///< α
  double value = 0;  ///< φ(α)
  double slope = 0;  ///< φ'(α)
};

/// Options of strong_wolfe_search().
struct StrongWolfeOptions {
  double c1 = 1e-4;                 ///< sufficient decrease: φ(α) ≤ φ(0) + c1·α·φ'(0)
  double c2 = 0.9;                  ///< curvature: |φ'(α)| ≤ c2·|φ'(0)| (0.1 for CG)
  std::size_t max_evaluations = 25; ///< evaluations of φ before giving up
  double tolerance_change = 1e-9;   ///< stop when the bracket is narrower than this
};

/// Where the search ended.
struct LineSearchResult {
  LinePoint point;                 ///< the accepted α (the best found when not satisfied)
  std::size_t evaluations = 0;     ///< calls of φ
  bool satisfied = false;          ///< both strong Wolfe conditions hold at `point`
};

/// Finds a step α satisfying the strong Wolfe conditions along a descent direction
/// (start.slope < 0), by bracketing and zooming with cubic interpolation (Nocedal & Wright,
/// Numerical Optimization, 2nd ed., Algorithms 3.5 and 3.6). `phi` evaluates the loss and
/// slope at α (and may keep the gradient there for the caller); `start` is φ at α = 0.
/// When no step satisfies both conditions within the budget, the best point that
/// decreases the loss is returned (or α = 0 if none does).
LineSearchResult strong_wolfe_search(const std::function<LinePoint(double)>& phi,
                                     const LinePoint& start, double initial_step,
                                     const StrongWolfeOptions& options = {});

}  // namespace xgrad
