#include "xgrad/autograd/random.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

double uniform_unit(Rng& rng) { return double(rng() >> 11) * 0x1.0p-53; }

std::uint64_t uniform_below(Rng& rng, std::uint64_t n) {
  // Reject the top partial block of 2^64 so that every residue is equally likely.
  const std::uint64_t limit = Rng::max() - (Rng::max() % n + 1) % n;
  std::uint64_t r = rng();
  while (r > limit) r = rng();
  return r % n;
}

void shuffle(std::vector<std::size_t>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = uniform_below(rng, i);
    std::swap(v[i - 1], v[j]);
  }
}

double standard_normal(Rng& rng) {
  // u1 in (0, 1] so that ln u1 is finite, u2 in [0, 1).
  const double u1 = 1.0 - uniform_unit(rng);
  const double u2 = uniform_unit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

template <class T>
Matrix<T> normal_matrix(std::size_t rows, std::size_t cols, double mean, double stddev,
                        Rng& rng) {
  Matrix<T> m = xt::empty<T>({rows, cols});
  for (T& v : m) v = static_cast<T>(mean + stddev * standard_normal(rng));
  return m;
}

std::string save_rng(const Rng& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

void restore_rng(Rng& rng, const std::string& state) {
  std::istringstream in(state);
  Rng restored;
  in >> restored;
  if (!in) {
    throw InvalidArgument(
        "restore_rng: the text is not a saved mt19937_64 state (expected 312 numbers and an "
        "index, as written by save_rng)");
  }
  rng = restored;
}

#define XGRAD_INSTANTIATE(T) \
  template Matrix<T> normal_matrix<T>(std::size_t, std::size_t, double, double, Rng&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
