#pragma once
/// @file
/// Dropout (inverted form).

#include <cstdint>
#include <string>

#include "module.hpp"
#include "random.hpp"

namespace xgrad {

/// Dropout with drop probability p, in the inverted form.
///
/// Training: every forward draws a fresh mask, independently for every example (row) and
/// unit (column): each element is dropped (0) with probability p and otherwise kept and
/// scaled by 1/(1 − p), so E[output] = input. Evaluation: the identity (the input Var
/// itself). Gradients flow through the same mask (xgrad::apply_mask).
///
/// The book's form drops units without scaling in training and scales the outgoing
/// weights by (1 − p) at test time. The two are the same network: weights W trained the
/// book's way act like (1 − p)·W here, in training (same masked pre-activations) and at
/// test time (same outputs), and both give expected activations equal to the test-time
/// ones. Inverted dropout needs no change to the weights when switching to evaluation.
template <class T>
class Dropout : public Module<T> {
 public:
  /// Drops with probability p, drawing from a generator of its own seeded by one draw of
  /// `rng` (so its masks do not depend on other layers' draws).
  /// Throws std::invalid_argument unless 0 ≤ p < 1.
  Dropout(double p, Rng& rng);
  /// The same with a generator of its own seeded by `seed`.
  Dropout(double p, std::uint64_t seed);

  /// x ⊙ mask in training (a new mask on every call), x in evaluation.
  Var<T> forward(const Var<T>& x) override;
  /// "Dropout(p)".
  std::string describe() const override;

  /// The drop probability.
  double p() const noexcept { return p_; }
  /// The generator the masks are drawn from (saved by checkpoints, so that a resumed run
  /// draws the same masks).
  const Rng& generator() const noexcept { return rng_; }
  /// Replaces the generator's state (restoring a checkpoint).
  void set_generator(const Rng& rng) { rng_ = rng; }
  /// The mask generator (what model files and checkpoints save).
  const Rng* random_generator() const override { return &rng_; }
  /// Same as set_generator().
  void set_random_generator(const Rng& rng) override { rng_ = rng; }

 private:
  double p_;
  std::uint64_t drop_below_;  // drop where the top 53 bits of a draw are below p·2⁵³
  Rng rng_;
  Matrix<T> mask_;  // reused buffer; apply_mask copies what backward needs
};

}  // namespace xgrad
