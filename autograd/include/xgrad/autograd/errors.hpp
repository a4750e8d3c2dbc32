#pragma once
/// @file
/// Exceptions thrown by xgrad. Messages name the operation, the shapes and what was expected.

#include <stdexcept>
#include <string>

namespace xgrad {

/// Operand shapes that an operation cannot accept (e.g. `matmul: (3, 4) × (5, 2) ...`).
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Misuse of the graph: backward() on a non-scalar without a seed, on a Var that needs no
/// gradient, or through a graph already freed by an earlier backward().
class GraphError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace xgrad
