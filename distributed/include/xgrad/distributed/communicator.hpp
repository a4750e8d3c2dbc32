#pragma once
/// @file
/// Communicator: a group of MPI processes (rank, size, barrier, sums and broadcasts), whose
/// failures throw DistributedError instead of aborting.

#include <cstddef>

#include <mpi.h>

namespace xgrad {

/// A handle on an MPI communicator (not owned: MPI_COMM_WORLD lives until MPI_Finalize).
/// Its error handler is set to MPI_ERRORS_RETURN, and every failing call throws
/// DistributedError naming the call and this rank. All calls but rank() and size() are
/// collective. Needs MPI to be initialised (MpiEnvironment).
class Communicator {
 public:
  /// MPI_COMM_WORLD: every process of the job (size 1, rank 0 when not started by
  /// mpirun). Throws DistributedError if MPI is not initialised.
  static Communicator world();
  /// Wraps `comm` and sets its error handler to MPI_ERRORS_RETURN.
  explicit Communicator(MPI_Comm comm);

  /// This process's rank in [0, size()).
  int rank() const noexcept { return rank_; }
  /// Number of processes.
  int size() const noexcept { return size_; }
  /// Processes of this communicator on this node (for choosing threads per rank).
  int local_size() const;
  /// The MPI handle, for calls xgrad does not wrap.
  MPI_Comm native() const noexcept { return comm_; }

  /// Waits until every process has reached it.
  void barrier() const;
  /// Replaces data[0, count) by its element-wise sum over the processes, in place.
  void sum(float* data, std::size_t count) const;
  /// Replaces data[0, count) by its element-wise sum over the processes, in place.
  void sum(double* data, std::size_t count) const;
  /// Replaces data[0, count) by its element-wise maximum over the processes, in place.
  void max(int* data, std::size_t count) const;
  /// Copies `root`'s data[0, count) to every process.
  void broadcast(float* data, std::size_t count, int root = 0) const;
  /// Copies `root`'s data[0, count) to every process.
  void broadcast(double* data, std::size_t count, int root = 0) const;
  /// Copies `root`'s data[0, count) to every process.
  void broadcast(char* data, std::size_t count, int root = 0) const;

  /// Ends every process of the communicator with exit status `code` (MPI_Abort): the way
  /// out of an error on one rank while the others wait in a collective call.
  [[noreturn]] void abort(int code) const;

  /// Throws DistributedError "<call> failed on rank R of N: <MPI's reason>" unless
  /// `status` is MPI_SUCCESS.
  void check(int status, const char* call) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace xgrad
