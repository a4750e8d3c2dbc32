#include "xgrad/autograd/fused_losses.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include "xgrad/autograd/activation.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/reduction.hpp"
#include "xgrad/autograd/softmax.hpp"
#include "xgrad/autograd/errors.hpp"
#include "kernels.hpp"

namespace xgrad {
namespace {

template <class T>
void require_same_shape(const char* op, const Var<T>& z, const Matrix<T>& y) {
  if (shape_of(y) != z.shape()) {
    throw ShapeError(fmt::format("{}: targets have shape {} but the logits have shape {}", op,
                                 shape_string(shape_of(y)), shape_string(z.shape())));
  }
}

// ∂C/∂z for the labels form, before the factor G/m: a − onehot(label), with a − 1 taken as
// expm1(ln a) so that it does not cancel when a ≈ 1 and each row still sums to 0.
template <class T>
Matrix<T> residual_from_labels(const Matrix<T>& log_a, const std::vector<std::size_t>& labels) {
  Matrix<T> r = xt::exp(log_a);
  for (std::size_t i = 0; i < labels.size(); ++i) r(i, labels[i]) = std::expm1(log_a(i, labels[i]));
  return r;
}

// The same for target rows y: a·t − y with t = Σ_j y_ij. Where y carries most of the row's
// weight it is t·(a − 1) + (t − y), with a − 1 = expm1(ln a), which does not cancel when
// a ≈ 1 (a one-hot row).
template <class T>
Matrix<T> residual_from_targets(const Matrix<T>& log_a, const Matrix<T>& y) {
  const std::size_t m = y.shape()[0], n = y.shape()[1];
  Matrix<T> r = xt::empty<T>({m, n});
  for (std::size_t i = 0; i < m; ++i) {
    T t = 0;
    for (std::size_t j = 0; j < n; ++j) t += y(i, j);
    for (std::size_t j = 0; j < n; ++j) {
      r(i, j) = 2 * y(i, j) > t ? t * std::expm1(log_a(i, j)) + (t - y(i, j))
                                : std::exp(log_a(i, j)) * t - y(i, j);
    }
  }
  return r;
}

// Both backward functions of a fused loss from its residual r = ∂(per-row cost)/∂z:
// matrices, ∂/∂z = (G/m)·r; recorded, the same value with the derivative of `model(z)`, the
// smooth function whose value r is (σ(z), softmax(z), …: r's constant part drops out).
template <class T, class Model>
Var<T> fused_loss(const Var<T>& z, T total, T scale, const char* op, Matrix<T> residual,
                  Model model) {
  auto r = std::make_shared<const Matrix<T>>(std::move(residual));
  return detail::make_result<T>(
      Matrix<T>({1, 1}, total * scale), op, {&z},
      [r, scale](Node<T>& self) {
        const T g = self.grad(0, 0) * scale;
        Matrix<T> dz = xt::empty<T>(r->shape());
        for (std::size_t k = 0; k < dz.size(); ++k) dz.flat(k) = g * r->flat(k);
        accumulate_grad(*self.parents[0], std::move(dz));
      },
      [r, scale, model](const BackwardContext<T>& c) -> Grads<T> {
        return {c.grad_output * scale * detail::value_with_derivative_of(*r, model(c.inputs[0]))};
      });
}

}  // namespace

template <class T>
Var<T> binary_cross_entropy_with_logits(const Var<T>& z, const Matrix<T>& y) {
  require_same_shape("binary_cross_entropy_with_logits", z, y);
  const Matrix<T>& zv = z.value();
  // −[y ln σ(z) + (1−y) ln(1−σ(z))] = max(z,0) − z·y + ln(1 + e^(−|z|)). The same e^(−|z|)
  // gives the residual σ(z) − y that backward needs, made here once and kept instead of a
  // copy of y (whose buffer the caller may reuse). For z ≥ 0 it is (1 − y) − σ(−z), so
  // that y = 1 gives −σ(−z) to full precision rather than 1/(1 + e) − 1, which cancels.
  Matrix<T> residual = xt::empty<T>(zv.shape());
  T total = 0;
  const std::size_t size = zv.size();
  if constexpr (std::is_same_v<T, float>) {
    // The same terms with float32's vectorised e^(−|z|) and ln(1 + e) (vector_math.hpp), the
    // costs into a scratch kept from call to call and summed in the same order as below.
    thread_local std::vector<float> costs;
    costs.resize(size);
    detail::binary_cross_entropy_terms(zv.data(), y.data(), costs.data(), residual.data(), size);
    for (std::size_t k = 0; k < size; ++k) total += costs[k];
  } else {
    for (std::size_t k = 0; k < size; ++k) {
      const T zk = zv.flat(k), yk = y.flat(k);
      const T e = std::exp(-std::abs(zk));
      total += std::max(zk, T(0)) - zk * yk + std::log1p(e);
      const T s = detail::sigmoid_of_negative_abs(e);  // σ(−|z|), from the same e
      residual.flat(k) = zk >= T(0) ? (T(1) - yk) - s : s - yk;
    }
  }
  return fused_loss(z, total, row_mean_factor<T>(zv.shape()[0]), "binary_cross_entropy_with_logits",
                    std::move(residual), [](const Var<T>& logits) { return sigmoid(logits); });
}

template <class T>
Var<T> softmax_log_likelihood(const Var<T>& z, const std::vector<std::size_t>& labels) {
  const std::size_t m = z.rows(), n = z.cols();
  if (labels.size() != m) {
    throw ShapeError(fmt::format("softmax_log_likelihood: {} labels for logits of shape {} (one "
                                 "label per row expected)",
                                 labels.size(), shape_string(z.shape())));
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (labels[i] >= n) {
      throw InvalidArgument(fmt::format(
          "softmax_log_likelihood: label {} of row {} is out of range (the logits have {} "
          "classes, so labels must be below {})",
          labels[i], i, n, n));
    }
  }
  const Matrix<T> log_a = detail::row_log_softmax(z.value());
  T total = 0;
  for (std::size_t i = 0; i < m; ++i) total -= log_a(i, labels[i]);
  return fused_loss(z, total, row_mean_factor<T>(log_a.shape()[0]), "softmax_log_likelihood",
                    residual_from_labels(log_a, labels),
                    [](const Var<T>& logits) { return softmax(logits); });
}

template <class T>
Var<T> softmax_log_likelihood(const Var<T>& z, const Matrix<T>& y) {
  require_same_shape("softmax_log_likelihood", z, y);
  const Matrix<T> log_a = detail::row_log_softmax(z.value());
  // 0·ln a counts as 0 even where a underflows to 0 (ln a = −inf).
  T total = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (y.flat(k) != T(0)) total -= y.flat(k) * log_a.flat(k);
  }
  // The recorded derivative is that of softmax(z) ⊙ t, t = the rows' target totals.
  Matrix<T> row_totals = xt::zeros<T>({y.shape()[0], std::size_t(1)});
  for (std::size_t i = 0; i < y.shape()[0]; ++i) {
    for (std::size_t j = 0; j < y.shape()[1]; ++j) row_totals(i, 0) += y(i, j);
  }
  return fused_loss(z, total, row_mean_factor<T>(log_a.shape()[0]), "softmax_log_likelihood",
                    residual_from_targets(log_a, y),
                    [t = std::make_shared<const Matrix<T>>(std::move(row_totals))](
                        const Var<T>& logits) { return softmax(logits) * Var<T>(Matrix<T>(*t)); });
}

#define XGRAD_INSTANTIATE(T)                                                                \
  template Var<T> binary_cross_entropy_with_logits<T>(const Var<T>&, const Matrix<T>&);    \
  template Var<T> softmax_log_likelihood<T>(const Var<T>&, const std::vector<std::size_t>&); \
  template Var<T> softmax_log_likelihood<T>(const Var<T>&, const Matrix<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
