// A task farm whose last rank fails in a task: the job must end within seconds, with a
// non-zero status (tests/distributed/farm_failure_test.sh).
//   xgrad_mpi_farm_failure throw   the task throws: every rank gets TaskError, rank 0 alone
//                                  reports it, every rank exits with status 1
//   xgrad_mpi_farm_failure exit    the process dies in the task (std::_Exit): mpirun ends
//                                  the others
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
  const bool exit_in_task = argc > 1 && std::strcmp(argv[1], "exit") == 0;
  const int failing = world.size() - 1;
  try {
    // Enough tasks that the last rank surely gets one.
    xgrad::run_task_farm(world, 200, [&](std::size_t i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (world.rank() == failing) {
        if (exit_in_task) std::_Exit(3);
        throw std::runtime_error("deliberate failure on rank " + std::to_string(failing));
      }
      return std::to_string(i);
    });
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
