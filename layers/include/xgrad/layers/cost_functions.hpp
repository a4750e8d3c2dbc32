#pragma once
/// @file
/// The chapter's cost functions. Each is the mean over the mini-batch rows of a
/// per-example cost C_x, like the book's (1/n) Σ_x, and returns a 1×1 Var.
///
/// The `*_cost` functions take the network's outputs a (activations) and are written from
/// primitive ops; the fused forms take the logits z of the output layer and are computed in
/// one numerically stable op. Both agree wherever the unfused form is finite.

#include <cstddef>
#include <vector>

#include <xgrad/autograd/var.hpp>

namespace xgrad {

/// Quadratic cost (book eq. 6): C = (1/m) Σ_x ½‖a_x − y_x‖².
/// ∂C/∂a = (a − y)/m. Throws ShapeError unless y has a's shape.
template <class T>
Var<T> quadratic_cost(const Var<T>& a, const Matrix<T>& y);

/// Cross-entropy of sigmoid outputs a ∈ [0, 1] (book eq. 63):
/// C = −(1/m) Σ_x Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], with 0·ln 0 = 0, so a = y = 1
/// (or 0) costs 0 and its gradient is 0 rather than NaN (see xlogy). Its minimum over a is
/// at a = y (eq. 64). Through a = σ(z) the output error is δ^L = a − y (eq. 66); prefer
/// cross_entropy_cost_with_logits(), which stays finite when σ(z) rounds to 0 or 1.
/// Throws ShapeError unless y has a's shape.
template <class T>
Var<T> cross_entropy_cost(const Var<T>& a, const Matrix<T>& y);

/// The same cost from the logits z (a = σ(z)), fused and stable:
/// C = (1/m) Σ [max(z, 0) − z·y + ln(1 + e^(−|z|))];  ∂C/∂z = (σ(z) − y)/m (eq. 66).
/// The engine's binary_cross_entropy_with_logits().
template <class T>
Var<T> cross_entropy_cost_with_logits(const Var<T>& z, const Matrix<T>& y);

/// Log-likelihood of softmax outputs a for integer labels (book eq. 80):
/// C = −(1/m) Σ_x ln a_{x, label_x}. Throws ShapeError unless there is one label per row
/// and std::invalid_argument if a label is not below a.cols().
template <class T>
Var<T> log_likelihood_cost(const Var<T>& a, const std::vector<std::size_t>& labels);

/// The same for targets given as rows of class probabilities y (e.g. one-hot):
/// C = −(1/m) Σ_x Σ_j y_j ln a_j, with 0·ln 0 = 0. Throws ShapeError unless y has a's shape.
template <class T>
Var<T> log_likelihood_cost(const Var<T>& a, const Matrix<T>& y);

// The fused log-likelihood from logits, −(1/m) Σ_x ln softmax(z_x)[label_x] with
// ∂C/∂z = (softmax(z) − y)/m (eqs. 81–82, 84), is the engine's softmax_log_likelihood().

}  // namespace xgrad
