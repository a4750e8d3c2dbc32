#pragma once
/// @file
/// DistributedError: an MPI call that failed, naming the rank where it failed.

#include <string>

#include <xgrad/autograd/errors.hpp>

namespace xgrad {

/// An MPI call that returned an error (communicators are set to MPI_ERRORS_RETURN). The
/// message names the call, the rank and size of the communicator and MPI's own reason,
/// e.g. "MPI_Allreduce failed on rank 1 of 2: MPI_ERR_TRUNCATE: message truncated".
class DistributedError : public Error {
 public:
  /// `what` is the whole message; `rank` the failing process's rank (−1 if unknown).
  DistributedError(const std::string& what, int rank) : Error(what), rank_(rank) {}
  /// The rank of the process where the call failed (−1 if MPI could not tell).
  int rank() const noexcept { return rank_; }

 private:
  int rank_;
};

}  // namespace xgrad
