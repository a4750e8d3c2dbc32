#pragma once
// The processes an example program runs on: MPI's world when mpirun started it (and xgrad
// was built with MPI), else this process alone; and running independent tasks on them.

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::examples {

/// A task run by Processes::run_tasks() on several processes failed; every rank throws it.
/// The message names the task and the rank it failed on.
class TaskFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The processes of the program. Under mpirun (built with MPI) MPI starts here, and
/// stdout is silenced on every rank but 0, which alone prints and writes files. Alone,
/// MPI is not started at all and nothing differs from a program without MPI.
class Processes {
 public:
  /// A task: computes task `index` and returns its result as bytes.
  using Task = std::function<std::string(std::size_t index)>;
  /// Told on rank 0 of each result as it arrives: task, the rank that ran it, the result.
  using OnResult = std::function<void(std::size_t index, int rank, const std::string& result)>;

  /// Starts MPI when launched by mpirun (see the class comment).
  Processes(int& argc, char**& argv);
  ~Processes();
  Processes(const Processes&) = delete;             ///< one per program
  Processes& operator=(const Processes&) = delete;  ///< one per program

  int rank() const { return rank_; }        ///< this process's rank (0 alone)
  int size() const { return size_; }        ///< processes (1 alone)
  bool root() const { return rank_ == 0; }  ///< rank 0: prints and writes files

  /// Runs tasks 0 … count−1 and returns their results in task order on every rank. Alone:
  /// one after another, calling `on_result` after each, exceptions propagate unchanged.
  /// On several processes (a collective call): handed out dynamically by rank 0's task farm
  /// (xgrad::run_task_farm, which rank 0 computes in too); a task's exception ends the
  /// call on every rank with TaskFailed naming the task and the rank.
  /// `order`, if not empty, is the order in which the tasks are started (a permutation, e.g.
  /// the longest first); the results stay in task order. A task running longer than
  /// set_task_timeout()'s limit on several processes ends the job with an error.
  std::vector<std::string> run_tasks(std::size_t count, const Task& task,
                                     const OnResult& on_result = nullptr,
                                     const std::vector<std::size_t>& order = {}) const;

  /// Limits the seconds one task of run_tasks() may take on several processes (0: none).
  void set_task_timeout(double seconds) { task_timeout_seconds_ = seconds; }

  /// Runs main()'s body and returns the exit status: exceptions become messages on stderr
  /// as report_errors() (cli.hpp) makes them, naming the rank when there are several. An
  /// error on one rank ends the whole job (MPI_Abort) so that no rank waits forever; a
  /// TaskFailed, which every rank throws, is reported by rank 0 alone.
  int run_main(const std::function<int()>& body) const;

 private:
  struct Mpi;
  std::unique_ptr<Mpi> mpi_;
  int rank_ = 0, size_ = 1;
  double task_timeout_seconds_ = 0;
};

}  // namespace xgrad::examples
