#include "xgrad/layers/dense.hpp"

#include <typeinfo>

#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/linear.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

std::size_t checked_size(std::size_t n, const char* what) {
  if (n == 0) {
    throw InvalidArgument(fmt::format("Dense: {} = 0, expected at least 1", what));
  }
  return n;
}

void check_bias_shape(const Shape& weight, const Shape& bias) {
  if (bias != Shape{1, weight[1]}) {
    throw ShapeError(fmt::format(
        "Dense: bias has shape {}, expected {} (one row, one column per output of the {} "
        "weight)",
        shape_string(bias), shape_string({1, weight[1]}), shape_string(weight)));
  }
}

// The temporary lives to the end of the full expression, i.e. through the delegated
// constructor that draws from it.
Rng& as_lvalue(Rng&& rng) { return rng; }

}  // namespace

template <class T>
Dense<T>::Dense(std::size_t in, std::size_t out, Init init, Rng& rng)
    : in_(checked_size(in, "in")), out_(checked_size(out, "out")) {
  weight_ = this->register_parameter("weight", initial_weights<T>(in, out, init, rng),
                                     ParameterKind::weight);
  bias_ = this->register_parameter("bias", initial_biases<T>(out, init, rng),
                                   ParameterKind::bias);
}

template <class T>
Dense<T>::Dense(std::size_t in, std::size_t out, Init init, std::uint64_t seed)
    : Dense(in, out, init, as_lvalue(Rng(seed))) {}

template <class T>
Dense<T>::Dense(Matrix<T> weight, Matrix<T> bias)
    : Dense(Var<T>(std::move(weight), true), Var<T>(std::move(bias), true)) {}

template <class T>
Dense<T>::Dense(Var<T> weight, Var<T> bias)
    : in_(checked_size(weight.rows(), "in (weight rows)")),
      out_(checked_size(weight.cols(), "out (weight columns)")) {
  check_bias_shape(weight.shape(), bias.shape());
  weight_ = this->register_parameter("weight", std::move(weight), ParameterKind::weight);
  bias_ = this->register_parameter("bias", std::move(bias), ParameterKind::bias);
}

template <class T>
Var<T> Dense<T>::forward(const Var<T>& x) {
  return forward(x, Activation::identity);
}

template <class T>
Var<T> Dense<T>::forward(const Var<T>& x, Activation act) {
  if (x.cols() != in_) {
    throw ShapeError(fmt::format("Dense: input has {} columns, expected {} (input shape {})",
                                 x.cols(), in_, shape_string(x.shape())));
  }
  return linear(x, weight_, bias_, act);
}

template <class T>
Var<T> Dense<T>::forward_activated(const Var<T>& x, Activation act) {
  if (typeid(*this) != typeid(Dense<T>)) return Module<T>::forward_activated(x, act);
  return forward(x, act);
}

template <class T>
std::optional<LinearParameters<T>> Dense<T>::linear_parameters() const {
  if (typeid(*this) != typeid(Dense<T>)) return std::nullopt;
  return LinearParameters<T>{weight_, bias_};
}

template <class T>
std::string Dense<T>::describe() const {
  return fmt::format("Dense({}, {})", in_, out_);
}

#define XGRAD_INSTANTIATE(T) template class Dense<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
