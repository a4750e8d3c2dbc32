// Data-parallel training equals single-process training: the same per-epoch accuracies and
// parameters within 1e-10 relative in float64, on every rank, with L1, L2 (weight decay),
// momentum, dropout, a last mini-batch smaller than the number of processes, and all four
// monitors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <xgrad/distributed/broadcast.hpp>
#include <xgrad/distributed/communicator.hpp>
#include <xgrad/distributed/mpi_data_parallel.hpp>
#include <xgrad/xgrad.hpp>

#include "toy_data.hpp"

namespace xgrad {
namespace {

struct TrainedRun {
  TrainingHistory history;
  std::vector<Matrix<double>> parameters;
};

// 202 rows in mini-batches of 10: the last one has 2 rows, so with 3 processes one of
// them has no rows at all.
template <class T>
TrainedRun train_toy(DataParallel<T>* parallel, double momentum, const Communicator* world,
                     double dropout = 0.0) {
  const Dataset<T> training = test::toy_data<T>(202, 6, 1), validation = test::toy_data<T>(71, 6, 2);
  Network<T> net({6, 16, 12, 3}, Cost::cross_entropy(),
                 NetworkOptions{Activation::sigmoid, dropout, Init::standard, 5});
  if (world) broadcast_parameters(net.model(), *world);
  SgdOptions<T> options;
  options.regularization.l2 = 2.0;
  options.regularization.l1 = 0.5;
  options.momentum = momentum;
  options.evaluation = &validation;
  options.monitor.evaluation_accuracy = options.monitor.evaluation_cost = true;
  options.monitor.training_accuracy = options.monitor.training_cost = true;
  options.seed = 9;
  options.data_parallel = parallel;
  TrainedRun run;
  run.history = net.sgd(training, 6, 10, 0.5, options);
  for (const Parameter<T>& p : net.model().parameters()) {
    Matrix<double> v = xt::cast<double>(p.var.value());
    run.parameters.push_back(v);
  }
  return run;
}

double max_relative_difference(const std::vector<Matrix<double>>& a,
                               const std::vector<Matrix<double>>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t k = 0; k < a[i].size(); ++k) {
      const double x = a[i].data()[k], y = b[i].data()[k];
      worst = std::max(worst, std::abs(x - y) / std::max(std::abs(y), 1e-300));
    }
  }
  return worst;
}

// Rank 0's parameters on every rank, bit for bit: the ranks never drift apart.
void expect_same_on_every_rank(const std::vector<Matrix<double>>& parameters,
                               const Communicator& world) {
  std::size_t differing = 0;
  for (const Matrix<double>& p : parameters) {
    Matrix<double> root = p;
    world.broadcast(root.data(), root.size(), 0);
    differing += !(root == p);
  }
  EXPECT_EQ(differing, 0u) << "parameters differ from rank 0's on rank " << world.rank();
}

template <class T>
void compare(double momentum, double tolerance, double dropout = 0.0) {
  const Communicator world = Communicator::world();
  const TrainedRun alone = train_toy<T>(nullptr, momentum, nullptr, dropout);
  MpiDataParallel<T> parallel(world);
  const TrainedRun together = train_toy<T>(&parallel, momentum, &world, dropout);
  ASSERT_EQ(together.parameters.size(), alone.parameters.size());
  EXPECT_LE(max_relative_difference(together.parameters, alone.parameters), tolerance);
  EXPECT_EQ(together.history.evaluation_accuracy(), alone.history.evaluation_accuracy());
  EXPECT_EQ(together.history.training_accuracy(), alone.history.training_accuracy());
  ASSERT_EQ(together.history.training_cost().size(), alone.history.training_cost().size());
  for (std::size_t e = 0; e < alone.history.training_cost().size(); ++e) {
    EXPECT_NEAR(together.history.training_cost()[e], alone.history.training_cost()[e],
                tolerance * std::abs(alone.history.training_cost()[e]));
    EXPECT_NEAR(together.history.evaluation_cost()[e], alone.history.evaluation_cost()[e],
                tolerance * std::abs(alone.history.evaluation_cost()[e]));
  }
  expect_same_on_every_rank(together.parameters, world);
}

TEST(DataParallel, Float64SgdEqualsOneProcess) { compare<double>(0.0, 1e-10); }
TEST(DataParallel, Float64MomentumEqualsOneProcess) { compare<double>(0.9, 1e-10); }
// Each process skips the other processes' rows in the dropout generators: the same masks.
TEST(DataParallel, Float64DropoutEqualsOneProcess) { compare<double>(0.5, 1e-10, 0.3); }

TEST(DataParallel, Float32StaysCloseAndEqualAcrossRanks) {
  const Communicator world = Communicator::world();
  const TrainedRun alone = train_toy<float>(nullptr, 0.0, nullptr);
  MpiDataParallel<float> parallel(world);
  const TrainedRun together = train_toy<float>(&parallel, 0.0, &world);
  EXPECT_LE(max_relative_difference(together.parameters, alone.parameters), 1e-3);
  expect_same_on_every_rank(together.parameters, world);
}

TEST(DataParallel, ShareCoversTheBatchInRankOrder) {
  struct Fixed : DataParallel<double> {
    std::size_t r, n;
    Fixed(std::size_t rank, std::size_t size) : r(rank), n(size) {}
    std::size_t rank() const override { return r; }
    std::size_t size() const override { return n; }
    void reduce_gradients(const std::vector<Parameter<double>>&, std::vector<double>&) override {}
    void sum(std::vector<double>&) override {}
  };
  for (std::size_t rows : {0, 1, 2, 7, 10, 1000}) {
    std::size_t next = 0;
    for (std::size_t r = 0; r < 3; ++r) {
      const auto [first, last] = Fixed(r, 3).share(rows);
      EXPECT_EQ(first, next);
      EXPECT_LE(last - first, rows / 3 + 1);
      next = last;
    }
    EXPECT_EQ(next, rows);
  }
}

}  // namespace
}  // namespace xgrad
