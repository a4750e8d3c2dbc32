#pragma once
/// @file
/// DataParallel: what train() needs to train one model on several processes, without
/// knowing how they talk (the `distributed` module implements it over MPI).

#include <cstddef>
#include <utility>
#include <vector>

#include <xgrad/layers/module.hpp>

namespace xgrad {

/// The processes that train one model together, as train() sees them (data parallelism).
///
/// Every process runs train() with the same model, data, options and seed. Each mini-batch
/// of `batch_size` rows (the GLOBAL mini-batch) is cut into size() contiguous shares; a
/// process computes the gradient of its share only, reduce_gradients() sums the gradients
/// of all processes, and every process applies the same update, so the parameters stay
/// equal everywhere. Each share's mean loss is weighted by its rows / batch rows, and the
/// L1 term is added on rank 0 only, so the sum is the single-process gradient up to the
/// order of floating-point additions. Every Dropout's generator skips the other processes'
/// rows, so the masks are those of one process too. Monitoring is split the same way and
/// summed.
///
/// Every call is collective: all processes must make it, in the same order.
template <class T>
class DataParallel {
 public:
  virtual ~DataParallel() = default;

  /// This process's index in [0, size()).
  virtual std::size_t rank() const = 0;
  /// Number of processes training the model (1: train() behaves as without it).
  virtual std::size_t size() const = 0;

  /// Replaces every parameter's gradient by its sum over the processes. A parameter
  /// without a gradient here contributes zeros; afterwards it has a gradient iff some
  /// process had one. `values` are summed too, in the same messages and in T's precision
  /// (train() passes the mini-batch cost): one round of communication per step.
  virtual void reduce_gradients(const std::vector<Parameter<T>>& parameters,
                                std::vector<double>& values) = 0;

  /// Replaces each of `values` by its sum over the processes (costs, counts of correct
  /// classifications).
  virtual void sum(std::vector<double>& values) = 0;

  /// Rows [first, last) of `rows` that this process handles: contiguous shares, in rank
  /// order, whose sizes differ by at most one.
  std::pair<std::size_t, std::size_t> share(std::size_t rows) const {
    const std::size_t n = size(), r = rank();
    return {rows * r / n, rows * (r + 1) / n};
  }
};

}  // namespace xgrad
