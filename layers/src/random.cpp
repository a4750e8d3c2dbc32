#include "xgrad/layers/random.hpp"

#include <cmath>

#include "instantiate.hpp"

namespace xgrad {

double Rng::uniform() {
  // The top 53 bits, scaled: exactly representable, never 1.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Rng::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // in (0, 1]: ln u1 is finite
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * M_PI * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return radius * std::cos(angle);
}

template <class T>
Matrix<T> Rng::normal_matrix(std::size_t rows, std::size_t cols, double mean, double stddev) {
  Matrix<T> m = xt::empty<T>({rows, cols});
  for (T& v : m) v = static_cast<T>(mean + stddev * normal());
  return m;
}

#define XGRAD_INSTANTIATE(T) \
  template Matrix<T> Rng::normal_matrix<T>(std::size_t, std::size_t, double, double);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
