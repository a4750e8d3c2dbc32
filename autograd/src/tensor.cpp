#include "xgrad/autograd/tensor.hpp"

#include <fmt/format.h>

#include "xgrad/autograd/errors.hpp"

namespace xgrad {

std::string shape_string(const Shape& s) { return fmt::format("({}, {})", s[0], s[1]); }

Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
  Shape out{};
  for (int d = 0; d < 2; ++d) {
    if (a[d] != b[d] && a[d] != 1 && b[d] != 1) {
      throw ShapeError(fmt::format(
          "{}: shapes {} and {} do not broadcast (each dimension must match or be 1)", op,
          shape_string(a), shape_string(b)));
    }
    out[d] = a[d] == 1 ? b[d] : a[d];
  }
  return out;
}

}  // namespace xgrad
