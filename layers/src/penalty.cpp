#include "xgrad/layers/penalty.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/ops.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

void check_penalty(const char* penalty, double lambda, std::size_t n) {
  if (!(lambda >= 0.0 && std::isfinite(lambda))) {
    throw InvalidArgument(
        fmt::format("{}: lambda = {} must be finite and ≥ 0", penalty, lambda));
  }
  if (n == 0) {
    throw InvalidArgument(
        fmt::format("{}: n = 0, expected the training-set size (at least 1)", penalty));
  }
}

// coefficient · Σ_weights Σ term(w), or a constant 0 when there are no weights.
template <class T, class Term>
Var<T> weight_penalty(const char* penalty, const Module<T>& module, double lambda, std::size_t n,
                      double coefficient, Term term) {
  check_penalty(penalty, lambda, n);
  Var<T> total;
  for (const Parameter<T>& p : module.parameters()) {
    if (!p.is_weight()) continue;
    const Var<T> s = sum(term(p.var));
    total = total.defined() ? total + s : s;
  }
  if (!total.defined()) return Var<T>::scalar(T(0));
  return total * static_cast<T>(coefficient * lambda / static_cast<double>(n));
}

}  // namespace

template <class T>
Var<T> l2_penalty(const Module<T>& module, double lambda, std::size_t n) {
  return weight_penalty<T>("l2_penalty", module, lambda, n, 0.5,
                           [](const Var<T>& w) { return square(w); });
}

template <class T>
Var<T> l1_penalty(const Module<T>& module, double lambda, std::size_t n) {
  return weight_penalty<T>("l1_penalty", module, lambda, n, 1.0,
                           [](const Var<T>& w) { return abs(w); });
}

template <class T>
double penalty_value(const Module<T>& module, double l2, double l1, std::size_t n) {
  check_penalty("penalty_value (L2)", l2, n);
  check_penalty("penalty_value (L1)", l1, n);
  double squares = 0, absolutes = 0;
  for (const Parameter<T>& p : module.parameters()) {
    if (!p.is_weight()) continue;
    for (const T w : p.var.value()) {
      squares += double(w) * double(w);
      absolutes += std::abs(double(w));
    }
  }
  return 0.5 * (l2 / double(n)) * squares + (l1 / double(n)) * absolutes;
}

#define XGRAD_INSTANTIATE(T)                                                  \
  template Var<T> l2_penalty<T>(const Module<T>&, double, std::size_t);       \
  template Var<T> l1_penalty<T>(const Module<T>&, double, std::size_t);       \
  template double penalty_value<T>(const Module<T>&, double, double, std::size_t);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
