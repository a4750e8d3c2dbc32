#include "xgrad/autograd/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad {
namespace {

// L = Σ out ⊙ R, the scalar whose gradient is checked.
double project(const Matrix<double>& out, const Matrix<double>& r) { return xt::sum(out * r)(); }

}  // namespace

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Matrix<double>>& inputs,
                          const std::string& name, const GradcheckOptions& options) {
  std::vector<Vard> leaves;
  leaves.reserve(inputs.size());
  for (const auto& x : inputs) leaves.emplace_back(Matrix<double>(x), true);

  const Vard out = f(leaves);
  Matrix<double> r = xt::ones<double>(out.value().shape());
  if (out.size() != 1) {
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (auto& v : r) v = u(rng);
  }

  GradcheckResult result;
  if (!out.requires_grad()) {
    result.passed = false;
    result.message = fmt::format("gradcheck {}: the output ('{}') does not depend on any input",
                                 name, out.op());
    return result;
  }
  out.backward(r);

  double worst = -1.0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    // A leaf that the graph never reached has a zero gradient.
    const Matrix<double> analytic =
        leaves[i].has_grad() ? leaves[i].grad() : Matrix<double>(xt::zeros_like(inputs[i]));
    Matrix<double> x = inputs[i];
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double saved = x.flat(k);
      auto eval_at = [&](double v) {
        x.flat(k) = v;
        std::vector<Vard> probe;
        for (std::size_t j = 0; j < inputs.size(); ++j) {
          probe.emplace_back(j == i ? x : inputs[j], false);
        }
        NoGrad no_grad;
        return project(f(probe).value(), r);
      };
      const double numeric =
          (eval_at(saved + options.step) - eval_at(saved - options.step)) / (2 * options.step);
      x.flat(k) = saved;
      const double a = analytic.flat(k);
      const double error =
          std::abs(a - numeric) / std::max({1.0, std::abs(a), std::abs(numeric)});
      if (std::isnan(error) || error > worst) {
        worst = std::isnan(error) ? INFINITY : error;
        result.worst_error = worst;
        result.input = i;
        result.row = k / x.shape()[1];
        result.col = k % x.shape()[1];
        result.autodiff = a;
        result.numeric = numeric;
      }
    }
  }
  result.passed = result.worst_error <= options.tolerance;
  result.message = fmt::format(
      "gradcheck {} (output op '{}'): {}; worst element: input {} at ({}, {}), autodiff {:.12g}, "
      "numeric {:.12g}, scaled error {:.3g} (tolerance {:.3g})",
      name, out.op(), result.passed ? "passed" : "FAILED", result.input, result.row, result.col,
      result.autodiff, result.numeric, result.worst_error, options.tolerance);
  return result;
}

}  // namespace xgrad
