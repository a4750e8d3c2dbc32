#include "xgrad/optim/line_search.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

// The minimiser of the cubic through two points with their slopes (Nocedal & Wright eq.
// 3.59), kept inside [lo + 10%, hi − 10%] of the bracket; the midpoint when the cubic has
// no minimum there.
double cubic_step(const LinePoint& a, const LinePoint& b) {
  const double lo = std::min(a.alpha, b.alpha), hi = std::max(a.alpha, b.alpha);
  const double margin = 0.1 * (hi - lo);
  const double d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.alpha - b.alpha);
  const double disc = d1 * d1 - a.slope * b.slope;
  if (disc >= 0) {
    const double d2 = std::copysign(std::sqrt(disc), b.alpha - a.alpha);
    const double t = b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2);
    if (std::isfinite(t)) return std::clamp(t, lo + margin, hi - margin);
  }
  return 0.5 * (lo + hi);
}

}  // namespace

LineSearchResult strong_wolfe_search(const std::function<LinePoint(double)>& phi,
                                     const LinePoint& start, double initial_step,
                                     const StrongWolfeOptions& options) {
  if (!(start.slope < 0)) {
    throw InvalidArgument(fmt::format("strong_wolfe_search: the slope at α = 0 is {}, expected "
                                      "< 0 (a descent direction)",
                                      start.slope));
  }
  if (!(initial_step > 0)) {
    throw InvalidArgument(fmt::format("strong_wolfe_search: initial step {} must be > 0", initial_step));
  }
  LineSearchResult result;
  result.point = start;  // α = 0 until something better is found
  const auto sufficient = [&](const LinePoint& p) {
    return p.value <= start.value + options.c1 * p.alpha * start.slope;
  };
  const auto curvature = [&](const LinePoint& p) {
    return std::abs(p.slope) <= -options.c2 * start.slope;
  };
  const auto evaluate = [&](double alpha) {
    const LinePoint p = phi(alpha);
    ++result.evaluations;
    if (std::isfinite(p.value) && p.value < result.point.value && sufficient(p)) result.point = p;
    return p;
  };
  const auto accept = [&](const LinePoint& p) {
    result.point = p;
    result.satisfied = true;
    return result;
  };
  // Zoom (Algorithm 3.6): lo satisfies sufficient decrease with the lower value; the
  // minimiser we want lies between lo and hi.
  const auto zoom = [&](LinePoint lo, LinePoint hi) {
    while (result.evaluations < options.max_evaluations &&
           std::abs(hi.alpha - lo.alpha) > options.tolerance_change) {
      const LinePoint p = evaluate(cubic_step(lo, hi));
      if (!std::isfinite(p.value) || !sufficient(p) || p.value >= lo.value) {
        hi = p;
      } else {
        if (curvature(p)) return accept(p);
        if (p.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
    }
    return result;
  };

  LinePoint previous = start;
  double alpha = initial_step;
  while (result.evaluations < options.max_evaluations) {
    const LinePoint p = evaluate(alpha);
    if (!std::isfinite(p.value) || !sufficient(p) ||
        (result.evaluations > 1 && p.value >= previous.value)) {
      return zoom(previous, p);
    }
    if (curvature(p)) return accept(p);
    if (p.slope >= 0) return zoom(p, previous);
    previous = p;
    alpha *= 2;  // still descending steeply: extrapolate
  }
  return result;
}

}  // namespace xgrad
