#pragma once
/// @file
/// MpiEnvironment: MPI's lifetime (MPI_Init … MPI_Finalize) as an object in main().

#include <xgrad/distributed/communicator.hpp>

namespace xgrad {

/// True when a launcher such as mpirun started this process (Open MPI's or PMIx's rank
/// variables are set). A program can then skip MPI altogether when run on its own: a
/// singleton MPI_Init works, but takes about half a second here.
bool launched_by_mpirun();

/// Initialises MPI when constructed and finalises it when destroyed; create one at the top
/// of main(). Works with or without mpirun (alone, the world has one process). If it is
/// destroyed while an exception propagates in a job of several processes, it calls
/// MPI_Abort, so that the other ranks end too instead of waiting forever.
class MpiEnvironment {
 public:
  /// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI), unless MPI
  /// is already initialised. Throws DistributedError if MPI cannot start.
  MpiEnvironment(int& argc, char**& argv);
  /// MPI_Finalize (or MPI_Abort, see the class comment), if this object initialised MPI.
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;             ///< one per process
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;  ///< one per process

  /// Communicator::world().
  Communicator world() const { return Communicator::world(); }

  /// For a program's error path: when the job has several processes and `status` is not
  /// 0, ends all of them with that exit status (MPI_Abort), since the others may wait for
  /// this one forever; otherwise returns and the caller exits with `status` as usual.
  void end_job_on_error(int status) const;

 private:
  bool owner_ = false;
};

}  // namespace xgrad
