#pragma once
/// @file
/// The exception thrown for bad data: a file that is missing, unreadable, corrupt or not in
/// the expected format, or arrays that cannot form a data set.

#include <xgrad/autograd/errors.hpp>

namespace xgrad {

/// Bad input data. The message names the file (or the argument), what was wrong, where
/// (byte offset, index, line) and what was expected, e.g.
/// `train-images-idx3-ubyte.gz: magic number 0x00000802, expected 0x00000803 (images)`.
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace xgrad
