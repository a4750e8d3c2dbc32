#pragma once
/// @file
/// Activation layers: parameter-free modules wrapping the engine's activation ops, so that
/// they can sit in a Sequential between Dense layers.

#include <memory>
#include <optional>
#include <string>

#include "module.hpp"

namespace xgrad {

/// a = σ(z) = 1/(1 + e^(−z)) element-wise; σ'(z) = σ(z)(1 − σ(z)).
template <class T>
class Sigmoid : public Module<T> {
 public:
  Var<T> forward(const Var<T>& z) override;
  std::string describe() const override { return "Sigmoid"; }
  /// Activation::sigmoid, so Sequential fuses it into a preceding Dense (not for a subclass,
  /// whose forward() may differ).
  std::optional<Activation> fusable_activation() const override;
};

/// a = tanh z = (eᶻ − e^(−z))/(eᶻ + e^(−z)) element-wise (book eq. 110); note
/// σ(z) = (1 + tanh(z/2))/2 (eq. 111), so tanh is a rescaled sigmoid with outputs in (−1, 1).
template <class T>
class Tanh : public Module<T> {
 public:
  Var<T> forward(const Var<T>& z) override;
  std::string describe() const override { return "Tanh"; }
  /// Activation::tanh, so Sequential fuses it into a preceding Dense (not for a subclass,
  /// whose forward() may differ).
  std::optional<Activation> fusable_activation() const override;
};

/// a = max(0, z) element-wise (book eq. 112); gradient 1 where z > 0 and 0 elsewhere.
template <class T>
class ReLU : public Module<T> {
 public:
  Var<T> forward(const Var<T>& z) override;
  std::string describe() const override { return "ReLU"; }
  /// Activation::relu, so Sequential fuses it into a preceding Dense (not for a subclass,
  /// whose forward() may differ).
  std::optional<Activation> fusable_activation() const override;
};

/// a_j = e^(z_j) / Σ_k e^(z_k) along each row (book eq. 78): every a_j > 0 and each row
/// sums to 1 (eq. 79), so a row is a probability distribution over the classes.
template <class T>
class Softmax : public Module<T> {
 public:
  Var<T> forward(const Var<T>& z) override;
  std::string describe() const override { return "Softmax"; }
};

/// A new Sigmoid, Tanh or ReLU module for `act`; nullptr for Activation::identity (no
/// module at all).
template <class T>
std::shared_ptr<Module<T>> make_activation_module(Activation act);

}  // namespace xgrad
