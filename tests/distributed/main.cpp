// The distributed tests' main: MPI around GoogleTest. Run under mpirun with any number of
// processes (CTest runs 1, 2 and 3); every test makes the same collective calls on every
// rank, whatever its assertions find, so a failure cannot hang the others.
#include <gtest/gtest.h>

#include <xgrad/distributed/environment.hpp>

int main(int argc, char** argv) {
  xgrad::MpiEnvironment mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  // Only rank 0 reports successes; every rank reports its failures.
  if (mpi.world().rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new ::testing::EmptyTestEventListener);
  }
  const int status = RUN_ALL_TESTS();
  // A failure on one rank fails the job: mpirun returns the first non-zero exit status.
  return status;
}
