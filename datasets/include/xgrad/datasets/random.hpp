#pragma once
/// @file
/// The random-number generator of the data layer and portable draws from it.
///
/// The standard distributions (`std::uniform_int_distribution`, `std::shuffle`, …) are
/// implementation-defined, so the same seed would give other shuffles with another standard
/// library. These functions are defined here once, so a seed means the same epochs and the
/// same distortions everywhere; the engine (`std::mt19937_64`) is fully specified.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace xgrad {

/// The data layer's random engine (64-bit Mersenne Twister, fully specified by the standard).
using Rng = std::mt19937_64;

/// Uniform integer in [0, n) by rejection (unbiased, portable). Requires n > 0.
std::uint64_t uniform_below(Rng& rng, std::uint64_t n);

/// Uniform double in [0, 1) with 53 random bits.
double uniform_unit(Rng& rng);

/// Uniform double in [lo, hi).
inline double uniform_between(Rng& rng, double lo, double hi) {
  return lo + (hi - lo) * uniform_unit(rng);
}

/// Fisher–Yates shuffle of `v` in place (portable).
void shuffle(std::vector<std::size_t>& v, Rng& rng);

/// The engine's full state as text (the standard's stream format), for checkpoints.
std::string save_rng(const Rng& rng);

/// Restores a state written by save_rng(). Throws DataError when `state` is not one.
void restore_rng(Rng& rng, const std::string& state);

}  // namespace xgrad
