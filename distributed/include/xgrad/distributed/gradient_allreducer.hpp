#pragma once
/// @file
/// GradientAllreducer: sums the gradients of many parameters across processes in a few
/// large messages (buckets), in place.

#include <cstddef>
#include <utility>
#include <vector>

#include <xgrad/distributed/communicator.hpp>
#include <xgrad/layers/module.hpp>

namespace xgrad {

/// Sums parameters' gradients over the processes of a communicator, in place. The
/// gradients are packed one after another into a buffer of `bucket_bytes`, and each full
/// buffer is summed by one MPI_Allreduce: a network's many small gradients (biases, small
/// layers) then cost a few messages instead of one each, and a large gradient is cut
/// across several buckets. Works for float and double.
template <class T>
class GradientAllreducer {
 public:
  /// Buckets of `bucket_bytes` (default 1 MiB, at least one element); throws
  /// InvalidArgument for 0.
  explicit GradientAllreducer(Communicator comm, std::size_t bucket_bytes = std::size_t(1) << 20);

  /// Replaces every parameter's gradient by its sum over the processes. A parameter
  /// without a gradient on this process contributes zeros; afterwards it has a gradient
  /// iff some process had one (parameters that no process has a gradient for are left
  /// without; parameters that do not require one are skipped). `extra[0, count)` is summed
  /// in the same messages, in T's precision, like the one flag per parameter that says
  /// whether a process has its gradient: one MPI_Allreduce per bucket and nothing more.
  /// Collective: every process passes the same parameters in the same order.
  void reduce(const std::vector<Parameter<T>>& parameters, double* extra = nullptr,
              std::size_t count = 0);

  /// Elements per bucket.
  std::size_t bucket_elements() const noexcept { return buffer_.size(); }
  /// MPI_Allreduce calls made by the last reduce() for the gradients (the buckets).
  std::size_t last_bucket_count() const noexcept { return last_buckets_; }
  /// The communicator.
  const Communicator& communicator() const noexcept { return comm_; }

 private:
  void flush();

  Communicator comm_;
  std::vector<T> buffer_;
  std::size_t used_ = 0;
  std::vector<std::pair<T*, std::size_t>> segments_;  // where each packed piece came from
  std::vector<T> tail_;  // per parameter: 1 if this process has its gradient; then `extra`
  std::size_t last_buckets_ = 0;
};

}  // namespace xgrad
