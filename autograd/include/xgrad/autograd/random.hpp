#pragma once
/// @file
/// Seeded, portable random draws shared by every module (initialisers, dropout, shuffling,
/// augmentation).
///
/// The engine, std::mt19937_64, has an output sequence fixed by the C++ standard; the
/// standard *distributions* (`std::uniform_int_distribution`, `std::normal_distribution`,
/// `std::shuffle`, …) do not, so the draws are computed here and a seed means the same
/// network, epochs and distortions with any standard library (up to the last bit of libm's
/// log and cos in standard_normal()).

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace xgrad {

/// xgrad's random engine (64-bit Mersenne Twister).
using Rng = std::mt19937_64;

/// Uniform double in [0, 1) from the top 53 bits of one draw.
double uniform_unit(Rng& rng);

/// Uniform double in [lo, hi).
inline double uniform_between(Rng& rng, double lo, double hi) {
  return lo + (hi - lo) * uniform_unit(rng);
}

/// Uniform integer in [0, n) by rejection (unbiased). Requires n > 0.
std::uint64_t uniform_below(Rng& rng, std::uint64_t n);

/// Fisher–Yates shuffle of `v` in place.
void shuffle(std::vector<std::size_t>& v, Rng& rng);

/// A standard normal draw N(0, 1) by Box–Muller on two 53-bit uniforms.
double standard_normal(Rng& rng);

/// A rows × cols matrix of independent N(mean, stddev²) draws, in row-major order.
template <class T>
Matrix<T> normal_matrix(std::size_t rows, std::size_t cols, double mean, double stddev,
                        Rng& rng);

/// The engine's full state as text (the standard's stream format), for checkpoints.
std::string save_rng(const Rng& rng);

/// Restores a state written by save_rng(). Throws std::invalid_argument when `state` is
/// not one (and leaves `rng` unchanged).
void restore_rng(Rng& rng, const std::string& state);

}  // namespace xgrad
