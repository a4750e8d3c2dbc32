#pragma once
/// @file
/// Seeded random numbers for initialisers and dropout.

#include <cstddef>
#include <cstdint>
#include <random>

#include <xgrad/autograd/tensor.hpp>

namespace xgrad {

/// A seeded generator whose streams do not depend on the standard library: the engine is
/// std::mt19937_64 (its sequence is fixed by the C++ standard), and the uniform and normal
/// draws are computed here, because std::normal_distribution and friends differ between
/// implementations. The same seed therefore gives the same network everywhere (up to the
/// last bit of libm's log, sin and cos used by the Box–Muller transform).
class Rng {
 public:
  /// A generator whose stream is fixed by `seed`.
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /// 64 random bits.
  std::uint64_t next_bits() { return engine_(); }
  /// Uniform in [0, 1), with 53 random bits (every double of the form k·2⁻⁵³).
  double uniform();
  /// Standard normal N(0, 1) by the Box–Muller transform (draws come in pairs; the second
  /// is kept for the next call).
  double normal();
  /// A new generator seeded from this one's stream, for a component that draws on its
  /// own (e.g. each Dropout layer), so that its draws do not depend on anyone else's.
  Rng fork() { return Rng(next_bits()); }

  /// A rows × cols matrix of independent N(mean, stddev²) draws, in row-major order.
  template <class T>
  Matrix<T> normal_matrix(std::size_t rows, std::size_t cols, double mean, double stddev);

 private:
  std::mt19937_64 engine_;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace xgrad
