#include "xgrad/layers/dropout.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "instantiate.hpp"
#include "xgrad/autograd/mask.hpp"

namespace xgrad {
namespace {

double checked_p(double p) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw std::invalid_argument(fmt::format("Dropout: p = {} must be in [0, 1)", p));
  }
  return p;
}

}  // namespace

template <class T>
Dropout<T>::Dropout(double p, Rng& rng) : p_(checked_p(p)), rng_(rng.fork()) {}

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed) : p_(checked_p(p)), rng_(seed) {}

template <class T>
Var<T> Dropout<T>::forward(const Var<T>& x) {
  if (!this->is_training() || p_ == 0.0) return x;
  const T scale = static_cast<T>(1.0 / (1.0 - p_));
  mask_.resize({x.rows(), x.cols()});
  for (T& m : mask_) m = rng_.uniform() < p_ ? T(0) : scale;
  return apply_mask(x, mask_);
}

template <class T>
std::string Dropout<T>::describe() const {
  return fmt::format("Dropout({})", p_);
}

#define XGRAD_INSTANTIATE(T) template class Dropout<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
