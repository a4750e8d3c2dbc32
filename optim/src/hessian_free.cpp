#include "xgrad/optim/hessian_free.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"
#include "flat_parameters.hpp"

namespace xgrad {

using detail::axpy;
using detail::dot;
using detail::Vector;

template <class T>
HessianFree<T>::HessianFree(std::vector<Parameter<T>> parameters, HessianFreeOptions options)
    : Optimizer<T>("HessianFree", std::move(parameters), options.learning_rate, WeightDecay{}),
      options_(options) {
  checked_hyperparameter("HessianFree", "damping", options_.damping, 0.0,
                         std::numeric_limits<double>::infinity());
  checked_hyperparameter("HessianFree", "warm_start", options_.warm_start, 0.0, 1.0);
  checked_hyperparameter("HessianFree", "cg_tolerance", options_.cg_tolerance, 0.0, 1.0);
  if (options_.max_cg_iterations == 0) {
    throw InvalidArgument("HessianFree: max_cg_iterations = 0, expected at least 1");
  }
  const std::size_t n = detail::FlatParameters<T>(this->parameters()).size();
  damping_ = Matrix<T>({{static_cast<T>(options_.damping)}});
  solution_ = xt::zeros<T>({std::size_t(1), n});
  this->add_state("hf.damping", &damping_);
  this->add_state("hf.solution", &solution_);
}

template <class T>
double HessianFree<T>::step(const Objective<T>& objective) {
  return step(objective, objective);
}

template <class T>
double HessianFree<T>::step(const Objective<T>& objective, const Objective<T>& curvature) {
  const detail::FlatParameters<T> flat(this->parameters());
  const std::size_t n = flat.size();
  double loss = 0;
  const Vector g = flat.gradient(objective, loss, "HessianFree");
  this->count_evaluations(1);
  const Vector x0 = flat.values();
  const double lambda = damping();
  // A·v = (H + λI)v on the curvature objective at x0.
  const auto apply = [&](const Vector& v) {
    Vector av = flat.hessian_vector(curvature, v, "HessianFree");
    this->count_evaluations(1);
    axpy(lambda, v, av);
    return av;
  };

  // CG on A p = b, b = −g, from the decayed previous solution.
  Vector b(n), p(n);
  for (std::size_t i = 0; i < n; ++i) {
    b[i] = -g[i];
    p[i] = options_.warm_start * static_cast<double>(solution_(0, i));
  }
  Vector r = b;
  if (dot(p, p) > 0) {
    const Vector ap = apply(p);
    axpy(-1.0, ap, r);
  }
  Vector dir = r;
  double rr = dot(r, r);
  std::vector<double> phi;  // φ_i = −½ xᵢᵀ(b + rᵢ), the quadratic model at each iterate
  const auto model = [&] {
    double v = 0;
    for (std::size_t i = 0; i < n; ++i) v -= 0.5 * p[i] * (b[i] + r[i]);
    return v;
  };
  phi.push_back(model());
  std::size_t iterations = 0;
  while (iterations < options_.max_cg_iterations && rr > 0) {
    const Vector adir = apply(dir);
    const double curv = dot(dir, adir);
    ++iterations;
    if (!(curv > 0)) {  // negative curvature: keep the iterate reached (truncated Newton)
      if (dot(p, p) == 0) p = r;  // nothing yet: fall back on steepest descent
      break;
    }
    const double alpha = rr / curv;
    axpy(alpha, dir, p);
    axpy(-alpha, adir, r);
    const double next = dot(r, r);
    for (std::size_t i = 0; i < n; ++i) dir[i] = r[i] + (next / rr) * dir[i];
    rr = next;
    phi.push_back(model());
    // Martens' relative-progress stop.
    const std::size_t i = phi.size() - 1;
    const std::size_t k = std::max(options_.min_cg_iterations,
                                   static_cast<std::size_t>(std::ceil(0.1 * static_cast<double>(i))));
    if (i > k && phi[i] < 0 && (phi[i] - phi[i - k]) / phi[i] < static_cast<double>(k) * options_.cg_tolerance) {
      break;
    }
  }
  last_cg_iterations_ = iterations;
  for (std::size_t i = 0; i < n; ++i) solution_(0, i) = static_cast<T>(p[i]);

  // Backtracking line search along p.
  const double slope = dot(g, p);
  double alpha = this->learning_rate();
  double new_loss = loss;
  bool accepted = false;
  if (slope < 0) {
    for (std::size_t t = 0; t <= options_.max_backtracks; ++t, alpha *= 0.8) {
      Vector x = x0;
      axpy(alpha, p, x);
      flat.set_values(x);
      const Var<T> f = objective();
      this->count_evaluations(1);
      new_loss = static_cast<double>(f.item());
      if (std::isfinite(new_loss) && new_loss <= loss + 0.01 * alpha * slope) {
        accepted = true;
        break;
      }
    }
  }
  if (!accepted) {
    flat.set_values(x0);
    damping_(0, 0) = static_cast<T>(lambda * 1.5);
    this->count_step();
    return loss;
  }
  // Levenberg–Marquardt: how well the undamped quadratic model predicted the change.
  Vector step_vec(n);
  for (std::size_t i = 0; i < n; ++i) step_vec[i] = alpha * p[i];
  flat.set_values(x0);  // H at x0
  const Vector hs = flat.hessian_vector(curvature, step_vec, "HessianFree");
  this->count_evaluations(1);
  Vector x = x0;
  axpy(1.0, step_vec, x);
  flat.set_values(x);
  const double predicted = dot(g, step_vec) + 0.5 * dot(step_vec, hs);
  const double rho = predicted < 0 ? (new_loss - loss) / predicted : 0.0;
  double next_lambda = lambda;
  if (rho < 0.25) next_lambda *= 1.5;
  else if (rho > 0.75) next_lambda *= 2.0 / 3.0;
  damping_(0, 0) = static_cast<T>(next_lambda);
  this->count_step();
  return loss;
}

#define XGRAD_INSTANTIATE(T) template class HessianFree<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
