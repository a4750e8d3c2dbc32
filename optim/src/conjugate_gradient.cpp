#include "xgrad/optim/conjugate_gradient.hpp"

#include <algorithm>

#include "xgrad/autograd/dtypes.hpp"
#include "flat_parameters.hpp"

namespace xgrad {

using detail::axpy;
using detail::dot;
using detail::Vector;

template <class T>
NonlinearCG<T>::NonlinearCG(std::vector<Parameter<T>> parameters, NonlinearCgOptions options)
    : Optimizer<T>("NonlinearCG", std::move(parameters), options.learning_rate, WeightDecay{}),
      options_(options) {
  const std::size_t n = detail::FlatParameters<T>(this->parameters()).size();
  previous_gradient_ = xt::zeros<T>({std::size_t(1), n});
  direction_ = xt::zeros<T>({std::size_t(1), n});
  meta_ = xt::zeros<T>({std::size_t(1), std::size_t(2)});
  this->add_state("cg.previous_gradient", &previous_gradient_);
  this->add_state("cg.direction", &direction_);
  this->add_state("cg.meta", &meta_);
}

template <class T>
double NonlinearCG<T>::step(const Objective<T>& objective) {
  const detail::FlatParameters<T> flat(this->parameters());
  const std::size_t n = flat.size();
  double loss = 0;
  const Vector g = flat.gradient(objective, loss, "NonlinearCG");
  this->count_evaluations(1);
  const Vector x = flat.values();
  Vector d(n);
  const bool restart = meta_(0, 0) == T(0);
  double beta = 0;
  if (!restart) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double gp = previous_gradient_(0, i);
      num += g[i] * (g[i] - gp);
      den += gp * gp;
    }
    beta = den > 0 ? std::max(0.0, num / den) : 0.0;  // PR+
  }
  for (std::size_t i = 0; i < n; ++i) d[i] = -g[i] + beta * static_cast<double>(direction_(0, i));
  double slope = dot(g, d);
  if (!(slope < 0)) {
    for (std::size_t i = 0; i < n; ++i) d[i] = -g[i];
    slope = dot(g, d);
  }
  if (slope == 0) {  // a stationary point: nothing to do
    this->count_step();
    return loss;
  }
  // First trial: η on a restart, else the previous step scaled by the slopes' ratio
  // (Nocedal & Wright eq. 3.60), so that the search usually needs one or two evaluations.
  double first = this->learning_rate();
  if (!restart && meta_(0, 1) > T(0)) {
    double previous_slope = 0;
    for (std::size_t i = 0; i < n; ++i) previous_slope += previous_gradient_(0, i) * direction_(0, i);
    if (previous_slope < 0) first = std::max(1e-10, static_cast<double>(meta_(0, 1)) * previous_slope / slope);
  }
  const auto phi = [&](double a) {
    Vector xa = x;
    axpy(a, d, xa);
    flat.set_values(xa);
    double value = 0;
    const Vector ga = flat.gradient(objective, value, "NonlinearCG");
    return LinePoint{a, value, dot(ga, d)};
  };
  const LineSearchResult found = strong_wolfe_search(phi, {0, loss, slope}, first, options_.line_search);
  this->count_evaluations(found.evaluations);
  Vector accepted = x;
  axpy(found.point.alpha, d, accepted);
  flat.set_values(accepted);
  for (std::size_t i = 0; i < n; ++i) {
    previous_gradient_(0, i) = static_cast<T>(g[i]);
    direction_(0, i) = static_cast<T>(d[i]);
  }
  meta_(0, 0) = found.point.alpha > 0 ? T(1) : T(0);  // no progress: restart next time
  meta_(0, 1) = static_cast<T>(found.point.alpha);
  this->count_step();
  return loss;
}

#define XGRAD_INSTANTIATE(T) template class NonlinearCG<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
