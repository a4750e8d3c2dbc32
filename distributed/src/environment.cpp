#include "xgrad/distributed/environment.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <fmt/format.h>

#include "xgrad/distributed/errors.hpp"

namespace xgrad {

bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

MpiEnvironment::MpiEnvironment(int& argc, char**& argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  int provided = 0;
  const int status = MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  if (status != MPI_SUCCESS) {
    throw DistributedError(fmt::format("MPI_Init_thread failed (MPI error code {})", status), -1);
  }
  owner_ = true;
}

MpiEnvironment::~MpiEnvironment() {
  if (!owner_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (std::uncaught_exceptions() > 0 && size > 1) {
    // The other ranks may be waiting for this one in a collective call: end them all.
    std::fflush(nullptr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
}

void MpiEnvironment::end_job_on_error(int status) const {
  if (status == 0) return;
  int finalized = 0, size = 1;
  MPI_Finalized(&finalized);
  if (finalized) return;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) return;
  std::fflush(nullptr);
  MPI_Abort(MPI_COMM_WORLD, status);
}

}  // namespace xgrad
