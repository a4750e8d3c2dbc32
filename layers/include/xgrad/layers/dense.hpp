#pragma once
/// @file
/// Dense (fully connected) layer: z = x·W + b.

#include <cstddef>
#include <cstdint>
#include <string>

#include <xgrad/autograd/linear.hpp>

#include "init.hpp"
#include "module.hpp"
#include "random.hpp"

namespace xgrad {

/// A fully connected layer: for a mini-batch x (m × in), z = x·W + b, one row per example.
///
/// **Layout.** W is stored as (in × out) and b as a (1 × out) row added to every row, so a
/// batch goes through one GEMM with no transposes. The book writes the same weights as
/// (out × in) — w_jk connects input k to output j, z = w·x + b for a column x — so the book's
/// w is Wᵀ here: w^book_jk = W(k, j). The JSON boundary (network2.py's format) converts.
///
/// Parameters: "weight" (a weight: penalised and decayed) and "bias" (a bias: never).
template <class T>
class Dense : public Module<T> {
 public:
  /// A layer with parameters drawn by `init` from `rng` (weights first, then biases).
  /// Throws std::invalid_argument if `in` or `out` is 0.
  Dense(std::size_t in, std::size_t out, Init init, Rng& rng);
  /// The same with a generator of its own seeded by `seed`.
  Dense(std::size_t in, std::size_t out, Init init, std::uint64_t seed);
  /// A layer holding copies of `weight` (in × out) and `bias` (1 × out) as new parameters.
  /// Throws ShapeError if bias is not (1 × weight.cols()).
  Dense(Matrix<T> weight, Matrix<T> bias);
  /// A layer whose parameters are the given leaves themselves (shared, not copied), e.g. to
  /// tie weights or to gradcheck a layer. Same shape rules; throws GraphError on non-leaves.
  Dense(Var<T> weight, Var<T> bias);

  /// x·W + b. Throws ShapeError ("Dense: input has 5 columns, expected 784") unless x has
  /// `in` columns.
  Var<T> forward(const Var<T>& x) override;
  /// act(x·W + b) as one fused op (linear() with an Activation): what a Sequential runs
  /// for this layer when the next module is the built-in Sigmoid, Tanh or ReLU. Same
  /// shape check as forward().
  Var<T> forward(const Var<T>& x, Activation act);
  /// "Dense(in, out)".
  std::string describe() const override;
  /// The fused forward(x, act), for the exact Dense type (a subclass's forward() may
  /// differ, so it gets the default: forward(x), then the activation).
  Var<T> forward_activated(const Var<T>& x, Activation act) override;
  /// {weight(), bias()} for the exact Dense type; none for a subclass.
  std::optional<LinearParameters<T>> linear_parameters() const override;

  /// The weight parameter W, (in × out).
  const Var<T>& weight() const noexcept { return weight_; }
  /// The bias parameter b, (1 × out).
  const Var<T>& bias() const noexcept { return bias_; }
  /// Number of inputs (columns of x).
  std::size_t in_features() const noexcept { return in_; }
  /// Number of outputs (columns of z).
  std::size_t out_features() const noexcept { return out_; }

 private:
  std::size_t in_ = 0, out_ = 0;  // set before the parameters are registered (describe())
  Var<T> weight_, bias_;
};

}  // namespace xgrad
