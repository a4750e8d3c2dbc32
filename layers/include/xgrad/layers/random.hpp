#pragma once
/// @file
/// Seeded random draws for initialisers and dropout.

#include <cstddef>
#include <random>

#include <xgrad/autograd/tensor.hpp>

namespace xgrad {

/// The random engine of xgrad: std::mt19937_64, whose output sequence the C++ standard
/// fixes. The data layer declares the same alias (xgrad/datasets/random.hpp), so one engine
/// type serves initialisers, dropout, shuffling and augmentation.
using Rng = std::mt19937_64;

/// A standard normal draw N(0, 1): Box–Muller on two 53-bit uniforms, computed here because
/// std::normal_distribution differs between standard libraries. The same seed therefore
/// gives the same network everywhere (up to the last bit of libm's log and cos).
double standard_normal(Rng& rng);

/// A rows × cols matrix of independent N(mean, stddev²) draws, in row-major order.
template <class T>
Matrix<T> normal_matrix(std::size_t rows, std::size_t cols, double mean, double stddev,
                        Rng& rng);

}  // namespace xgrad
