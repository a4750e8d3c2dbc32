// A task farm whose last rank fails in a task: the job must end within seconds, with a
// non-zero status (tests/distributed/farm_failure_test.sh).
//   xgrad_mpi_farm_failure throw   the task throws: every rank gets TaskError, rank 0 alone
//                                  reports it, every rank exits with status 1
//   xgrad_mpi_farm_failure exit    the process dies in the task (std::_Exit): mpirun ends
//                                  the others
//   xgrad_mpi_farm_failure hang    the task never returns: after the 2 s timeout rank 0
//                                  reports TaskTimeout and ends the job
//   xgrad_mpi_farm_failure hang_root   the same with rank 0's own task (its second thread)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/task_farm.hpp>

int main(int argc, char** argv) {
  xgrad::MpiEnvironment mpi(argc, argv);
  const xgrad::Communicator world = mpi.world();
  const std::string mode = argc > 1 ? argv[1] : "throw";
  const int failing = mode == "hang_root" ? 0 : world.size() - 1;
  xgrad::TaskFarmOptions options;
  options.task_timeout_seconds = 2;
  try {
    // Enough tasks that the failing rank surely gets one.
    xgrad::run_task_farm(world, 200, [&](std::size_t i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (world.rank() == failing) {
        if (mode == "exit") std::_Exit(3);
        if (mode == "hang" || mode == "hang_root") std::this_thread::sleep_for(std::chrono::hours(1));
        throw std::runtime_error("deliberate failure on rank " + std::to_string(failing));
      }
      return std::to_string(i);
    }, nullptr, options);
  } catch (const xgrad::TaskTimeout& e) {
    // Rank 0 alone knows; the hung rank cannot be told: end the job.
    std::fprintf(stderr, "error: %s\n", e.what());
    mpi.end_job_on_error(1);
    return 1;
  } catch (const xgrad::TaskError& e) {
    // Every rank has it: no need to abort the job, and rank 0 alone reports it.
    if (world.rank() == 0) std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error on rank %d: %s\n", world.rank(), e.what());
    mpi.end_job_on_error(1);
    return 1;
  }
  return 0;
}
