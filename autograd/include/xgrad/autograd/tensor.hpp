#pragma once
/// @file
/// The value type of the engine: a row-major 2-D xtensor matrix.
///
/// Every value in xgrad is a matrix: a mini-batch is (examples × features), a bias is a
/// (1 × n) row vector, a loss is a (1 × 1) scalar. Fixing the rank at 2 keeps shapes static
/// (fast xtensor kernels, BLAS without copies) and makes broadcasting rules simple: each
/// dimension must match or be 1.

#include <array>
#include <cstddef>
#include <string>

#include <xtensor/xtensor.hpp>

namespace xgrad {

/// Dense row-major matrix of T (float or double).
template <class T>
using Matrix = xt::xtensor<T, 2>;

/// (rows, cols).
using Shape = std::array<std::size_t, 2>;

/// The shape of a matrix as a Shape.
template <class T>
Shape shape_of(const Matrix<T>& m) {
  return {m.shape()[0], m.shape()[1]};
}

/// "(rows, cols)", for error messages.
std::string shape_string(const Shape& s);

/// Shape of broadcasting a and b under xgrad's rule (each dimension equal or 1).
/// Throws ShapeError naming `op` and both shapes when they are incompatible.
Shape broadcast_shape(const char* op, const Shape& a, const Shape& b);

}  // namespace xgrad
