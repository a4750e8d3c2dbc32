#pragma once
/// @file
/// run_task_farm: independent tasks handed out dynamically to the processes of an MPI job
/// by a manager (rank 0), results gathered in task order.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <xgrad/autograd/errors.hpp>
#include <xgrad/distributed/communicator.hpp>

namespace xgrad {

/// A task of run_task_farm() threw: the message names the task, the rank that ran it and the
/// task's own message, e.g. "task 3 failed on rank 1 of 2: unknown layer". Every rank of the
/// farm throws it.
class TaskError : public Error {
 public:
  /// `what` is the whole message; `task` the failed task's index; `rank` where it ran.
  TaskError(const std::string& what, std::size_t task, int rank)
      : Error(what), task_(task), rank_(rank) {}
  /// The index of the task that failed.
  std::size_t task() const noexcept { return task_; }
  /// The rank of the process that ran it.
  int rank() const noexcept { return rank_; }

 private:
  std::size_t task_;
  int rank_;
};

/// A task of run_task_farm() did not finish within TaskFarmOptions::task_timeout_seconds.
/// Thrown on rank 0 only: the rank running the task cannot be reached, and the other
/// workers wait for rank 0, so the program must end the job (MpiEnvironment::
/// end_job_on_error()) rather than return.
class TaskTimeout : public TaskError {
 public:
  using TaskError::TaskError;
};

/// Computes task `index` and returns its result as bytes (any serialisation: text, JSON…).
using FarmTask = std::function<std::string(std::size_t index)>;
/// Told on rank 0 of each result as it arrives (in the order they finish): the task, the rank
/// that computed it and its result.
using FarmResult = std::function<void(std::size_t index, int rank, const std::string& result)>;

/// Options of run_task_farm().
struct TaskFarmOptions {
  /// Rank 0 computes tasks too, on a second thread, while its main thread hands out work
  /// (so N processes compute on N cores). false: rank 0 only manages (with one process the
  /// tasks then run on rank 0 anyway).
  bool manager_computes = true;
  /// The order in which the tasks are handed out (a permutation of 0 … count−1, e.g. the
  /// longest first, which balances the load); empty: 0, 1, 2, … Results stay in task order.
  std::vector<std::size_t> order;
  /// Seconds a task may run before rank 0 gives up on it and throws TaskTimeout (see
  /// there: the job must then be ended); 0: wait forever. Must be finite and ≥ 0. With one
  /// process the tasks run inline and are not timed.
  double task_timeout_seconds = 0;
};

/// Runs tasks 0 … count−1 on the processes of `comm` and returns every result, in task
/// order, on every rank. A manager–worker task farm: rank 0 hands out task indices one at a
/// time; a worker asks for a task, computes it, sends its result back and asks again, so a
/// fast process takes more tasks than a slow one. Collective: every rank calls it with the
/// same `count` (and `order`), and `task(i)` must compute the same result on any rank (a task
/// is deterministic from its index, e.g. its seed). Tasks must not call MPI (rank 0 runs its
/// own on a second thread; MPI stays on the main thread, as MPI_THREAD_FUNNELED requires).
///
/// With one process the tasks run one after another, calling `on_result` after each.
///
/// Errors: a task still running after options.task_timeout_seconds makes rank 0 throw
/// TaskTimeout naming the task and the rank (the others are left waiting: end the job).
/// A task's exception is sent to rank 0, which hands out no more tasks, waits for the
/// tasks already running, and then every rank throws TaskError naming the task and the rank.
/// A failing MPI call throws DistributedError naming the rank (the program should then end
/// the job, see MpiEnvironment::end_job_on_error(), since other ranks may wait for this one).
/// Waiting ranks poll with short sleeps rather than spin, leaving the cores to computing ones.
std::vector<std::string> run_task_farm(const Communicator& comm, std::size_t count,
                                       const FarmTask& task, const FarmResult& on_result = nullptr,
                                       const TaskFarmOptions& options = {});

}  // namespace xgrad
