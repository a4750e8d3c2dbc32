#pragma once
/// @file
/// Parameter initialisers. Weights are (n_in × n_out) matrices (the Dense layout), biases
/// (1 × n_out) rows. Every draw comes from a seeded Rng, so a seed reproduces a network.

#include <cstddef>
#include <string>

#include "module.hpp"
#include "random.hpp"

namespace xgrad {

/// How initial weights and biases are drawn.
enum class Init {
  /// The book's default (network2.py's default_weight_initializer): w ~ N(0, 1/n_in), so
  /// a neuron's weighted input stays near 1 in size whatever its fan-in; b ~ N(0, 1).
  standard,
  /// The book's "large" initializer (chapter 1): w ~ N(0, 1) and b ~ N(0, 1). With 1,000
  /// inputs of which 500 are 1, z = Σ w x + b has standard deviation √501 ≈ 22.4 (against
  /// √(3/2) ≈ 1.22 for `standard`), so sigmoid neurons start saturated.
  large,
  /// Glorot & Bengio (2010), normal form: w ~ N(0, 2/(n_in + n_out)), b = 0. Keeps the
  /// variance of activations and of gradients roughly constant through tanh layers.
  xavier,
  /// He et al. (2015), normal form: w ~ N(0, 2/n_in), b = 0. The variant for ReLU layers,
  /// which zero half their inputs on average.
  he,
};

/// "standard", "large", "xavier" or "he".
std::string to_string(Init init);
/// The Init called `name` (as to_string() spells it). Throws std::invalid_argument naming
/// the unknown name and the valid ones.
Init init_from_string(const std::string& name);

/// The standard deviation of `init`'s weights for a layer with these fan-in and fan-out.
double weight_stddev(Init init, std::size_t n_in, std::size_t n_out);
/// The standard deviation of `init`'s biases (1 or 0).
double bias_stddev(Init init);

/// An (n_in × n_out) weight matrix drawn by `init`.
template <class T>
Matrix<T> initial_weights(std::size_t n_in, std::size_t n_out, Init init, Rng& rng);
/// A (1 × n_out) bias row drawn by `init`.
template <class T>
Matrix<T> initial_biases(std::size_t n_out, Init init, Rng& rng);

/// Redraws every parameter of `module` in parameters() order: a weight of shape
/// (n_in × n_out) by initial_weights(), a bias of shape (1 × n_out) by initial_biases()
/// (what network2.py's default_weight_initializer() / large_weight_initializer() do).
template <class T>
void initialize(Module<T>& module, Init init, Rng& rng);

}  // namespace xgrad
