#include "xgrad/distributed/communicator.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include <fmt/format.h>

#include "xgrad/distributed/errors.hpp"

namespace xgrad {
namespace {

// MPI counts are ints: longer arrays go in pieces of at most 2^30 elements.
constexpr std::size_t kMaxCount = std::size_t(1) << 30;

template <class T, class F>
void in_pieces(T* data, std::size_t count, F&& f) {
  for (std::size_t done = 0; done < count; done += kMaxCount) {
    f(data + done, int(std::min(kMaxCount, count - done)));
  }
}

}  // namespace

Communicator Communicator::world() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    throw DistributedError(
        "Communicator::world: MPI is not initialised (create an MpiEnvironment in main first)", -1);
  }
  return Communicator(MPI_COMM_WORLD);
}

Communicator::Communicator(MPI_Comm comm) : comm_(comm) {
  // Errors come back as codes, which check() turns into exceptions naming the rank.
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

void Communicator::check(int status, const char* call) const {
  if (status == MPI_SUCCESS) return;
  char reason[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(status, reason, &length) != MPI_SUCCESS) {
    fmt::format_to_n(reason, sizeof reason - 1, "MPI error code {}", status);
  }
  throw DistributedError(fmt::format("{} failed on rank {} of {}: {}", call, rank_, size_, reason),
                         rank_);
}

int Communicator::local_size() const {
  MPI_Comm node;
  check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  int n = 1;
  const int status = MPI_Comm_size(node, &n);
  MPI_Comm_free(&node);
  check(status, "MPI_Comm_size");
  return n;
}

void Communicator::barrier() const { check(MPI_Barrier(comm_), "MPI_Barrier"); }

void Communicator::sum(float* data, std::size_t count) const {
  in_pieces(data, count, [&](float* p, int n) {
    check(MPI_Allreduce(MPI_IN_PLACE, p, n, MPI_FLOAT, MPI_SUM, comm_), "MPI_Allreduce");
  });
}

void Communicator::sum(double* data, std::size_t count) const {
  in_pieces(data, count, [&](double* p, int n) {
    check(MPI_Allreduce(MPI_IN_PLACE, p, n, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce");
  });
}

void Communicator::max(int* data, std::size_t count) const {
  in_pieces(data, count, [&](int* p, int n) {
    check(MPI_Allreduce(MPI_IN_PLACE, p, n, MPI_INT, MPI_MAX, comm_), "MPI_Allreduce");
  });
}

void Communicator::broadcast(float* data, std::size_t count, int root) const {
  in_pieces(data, count, [&](float* p, int n) {
    check(MPI_Bcast(p, n, MPI_FLOAT, root, comm_), "MPI_Bcast");
  });
}

void Communicator::broadcast(double* data, std::size_t count, int root) const {
  in_pieces(data, count, [&](double* p, int n) {
    check(MPI_Bcast(p, n, MPI_DOUBLE, root, comm_), "MPI_Bcast");
  });
}

void Communicator::broadcast(char* data, std::size_t count, int root) const {
  in_pieces(data, count, [&](char* p, int n) {
    check(MPI_Bcast(p, n, MPI_CHAR, root, comm_), "MPI_Bcast");
  });
}

void Communicator::abort(int code) const {
  MPI_Abort(comm_, code);
  std::_Exit(code);  // MPI_Abort does not return; this only satisfies [[noreturn]]
}

}  // namespace xgrad
