#include "xgrad/autograd/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/differentiate.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/reduction.hpp"

namespace xgrad {
namespace {

// L = Σ out ⊙ R, the scalar whose gradient is checked.
double project(const Matrix<double>& out, const Matrix<double>& r) { return xt::sum(out * r)(); }

Matrix<double> random_like(const Matrix<double>& shape_of_this, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Matrix<double> r = xt::empty<double>(shape_of_this.shape());
  for (auto& v : r) v = u(rng);
  return r;
}

// Records the worst element of one comparison into `result`.
void compare(GradcheckResult& result, double& worst, std::size_t input, std::size_t k,
             std::size_t cols, double autodiff, double numeric) {
  const double error =
      std::abs(autodiff - numeric) / std::max({1.0, std::abs(autodiff), std::abs(numeric)});
  if (std::isnan(error) || error > worst) {
    worst = std::isnan(error) ? INFINITY : error;
    result.worst_error = worst;
    result.input = input;
    result.row = k / cols;
    result.col = k % cols;
    result.autodiff = autodiff;
    result.numeric = numeric;
  }
}

// Decides pass or fail from the worst element and writes the one-line summary.
void finish(GradcheckResult& result, const char* check, const std::string& name, const char* op,
            double tolerance) {
  result.passed = result.worst_error <= tolerance;
  result.message = fmt::format(
      "{} {} (output op '{}'): {}; worst element: input {} at ({}, {}), autodiff {:.12g}, "
      "numeric {:.12g}, scaled error {:.3g} (tolerance {:.3g})",
      check, name, op, result.passed ? "passed" : "FAILED", result.input, result.row, result.col,
      result.autodiff, result.numeric, result.worst_error, tolerance);
}

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
      compare(result, worst, i, k, x.shape()[1], analytic.flat(k), numeric);
    }
  }
  finish(result, "gradcheck", name, out.op(), options.tolerance);
  return result;
}

}  // namespace xgrad

namespace xgrad {

GradcheckResult gradgradcheck(const GradcheckFunction& f,
                              const std::vector<Matrix<double>>& inputs, const std::string& name,
                              const GradcheckOptions& options) {
  std::mt19937_64 rng(options.seed);
  GradcheckResult result;
  std::vector<Vard> leaves;
  for (const auto& x : inputs) leaves.emplace_back(Matrix<double>(x), true);
  const Vard out = f(leaves);
  if (!out.requires_grad()) {
    result.passed = false;
    result.message = fmt::format("gradgradcheck {}: the output ('{}') does not depend on any input",
                                 name, out.op());
    return result;
  }
  const Matrix<double> r = out.size() == 1 ? Matrix<double>(xt::ones<double>({1, 1}))
                                           : random_like(out.value(), rng);
  std::vector<Matrix<double>> u;
  for (const auto& x : inputs) u.push_back(random_like(x, rng));

  // S(x) = Σ_i Σ g_i(x) ⊙ U_i from first-order gradients, for the differences.
  const auto s_at = [&](const std::vector<Matrix<double>>& at) {
    std::vector<Vard> probe;
    for (const auto& x : at) probe.emplace_back(Matrix<double>(x), true);
    const Vard y = f(probe);
    GradOptions o;
    o.allow_unused = true;
    const std::vector<Vard> g = grad(sum(y * Vard(r)), probe, o);
    double s = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (g[i].defined()) s += xt::sum(g[i].value() * u[i])();
    }
    return s;
  };

  // ∂S/∂x by autodiff: the first gradients recorded, then differentiated.
  GradOptions first;
  first.create_graph = true;
  first.allow_unused = true;
  const std::vector<Vard> g = grad(sum(out * Vard(r)), leaves, first);
  Vard s;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!g[i].defined() || !g[i].requires_grad()) continue;  // a constant gradient
    const Vard term = sum(g[i] * Vard(u[i]));
    s = s.defined() ? s + term : term;
  }
  std::vector<Vard> second(inputs.size());
  if (s.defined()) {
    GradOptions again;
    again.allow_unused = true;
    second = grad(s, leaves, again);
  }

  double worst = -1.0;
  std::vector<Matrix<double>> at = inputs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (std::size_t k = 0; k < at[i].size(); ++k) {
      const double saved = at[i].flat(k);
      at[i].flat(k) = saved + options.step;
      const double plus = s_at(at);
      at[i].flat(k) = saved - options.step;
      const double minus = s_at(at);
      at[i].flat(k) = saved;
      const double numeric = (plus - minus) / (2 * options.step);
      const double autodiff = second[i].defined() ? second[i].value().flat(k) : 0.0;
      compare(result, worst, i, k, at[i].shape()[1], autodiff, numeric);
    }
  }
  finish(result, "gradgradcheck", name, out.op(), options.tolerance);
  return result;
}

}  // namespace xgrad
