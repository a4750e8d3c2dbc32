#include "xgrad/layers/dropout.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/mask.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

double checked_p(double p) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw InvalidArgument(fmt::format("Dropout: p = {} must be in [0, 1)", p));
  }
  return p;
}

// With u = k·2⁻⁵³ uniform (k the top 53 bits of a draw), u < p ⇔ k < ⌈p·2⁵³⌉ (exact:
// scaling by a power of two is).
std::uint64_t drop_threshold(double p) {
  return static_cast<std::uint64_t>(std::ceil(std::ldexp(p, 53)));
}

}  // namespace

template <class T>
Dropout<T>::Dropout(double p, Rng& rng) : Dropout(p, static_cast<std::uint64_t>(rng())) {}

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed)
    : p_(checked_p(p)), drop_below_(drop_threshold(p_)), rng_(seed) {}

template <class T>
Var<T> Dropout<T>::forward(const Var<T>& x) {
  if (!this->is_training() || p_ == 0.0) return x;
  const T scale = static_cast<T>(1.0 / (1.0 - p_));
  mask_.resize({x.rows(), x.cols()});
  for (T& m : mask_) m = (rng_() >> 11) < drop_below_ ? T(0) : scale;
  return apply_mask(x, mask_);
}

template <class T>
std::string Dropout<T>::describe() const {
  return fmt::format("Dropout({})", p_);
}

#define XGRAD_INSTANTIATE(T) template class Dropout<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
