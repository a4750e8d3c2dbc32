#pragma once
/// @file
/// Exceptions thrown by xgrad: one hierarchy under xgrad::Error, so that a caller can catch
/// xgrad::Error and know the error came from xgrad (it is still a std::exception). Messages
/// name the operation, the values or shapes involved and what was expected.
///
///     Error
///     ├── InvalidArgument   a value outside what a function accepts
///     │   └── ShapeError    operand shapes an operation cannot accept
///     ├── GraphError        misuse of the expression graph
///     ├── IoError           a file that cannot be written (layers/atomic_file.hpp)
///     ├── DataError         bad input data (datasets/errors.hpp)
///     └── ModelFormatError  a model file that cannot be loaded (layers/serialization.hpp)
///
/// The one other exception that can escape is std::bad_alloc, when memory runs out.

#include <stdexcept>
#include <string>
#include <system_error>

namespace xgrad {

/// The base of every exception xgrad throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A value outside what a function accepts: a negative learning rate, an unknown name, a
/// label or index out of range, an axis other than 0 or 1.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// Operand shapes that an operation cannot accept (e.g. `matmul: (3, 4) × (5, 2) ...`).
class ShapeError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// Misuse of the graph: backward() on a non-scalar without a seed, on a Var that needs no
/// gradient, or through a graph already freed by an earlier backward().
class GraphError : public Error {
 public:
  using Error::Error;
};

/// A file that cannot be opened or written; the message names the file, the step and the
/// system's reason, and code() carries the system's error code (errno).
class IoError : public Error {
 public:
  /// `what` followed by ": " and the code's message, as std::system_error words it.
  IoError(std::error_code code, const std::string& what)
      : Error(what + ": " + code.message()), code_(code) {}
  /// The system's error code.
  const std::error_code& code() const noexcept { return code_; }

 private:
  std::error_code code_;
};

}  // namespace xgrad
