#pragma once
/// @file
/// Gradient checking: autodiff against central finite differences, in float64.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "var.hpp"

namespace xgrad {

/// Tolerances of gradcheck().
struct GradcheckOptions {
  /// Finite-difference step h in (f(x+h) − f(x−h)) / 2h.
  double step = 1e-6;
  /// An element passes when |autodiff − numeric| ≤ tolerance · max(1, |autodiff|, |numeric|).
  double tolerance = 1e-6;
  /// Seed of the random projection applied to non-scalar outputs.
  std::uint64_t seed = 0x5eed;
};

/// Outcome of gradcheck(): the worst element over all inputs.
struct GradcheckResult {
  bool passed = true;  ///< every element within tolerance
  double worst_error = 0.0;  ///< the scaled error of the worst element
  std::size_t input = 0;   ///< index of the input holding the worst element
  std::size_t row = 0;     ///< its row
  std::size_t col = 0;     ///< its column
  double autodiff = 0.0;   ///< the autodiff derivative there
  double numeric = 0.0;    ///< the finite-difference derivative there
  std::string message;                      ///< human-readable summary (names the op)
  /// Same as passed.
  explicit operator bool() const noexcept { return passed; }
};

/// The function under test: builds its output from the given leaves.
using GradcheckFunction = std::function<Vard(const std::vector<Vard>&)>;

/// Checks ∂L/∂input for every element of every input, where L = Σ f(inputs) ⊙ R for a
/// fixed random R of f's output shape (R = 1 when the output is 1×1), so that non-scalar
/// outputs are checked through a vector-Jacobian product. `name` labels the message.
GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Matrix<double>>& inputs,
                          const std::string& name, const GradcheckOptions& options = {});

/// Checks second derivatives: with L = Σ f(inputs) ⊙ R as in gradcheck() and first
/// gradients g_i = ∂L/∂input_i, the scalar S = Σ_i Σ g_i ⊙ U_i (fixed random U_i) is
/// differentiated by autodiff through a create_graph pass, and compared element by element
/// with central differences of S, each evaluated from first-order gradients. So every
/// row of the Hessian contracted with U is checked. Passes for an op whose gradient does
/// not depend on the inputs when the differences are zero too.
GradcheckResult gradgradcheck(const GradcheckFunction& f,
                              const std::vector<Matrix<double>>& inputs, const std::string& name,
                              const GradcheckOptions& options = {});

}  // namespace xgrad
