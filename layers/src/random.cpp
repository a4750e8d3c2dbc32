#include "xgrad/layers/random.hpp"

#include <cmath>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

double standard_normal(Rng& rng) {
  // Uniforms from the top 53 bits: u1 in (0, 1] so that ln u1 is finite, u2 in [0, 1).
  const double u1 = 1.0 - static_cast<double>(rng() >> 11) * 0x1.0p-53;
  const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

template <class T>
Matrix<T> normal_matrix(std::size_t rows, std::size_t cols, double mean, double stddev,
                        Rng& rng) {
  Matrix<T> m = xt::empty<T>({rows, cols});
  for (T& v : m) v = static_cast<T>(mean + stddev * standard_normal(rng));
  return m;
}

#define XGRAD_INSTANTIATE(T) \
  template Matrix<T> normal_matrix<T>(std::size_t, std::size_t, double, double, Rng&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
