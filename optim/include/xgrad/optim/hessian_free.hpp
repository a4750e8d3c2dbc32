#pragma once
/// @file
/// Hessian-free optimisation (truncated Newton): conjugate gradient on exact, damped
/// Hessian-vector products (Martens 2010).

#include <cstddef>

#include "optimizer.hpp"

namespace xgrad {

/// Options of HessianFree.
struct HessianFreeOptions {
  double learning_rate = 1;            ///< the first trial step along the CG solution
  double damping = 1;                  ///< initial λ of the curvature H + λI
  std::size_t max_cg_iterations = 50;  ///< CG iterations per step at most (Martens: 250)
  std::size_t min_cg_iterations = 10;  ///< before the relative-progress test may stop CG
  double cg_tolerance = 5e-4;          ///< ε of the relative-progress stop
  double warm_start = 0.95;            ///< CG starts from this times the previous solution
  std::size_t max_backtracks = 20;     ///< halvings (×0.8) of the step before giving up
};

/// Hessian-free / truncated Newton (Martens, "Deep learning via Hessian-free
/// optimization", ICML 2010), on exact Hessian-vector products (Pearlmutter 1994).
///
/// Each step(objective):
/// 1. g = ∇f on the objective (one gradient).
/// 2. Conjugate gradient on (H + λI)p = −g, H the Hessian of the curvature objective (the
///    same objective, or a mini-batch given to step(objective, curvature)), one
///    Hessian-vector product per iteration, from the previous solution times
///    `warm_start`. CG stops at `max_cg_iterations`, at negative curvature (pᵀ(H+λI)p ≤ 0:
///    truncated Newton keeps the iterate reached), or by Martens' relative-progress test:
///    with φ_i = ½xᵢᵀAxᵢ + gᵀxᵢ, stop once i > k = max(min_cg_iterations, 0.1·i) and
///    (φ_i − φ_{i−k}) / φ_i < k·ε.
/// 3. Backtracking from α = η (×0.8) until f(x + αp) ≤ f(x) + 0.01·α·gᵀp.
/// 4. Levenberg–Marquardt damping: ρ = (f(x+αp) − f(x)) / (q(αp) − q(0)) with the undamped
///    model q(p) = gᵀp + ½pᵀHp; λ ← 3/2·λ when ρ < 1/4, λ ← 2/3·λ when ρ > 3/4.
/// The curvature here is the Hessian itself, not Martens' Gauss–Newton matrix, so it may be
/// indefinite: negative curvature truncates CG, and the damping grows until steps succeed.
/// evaluations() counts gradients, Hessian-vector products and line-search evaluations.
/// State: the damping λ and the previous CG solution ("hf.damping", "hf.solution").
/// Weight decay is not applied: add a penalty to the objective instead.
template <class T>
class HessianFree : public Optimizer<T> {
 public:
  /// Throws InvalidArgument for a bad learning rate, damping or option.
  explicit HessianFree(std::vector<Parameter<T>> parameters, HessianFreeOptions options = {});

  /// One step with the curvature of the objective itself (a full batch, or the same
  /// mini-batch); returns the loss before it.
  double step(const Objective<T>& objective) override;
  /// One step with the gradient of `objective` and the curvature of `curvature` (e.g. a
  /// smaller mini-batch, as Martens does); returns the loss before it.
  double step(const Objective<T>& objective, const Objective<T>& curvature);
  /// Throws GraphError: this optimizer evaluates the loss itself (use step(objective)).
  void step() override { this->require_objective(); }
  /// True: see Optimizer::evaluates_objective().
  bool evaluates_objective() const override { return true; }

  /// The current damping λ.
  double damping() const noexcept { return static_cast<double>(damping_(0, 0)); }
  /// CG iterations of the last step.
  std::size_t last_cg_iterations() const noexcept { return last_cg_iterations_; }
  /// The options it was made with.
  const HessianFreeOptions& options() const noexcept { return options_; }

 private:
  HessianFreeOptions options_;
  Matrix<T> damping_, solution_;
  std::size_t last_cg_iterations_ = 0;
};

}  // namespace xgrad
