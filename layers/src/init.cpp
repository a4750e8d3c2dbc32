#include "xgrad/layers/init.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

std::string to_string(Init init) {
  switch (init) {
    case Init::standard: return "standard";
    case Init::large: return "large";
    case Init::xavier: return "xavier";
    case Init::he: return "he";
  }
  return "unknown";
}

Init init_from_string(const std::string& name) {
  for (Init init : {Init::standard, Init::large, Init::xavier, Init::he}) {
    if (to_string(init) == name) return init;
  }
  throw InvalidArgument(fmt::format(
      "unknown initializer '{}' (expected standard, large, xavier or he)", name));
}

double weight_stddev(Init init, std::size_t n_in, std::size_t n_out) {
  const double in = static_cast<double>(n_in), out = static_cast<double>(n_out);
  switch (init) {
    case Init::standard: return 1.0 / std::sqrt(in);
    case Init::large: return 1.0;
    case Init::xavier: return std::sqrt(2.0 / (in + out));
    case Init::he: return std::sqrt(2.0 / in);
  }
  return 0.0;
}

double bias_stddev(Init init) {
  return init == Init::standard || init == Init::large ? 1.0 : 0.0;
}

template <class T>
Matrix<T> initial_weights(std::size_t n_in, std::size_t n_out, Init init, Rng& rng) {
  return normal_matrix<T>(n_in, n_out, 0.0, weight_stddev(init, n_in, n_out), rng);
}

namespace {

template <class T>
Matrix<T> draw_biases(std::size_t rows, std::size_t cols, Init init, Rng& rng) {
  const double stddev = bias_stddev(init);
  // Zero biases draw nothing, so the weights that follow do not depend on their number.
  if (stddev == 0.0) return xt::zeros<T>({rows, cols});
  return normal_matrix<T>(rows, cols, 0.0, stddev, rng);
}

}  // namespace

template <class T>
Matrix<T> initial_biases(std::size_t n_out, Init init, Rng& rng) {
  return draw_biases<T>(1, n_out, init, rng);
}

template <class T>
void initialize(Module<T>& module, Init init, Rng& rng) {
  for (const Parameter<T>& p : module.parameters()) {
    Matrix<T>& value = p.var.mutable_value();
    const std::size_t rows = value.shape()[0], cols = value.shape()[1];
    value = p.is_weight() ? initial_weights<T>(rows, cols, init, rng)
                          : draw_biases<T>(rows, cols, init, rng);
  }
}

#define XGRAD_INSTANTIATE(T)                                                         \
  template Matrix<T> initial_weights<T>(std::size_t, std::size_t, Init, Rng&);       \
  template Matrix<T> initial_biases<T>(std::size_t, Init, Rng&);                     \
  template void initialize<T>(Module<T>&, Init, Rng&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
