// A job whose last rank fails while the others wait for it in a collective call: it must
// end, with a non-zero status, within seconds (tests/scripts/mpi_failing_rank_test.sh).
//   xgrad_mpi_failing_rank caught     the error is caught and reported; the job is aborted
//   xgrad_mpi_failing_rank uncaught   the exception escapes main (std::terminate)
#include <cstdio>
#include <cstring>
#include <vector>

#include <xgrad/autograd/errors.hpp>
#include <xgrad/distributed/environment.hpp>

int main(int argc, char** argv) {
  xgrad::MpiEnvironment mpi(argc, argv);
  const xgrad::Communicator world = mpi.world();
  const bool caught = argc < 2 || std::strcmp(argv[1], "uncaught") != 0;
  auto body = [&] {
    if (world.rank() == world.size() - 1) {
      throw xgrad::InvalidArgument("deliberate failure on rank " + std::to_string(world.rank()));
    }
    std::vector<double> v{1.0};
    world.sum(v.data(), v.size());  // waits for the failed rank forever, unless aborted
    return 0;
  };
  if (!caught) return body();
  int status = 0;
  try {
    status = body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    status = 1;
  }
  mpi.end_job_on_error(status);
  return status;
}
