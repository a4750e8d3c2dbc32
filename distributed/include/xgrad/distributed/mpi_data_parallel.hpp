#pragma once
/// @file
/// MpiDataParallel: train() on the processes of an MPI communicator.

#include <cstddef>
#include <vector>

#include <xgrad/distributed/communicator.hpp>
#include <xgrad/distributed/gradient_allreducer.hpp>
#include <xgrad/train/data_parallel.hpp>

namespace xgrad {

/// DataParallel over MPI: gradients are summed by a GradientAllreducer (bucketed
/// MPI_Allreduce), costs and counts by one MPI_Allreduce. Making a training loop
/// data-parallel:
///
///     MpiEnvironment mpi(argc, argv);
///     MpiDataParallel<double> parallel(mpi.world());
///     broadcast_parameters(model, mpi.world());   // one model everywhere
///     options.data_parallel = &parallel;           // TrainOptions or SgdOptions
template <class T>
class MpiDataParallel final : public DataParallel<T> {
 public:
  /// Over the processes of `comm`, with gradient buckets of `bucket_bytes`.
  explicit MpiDataParallel(Communicator comm, std::size_t bucket_bytes = std::size_t(1) << 20);

  std::size_t rank() const override;                                         ///< see DataParallel
  std::size_t size() const override;                                         ///< see DataParallel
  /// See DataParallel.
  void reduce_gradients(const std::vector<Parameter<T>>& parameters,
                        std::vector<double>& values) override;
  void sum(std::vector<double>& values) override;                            ///< see DataParallel

  /// The gradient reducer (bucket size, buckets per step).
  const GradientAllreducer<T>& reducer() const noexcept { return reducer_; }

 private:
  GradientAllreducer<T> reducer_;
};

}  // namespace xgrad
