#pragma once
/// @file
/// Neuron activation functions (element-wise). Each backward uses the saved output.

#include <string>

#include "var.hpp"

namespace xgrad {

/// An element-wise activation, for code that chooses one at run time (the fused dense op
/// linear(x, W, b, Activation), the hidden layers of a Network).
enum class Activation {
  identity,  ///< a = z
  sigmoid,   ///< a = σ(z) = 1/(1 + e^(−z)), computed stably for any z
  tanh,      ///< a = tanh z
  relu,      ///< a = max(0, z)
};

/// "identity", "sigmoid", "tanh" or "relu".
const char* to_string(Activation act);
/// The Activation that to_string() names ("identity", "sigmoid", "tanh" or "relu").
/// Throws InvalidArgument naming `name` and the accepted names otherwise.
Activation activation_from_string(const std::string& name);

/// σ(z) = 1 / (1 + e^(−z)), evaluated without overflow for large |z|.
/// ∂/∂z = G ⊙ σ(z)(1 − σ(z)).
template <class T> Var<T> sigmoid(const Var<T>& z);
/// tanh z = (eᶻ − e^(−z)) / (eᶻ + e^(−z)) (book eq. 110).  ∂/∂z = G ⊙ (1 − tanh² z).
template <class T> Var<T> tanh(const Var<T>& z);
/// max(0, z) (book eq. 112).  ∂/∂z = G ⊙ [z > 0] (0 at the kink).
template <class T> Var<T> relu(const Var<T>& z);

/// `act` applied elementwise to z (z itself for the identity).
template <class T>
Var<T> activate(const Var<T>& z, Activation act) {
  switch (act) {
    case Activation::sigmoid: return sigmoid(z);
    case Activation::tanh: return tanh(z);
    case Activation::relu: return relu(z);
    case Activation::identity: break;
  }
  return z;
}

}  // namespace xgrad
