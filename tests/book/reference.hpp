#pragma once
// An independent reference for the book's formulas: networks in the book's layout
// (w^l is out × in, b^l a column), forward passes and chapter 2's backpropagation
// (BP1–BP4), all in plain scalar loops — no xgrad op is used to compute an expected value.
// The only bridge to xgrad is to_sequential(), which builds the same network from modules.

#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xgrad::book {

// All formula tests hold autodiff to this relative tolerance against the closed forms.
constexpr double kTolerance = 1e-10;

double sigma(double z);        // 1/(1 + e^(−z))
double sigma_prime(double z);  // σ(z)(1 − σ(z)), from the definition

enum class Act { sigmoid, tanh, relu, identity, softmax };
const char* act_name(Act act);
// f(z) and f'(z) for the element-wise activations (not softmax).
double act_value(Act act, double z);
double act_derivative(Act act, double z);

enum class RefCost { quadratic, cross_entropy, log_likelihood };
const char* cost_name(RefCost cost);
// C_x for one example's output a and target y (y one-hot for log-likelihood), 0·ln 0 = 0.
double cost_value(RefCost cost, const std::vector<double>& a, const std::vector<double>& y);
// ∇_a C_x, element by element from the cost's definition (not simplified through σ).
std::vector<double> cost_gradient(RefCost cost, const std::vector<double>& a,
                                  const std::vector<double>& y);

struct RefLayer {
  Matrix<double> w;  // (out × in): w(j, k) connects input k to neuron j, as in the book
  std::vector<double> b;
  Act act;
};

struct RefNetwork {
  std::vector<RefLayer> layers;
};

// Gaussian weights and biases (standard deviation `scale`); hidden layers use `hidden`,
// the last layer `output`.
RefNetwork random_network(const std::vector<std::size_t>& sizes, Act hidden, Act output,
                          double scale = 0.8);

// The same network as xgrad modules: Dense(wᵀ, bᵀ) then the activation (none for identity).
Sequential<double> to_sequential(const RefNetwork& net);
// The same network's logits path: everything but the last activation.
Sequential<double> to_sequential_logits(const RefNetwork& net);

struct Trace {
  std::vector<std::vector<double>> z;  // z[l] for l = 0 .. L−1
  std::vector<std::vector<double>> a;  // a[0] = x, a[l+1] = f(z[l])
};
Trace forward(const RefNetwork& net, const std::vector<double>& x);

struct RefGradients {
  std::vector<Matrix<double>> w;  // ∂C/∂w^l in the book's (out × in) layout
  std::vector<std::vector<double>> b;
  std::vector<std::vector<double>> delta;  // δ^l
};
// Chapter 2's backpropagation for one example: BP1 δ^L = ∇_a C ⊙ f'(z^L) (through the full
// softmax Jacobian for a softmax layer), BP2 δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l),
// BP3 ∂C/∂b^l = δ^l, BP4 ∂C/∂w^l_jk = a^{l−1}_k δ^l_j.
RefGradients backprop(const RefNetwork& net, RefCost cost, const std::vector<double>& x,
                      const std::vector<double>& y);
// The mean over the rows of x and y of the per-example gradients (the batch loss's).
RefGradients batch_backprop(const RefNetwork& net, RefCost cost, const Matrix<double>& x,
                            const Matrix<double>& y);
// The mean over the rows of the per-example costs.
double batch_cost(const RefNetwork& net, RefCost cost, const Matrix<double>& x,
                  const Matrix<double>& y);

std::vector<double> row(const Matrix<double>& m, std::size_t i);
Matrix<double> transposed(const Matrix<double>& m);
Matrix<double> as_row(const std::vector<double>& v);

}  // namespace xgrad::book

namespace xgrad::book {

// The gradients autodiff left in `net`'s parameters (Dense weight, bias, weight, bias, … as
// parameters() lists them) against the reference's, converted from the book's layout.
::testing::AssertionResult gradients_match(const Module<double>& net, const RefGradients& g,
                                           double rtol = kTolerance);

}  // namespace xgrad::book
