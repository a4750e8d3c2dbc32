#pragma once
// Numerically stable scalar and row kernels shared by several ops and the fused losses.

#include <algorithm>
#include <cmath>
#include <limits>

#include "xgrad/autograd/activation.hpp"
#include "xgrad/autograd/tensor.hpp"

namespace xgrad::detail {

// 1/(1 + e^(−z)) through e^(−|z|), which never overflows, so it is finite for any z.
template <class T>
T stable_sigmoid(T z) {
  if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
  const T e = std::exp(z);
  return e / (T(1) + e);
}

// a = act(z) for n elements; a may be z (in place). The one definition of each activation,
// shared by the activation ops and the fused dense op so that both give the same bits.
template <class T>
void activate(Activation act, const T* z, T* a, std::size_t n) {
  switch (act) {
    case Activation::identity:
      if (a != z) std::copy_n(z, n, a);
      break;
    case Activation::sigmoid:
      std::transform(z, z + n, a, stable_sigmoid<T>);
      break;
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) a[i] = std::tanh(z[i]);
      break;
    case Activation::relu:  // z > 0 ? z : 0, so NaN and −0 give +0
      for (std::size_t i = 0; i < n; ++i) a[i] = z[i] > T(0) ? z[i] : T(0);
      break;
  }
}

// d = g ⊙ act'(z) for n elements, from the saved output a = act(z) alone:
// σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0] (0 at the kink).
template <class T>
void activation_grad(Activation act, const T* g, const T* a, T* d, std::size_t n) {
  switch (act) {
    case Activation::identity:
      std::copy_n(g, n, d);
      break;
    case Activation::sigmoid:
      for (std::size_t i = 0; i < n; ++i) d[i] = g[i] * a[i] * (T(1) - a[i]);
      break;
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) d[i] = g[i] * (T(1) - a[i] * a[i]);
      break;
    case Activation::relu:
      for (std::size_t i = 0; i < n; ++i) d[i] = a[i] > T(0) ? g[i] : T(0);
      break;
  }
}

template <class T>
T row_max(const Matrix<T>& z, std::size_t i) {
  T max = -std::numeric_limits<T>::infinity();
  for (std::size_t j = 0; j < z.shape()[1]; ++j) max = std::max(max, z(i, j));
  return max;
}

// out_ij = z_ij − max_i − ln Σ_k e^(z_ik − max_i): the exponentials are ≤ 1, so no overflow.
template <class T>
Matrix<T> row_log_softmax(const Matrix<T>& z) {
  const std::size_t m = z.shape()[0], n = z.shape()[1];
  Matrix<T> out = xt::empty<T>({m, n});
  for (std::size_t i = 0; i < m; ++i) {
    const T max = row_max(z, i);
    T total = 0;
    for (std::size_t j = 0; j < n; ++j) total += std::exp(z(i, j) - max);
    const T shift = max + std::log(total);
    for (std::size_t j = 0; j < n; ++j) out(i, j) = z(i, j) - shift;
  }
  return out;
}

// a_ij = e^(z_ij − max_i) / Σ_k e^(z_ik − max_i), directly rather than as exp(log_softmax),
// which would round the logarithm of the total first and lose a few digits.
template <class T>
Matrix<T> row_softmax(const Matrix<T>& z) {
  const std::size_t m = z.shape()[0], n = z.shape()[1];
  Matrix<T> out = xt::empty<T>({m, n});
  for (std::size_t i = 0; i < m; ++i) {
    const T max = row_max(z, i);
    T total = 0;
    for (std::size_t j = 0; j < n; ++j) total += out(i, j) = std::exp(z(i, j) - max);
    for (std::size_t j = 0; j < n; ++j) out(i, j) /= total;
  }
  return out;
}

}  // namespace xgrad::detail
