#pragma once
/// @file
/// Fused, numerically stable losses. Each is the mean over the mini-batch (rows) of the
/// per-example cost, like the book's 1/n Σ_x: the per-example cost sums over the columns,
/// so a batch of m rows is divided by m, not by m × columns as PyTorch's default
/// reduction 'mean' of BCEWithLogitsLoss does. An empty batch costs 0.
///
/// Both losses record a differentiable backward too, so their gradients can be
/// differentiated again (Hessian-vector products).

#include <cstddef>
#include <vector>

#include "var.hpp"

namespace xgrad {

/// Cross-entropy of sigmoid outputs computed from the logits z (book eq. 63 with a = σ(z)):
/// C = (1/m) Σ_i Σ_j [max(z,0) − z·y + ln(1 + e^(−|z|))], finite for any finite z.
/// ∂C/∂z = (σ(z) − y) / m — the book's δ^L = a − y (eq. 66). `y` must have z's shape.
template <class T>
Var<T> binary_cross_entropy_with_logits(const Var<T>& z, const Matrix<T>& y);

/// Log-likelihood of softmax outputs from the logits z and integer labels (book eq. 80):
/// C = −(1/m) Σ_i ln softmax(z_i)[label_i].  ∂C/∂z = (softmax(z) − onehot(label)) / m
/// (eqs. 81–82, 84). Throws std::invalid_argument if a label is not below z.cols() and
/// ShapeError if there is not one label per row.
template <class T>
Var<T> softmax_log_likelihood(const Var<T>& z, const std::vector<std::size_t>& labels);

/// The same with targets given as rows of class probabilities y (e.g. one-hot):
/// C = −(1/m) Σ_i Σ_j y_ij ln softmax(z_i)_j.  ∂C/∂z = (softmax(z) ⊙ rowsum(y) − y) / m.
template <class T>
Var<T> softmax_log_likelihood(const Var<T>& z, const Matrix<T>& y);

}  // namespace xgrad
