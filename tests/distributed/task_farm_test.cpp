// run_task_farm on 1, 2 or 3 processes: every task runs exactly once, results come back in
// task order on every rank, the work is shared, and a task's exception reaches every rank
// naming the task and the rank; the timeout option is checked.
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <xgrad/distributed/communicator.hpp>
#include <xgrad/distributed/task_farm.hpp>

namespace xgrad {
namespace {

std::string expected_result(std::size_t i) { return "result " + std::to_string(i * i) + std::string(i % 5, '\0'); }

// How often each task ran, summed over the ranks (every rank gets the same counts).
std::vector<double> runs_per_task(const Communicator& world, const std::vector<double>& here) {
  std::vector<double> total = here;
  world.sum(total.data(), total.size());
  return total;
}

void check_farm(const TaskFarmOptions& options, std::size_t count) {
  const Communicator world = Communicator::world();
  std::vector<double> ran(count, 0.0);
  std::map<std::size_t, int> reported;  // rank 0: task → rank, from on_result
  std::size_t reports = 0;
  const std::vector<std::string> results = run_task_farm(
      world, count,
      [&](std::size_t i) {
        ran[i] += 1;  // one thread computes at a time on each rank
        return expected_result(i);
      },
      [&](std::size_t i, int rank, const std::string& r) {
        ++reports;
        reported[i] = rank;
        EXPECT_EQ(r, expected_result(i));
      },
      options);
  ASSERT_EQ(results.size(), count);
  for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(results[i], expected_result(i)) << "task " << i;
  const std::vector<double> total = runs_per_task(world, ran);
  for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(total[i], 1.0) << "task " << i << " ran " << total[i] << " times";
  if (world.rank() == 0) {
    EXPECT_EQ(reports, count);
    EXPECT_EQ(reported.size(), count);
    for (const auto& [task, rank] : reported) {
      EXPECT_GE(rank, 0);
      EXPECT_LT(rank, world.size());
      if (!options.manager_computes && world.size() > 1) {
        EXPECT_NE(rank, 0) << "task " << task;
      }
    }
  } else {
    EXPECT_EQ(reports, 0u);  // on_result is rank 0's
  }
}

TEST(TaskFarm, EveryTaskOnceInTaskOrder) { check_farm({}, 37); }

TEST(TaskFarm, HandsOutInTheGivenOrder) {
  TaskFarmOptions options;
  for (std::size_t i = 0; i < 11; ++i) options.order.push_back(10 - i);
  check_farm(options, 11);
}

TEST(TaskFarm, ManagerOnly) {
  TaskFarmOptions options;
  options.manager_computes = false;
  check_farm(options, 9);
}

TEST(TaskFarm, FewerTasksThanProcessesAndNone) {
  check_farm({}, 1);
  check_farm({}, 0);
}

TEST(TaskFarm, SharesTheWork) {
  const Communicator world = Communicator::world();
  std::set<int> ranks;
  run_task_farm(
      world, 24,
      [](std::size_t i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        return std::to_string(i);
      },
      [&](std::size_t, int rank, const std::string&) { ranks.insert(rank); });
  if (world.rank() == 0) {
    EXPECT_EQ(int(ranks.size()), world.size());
  }
}

TEST(TaskFarm, ATaskExceptionReachesEveryRank) {
  const Communicator world = Communicator::world();
  for (std::size_t failing : {std::size_t(0), std::size_t(5)}) {
    try {
      run_task_farm(world, 8, [&](std::size_t i) -> std::string {
        if (i == failing) throw std::runtime_error("boom on rank " + std::to_string(world.rank()));
        return "fine";
      });
      ADD_FAILURE() << "no TaskError on rank " << world.rank();
    } catch (const TaskError& e) {
      EXPECT_EQ(e.task(), failing);
      const std::string expected = "task " + std::to_string(failing) + " failed on rank " +
                                   std::to_string(e.rank()) + " of " + std::to_string(world.size()) +
                                   ": boom on rank " + std::to_string(e.rank());
      EXPECT_EQ(std::string(e.what()), expected);
      const Error& base = e;  // part of xgrad's hierarchy
      (void)base;
    }
  }
  // The farm works again afterwards: no message of the failed one is left over.
  check_farm({}, 5);
}

TEST(TaskFarm, RefusesAnOrderThatIsNoPermutation) {
  TaskFarmOptions options;
  options.order = {0, 0, 1};
  EXPECT_THROW(run_task_farm(Communicator::world(), 3, [](std::size_t) { return std::string(); },
                             nullptr, options),
               InvalidArgument);
}

TEST(TaskFarm, RefusesANegativeOrNonFiniteTimeout) {
  TaskFarmOptions options;
  for (double bad : {-1.0, std::numeric_limits<double>::infinity()}) {
    options.task_timeout_seconds = bad;
    EXPECT_THROW(run_task_farm(Communicator::world(), 3, [](std::size_t) { return std::string(); },
                               nullptr, options),
                 InvalidArgument);
  }
}

TEST(TaskFarm, ATimeoutLongerThanTheTasksChangesNothing) {
  // (A task that outlasts it ends the job: Mpi.farm_failure_hang_*.)
  TaskFarmOptions options;
  options.task_timeout_seconds = 30;
  check_farm(options, 11);
}

}  // namespace
}  // namespace xgrad
