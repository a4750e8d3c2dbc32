#include "xgrad/optim/lbfgs.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"
#include "flat_parameters.hpp"

namespace xgrad {

using detail::axpy;
using detail::dot;
using detail::Vector;

template <class T>
LBFGS<T>::LBFGS(std::vector<Parameter<T>> parameters, LbfgsOptions options)
    : Optimizer<T>("LBFGS", std::move(parameters), options.learning_rate, WeightDecay{}),
      options_(options),
      n_(detail::FlatParameters<T>(this->parameters()).size()) {
  if (options_.history_size == 0) {
    throw InvalidArgument("LBFGS: history_size = 0, expected at least 1");
  }
  if (options_.max_iterations == 0) {
    throw InvalidArgument("LBFGS: max_iterations = 0, expected at least 1");
  }
  s_ = xt::zeros<T>({options_.history_size, n_});
  y_ = xt::zeros<T>({options_.history_size, n_});
  meta_ = xt::zeros<T>({std::size_t(1), std::size_t(3)});
  this->add_state("lbfgs.s", &s_);
  this->add_state("lbfgs.y", &y_);
  this->add_state("lbfgs.meta", &meta_);
}

template <class T>
double LBFGS<T>::step(const Objective<T>& objective) {
  const detail::FlatParameters<T> flat(this->parameters());
  const std::size_t m = options_.history_size;
  const auto row = [&](const Matrix<T>& h, std::size_t i) {
    return Vector(h.data() + i * n_, h.data() + (i + 1) * n_);
  };
  double loss = 0;
  Vector g = flat.gradient(objective, loss, "LBFGS");
  this->count_evaluations(1);
  const double first_loss = loss;
  Vector x = flat.values();
  for (std::size_t iteration = 0; iteration < options_.max_iterations; ++iteration) {
    double max_abs = 0;
    for (double gi : g) max_abs = std::max(max_abs, std::abs(gi));
    if (max_abs <= options_.tolerance_grad) break;

    // Two-loop recursion: d = −H·g from the pairs, newest first then oldest first.
    const std::size_t count = static_cast<std::size_t>(meta_(0, 0));
    const std::size_t newest = static_cast<std::size_t>(meta_(0, 1));
    Vector q = g;
    std::vector<double> alpha(count), rho(count);
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t i = (newest + m - k) % m;
      const Vector s = row(s_, i), y = row(y_, i);
      rho[k] = 1.0 / dot(y, s);
      alpha[k] = rho[k] * dot(s, q);
      axpy(-alpha[k], y, q);
    }
    if (count > 0) {
      const Vector s = row(s_, newest), y = row(y_, newest);
      const double gamma = dot(s, y) / dot(y, y);
      for (double& qi : q) qi *= gamma;
    }
    for (std::size_t k = count; k-- > 0;) {
      const std::size_t i = (newest + m - k) % m;
      const Vector s = row(s_, i), y = row(y_, i);
      const double beta = rho[k] * dot(y, q);
      axpy(alpha[k] - beta, s, q);
    }
    Vector d(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) d[i] = -q[i];
    double slope = dot(g, d);
    if (!(slope < 0)) {  // not a descent direction (the history misleads): steepest descent
      for (std::size_t i = 0; i < g.size(); ++i) d[i] = -g[i];
      slope = dot(g, d);
    }

    // Line search along d, keeping the gradient of the last point evaluated.
    double first_step = this->learning_rate();
    if (meta_(0, 2) == T(0) && iteration == 0) {
      double l1 = 0;
      for (double gi : g) l1 += std::abs(gi);
      first_step *= std::min(1.0, 1.0 / l1);
    }
    Vector trial_g;
    double trial_alpha = -1;
    const auto phi = [&](double a) {
      Vector xa = x;
      axpy(a, d, xa);
      flat.set_values(xa);
      double value = 0;
      trial_g = flat.gradient(objective, value, "LBFGS");
      trial_alpha = a;
      return LinePoint{a, value, dot(trial_g, d)};
    };
    const LineSearchResult found = strong_wolfe_search(phi, {0, loss, slope}, first_step, options_.line_search);
    this->count_evaluations(found.evaluations);
    if (found.point.alpha == 0) {  // no decrease along d
      flat.set_values(x);
      break;
    }
    if (trial_alpha != found.point.alpha) {  // the accepted point was not the last evaluated
      phi(found.point.alpha);
      this->count_evaluations(1);
    }
    const double step_length = found.point.alpha;
    Vector s(n_), y(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      s[i] = step_length * d[i];
      y[i] = trial_g[i] - g[i];
    }
    axpy(1.0, s, x);
    const double previous_loss = loss;
    loss = found.point.value;
    g = trial_g;
    meta_(0, 2) += T(1);
    if (dot(y, s) > 1e-10 * dot(y, y)) {  // keep the pair only with positive curvature
      const std::size_t slot = count == 0 ? 0 : (newest + 1) % m;
      for (std::size_t i = 0; i < n_; ++i) {
        s_(slot, i) = static_cast<T>(s[i]);
        y_(slot, i) = static_cast<T>(y[i]);
      }
      meta_(0, 0) = static_cast<T>(std::min(count + 1, m));
      meta_(0, 1) = static_cast<T>(slot);
    }
    double max_step = 0;
    for (double si : s) max_step = std::max(max_step, std::abs(si));
    if (max_step <= options_.tolerance_change ||
        std::abs(loss - previous_loss) < options_.tolerance_change) {
      break;
    }
  }
  this->count_step();
  return first_loss;
}

#define XGRAD_INSTANTIATE(T) template class LBFGS<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
