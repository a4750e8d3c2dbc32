#include "common/processes.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "cli.hpp"

#ifdef XGRAD_WITH_MPI
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/task_farm.hpp>
#endif

namespace xgrad::examples {

struct Processes::Mpi {
#ifdef XGRAD_WITH_MPI
  std::optional<MpiEnvironment> environment;
  std::optional<Communicator> world;
#endif
};

Processes::Processes(int& argc, char**& argv) : mpi_(std::make_unique<Mpi>()) {
#ifdef XGRAD_WITH_MPI
  // MPI only under mpirun: on its own the program starts without MPI's half-second init.
  if (launched_by_mpirun()) {
    mpi_->environment.emplace(argc, argv);
    mpi_->world = mpi_->environment->world();
    rank_ = mpi_->world->rank();
    size_ = mpi_->world->size();
    // Only rank 0 prints; every rank's errors still reach stderr.
    if (rank_ != 0 && !std::freopen("/dev/null", "w", stdout)) {
      throw std::runtime_error("could not silence stdout");
    }
  }
#else
  (void)argc;
  (void)argv;
  // Built without MPI but started by mpirun: every process would run the whole program.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* n = std::getenv(name); n != nullptr && std::atoi(n) > 1) {
      fmt::print(stderr, "note: xgrad was built without MPI, so each of the {} processes runs "
                         "the whole program\n", n);
      break;
    }
  }
#endif
}

Processes::~Processes() = default;

std::vector<std::string> Processes::run_tasks(std::size_t count, const Task& task,
                                              const OnResult& on_result,
                                              const std::vector<std::size_t>& order) const {
#ifdef XGRAD_WITH_MPI
  if (size_ > 1) {
    try {
      TaskFarmOptions options;
      options.order = order;
      options.task_timeout_seconds = task_timeout_seconds_;
      return run_task_farm(*mpi_->world, count, task, on_result, options);
    } catch (const TaskTimeout& e) {
      throw std::runtime_error(e.what());  // rank 0 alone: run_main() ends the job
    } catch (const TaskError& e) {
      throw TaskFailed(e.what());
    }
  }
#endif
  std::vector<std::string> results(count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t i = order.empty() ? k : order.at(k);
    results[i] = task(i);
    if (on_result) on_result(i, 0, results[i]);
  }
  return results;
}

int Processes::run_main(const std::function<int()>& body) const {
  bool together = false;
  const std::string where = size_ > 1 ? fmt::format(" on rank {} of {}", rank_, size_) : "";
  const int status = report_errors([&] {
    try {
      return body();
    } catch (const TaskFailed&) {
      together = true;
      if (rank_ != 0) return 1;  // rank 0 reports it
      throw;
    }
  }, where);
#ifdef XGRAD_WITH_MPI
  if (status != 0 && !together && mpi_->environment) mpi_->environment->end_job_on_error(status);
#endif
  return status;
}

}  // namespace xgrad::examples
