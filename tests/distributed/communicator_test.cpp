// Communicator and GradientAllreducer: sums, broadcasts and errors on 1, 2 or 3 processes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <xgrad/distributed/broadcast.hpp>
#include <xgrad/distributed/communicator.hpp>
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/errors.hpp>
#include <xgrad/distributed/gradient_allreducer.hpp>
#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

TEST(Communicator, RankAndSizeMatchMpi) {
  const Communicator world = Communicator::world();
  int rank = -1, size = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  EXPECT_EQ(world.rank(), rank);
  EXPECT_EQ(world.size(), size);
  EXPECT_GE(world.local_size(), 1);
  EXPECT_LE(world.local_size(), size);
  world.barrier();
}

TEST(Communicator, KnowsItWasLaunchedByMpirun) {
  EXPECT_TRUE(launched_by_mpirun());  // CTest runs this binary under mpirun only
}

TEST(Communicator, SumsAndBroadcastsBothTypes) {
  const Communicator world = Communicator::world();
  const int n = world.size(), r = world.rank();
  std::vector<double> d{double(r), 1.0, 0.5 * r};
  world.sum(d.data(), d.size());
  EXPECT_EQ(d[0], n * (n - 1) / 2.0);
  EXPECT_EQ(d[1], double(n));
  std::vector<float> f{float(r + 1)};
  world.sum(f.data(), f.size());
  EXPECT_EQ(f[0], float(n * (n + 1) / 2));
  std::vector<double> b{double(r) + 0.25};
  world.broadcast(b.data(), 1, n - 1);
  EXPECT_EQ(b[0], double(n - 1) + 0.25);
}

TEST(Communicator, ErrorsNameTheRank) {
  const Communicator world = Communicator::world();
  std::vector<double> v{1.0};
  // A root outside the communicator: MPI refuses it on every rank (MPI_ERRORS_RETURN).
  try {
    world.broadcast(v.data(), 1, world.size() + 5);
    ADD_FAILURE() << "no error for a root outside the communicator";
  } catch (const DistributedError& e) {
    const std::string expected = "MPI_Bcast failed on rank " + std::to_string(world.rank()) +
                                 " of " + std::to_string(world.size());
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    EXPECT_EQ(e.rank(), world.rank());
    const Error& base = e;  // part of xgrad's hierarchy
    (void)base;
  }
  world.barrier();
}

// Gradients whose values depend on the rank, parameter and element, as small integers so
// that every sum is exact and the expected value is known.
// Tiny buckets leave out the large gradient: a message per few elements of it would take
// seconds on an oversubscribed machine without testing anything more.
template <class T>
void check_allreduce(std::size_t bucket_bytes, bool with_large = true) {
  const Communicator world = Communicator::world();
  const int n = world.size(), r = world.rank();
  // Odd shapes, one gradient larger than a small bucket, and a large one (> 1 MiB).
  const std::vector<std::pair<std::size_t, std::size_t>> shapes{
      {1, 1}, {3, 7}, {13, 5}, {1, 17}, {61, 3}, {with_large ? 401u : 2u, 1001}, {7, 1}};
  std::vector<Parameter<T>> params;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    Var<T> v(Matrix<T>(xt::zeros<T>({shapes[i].first, shapes[i].second})), true);
    params.push_back({"p" + std::to_string(i), v, ParameterKind::weight});
  }
  auto value = [](int rank, std::size_t i, std::size_t k) {
    return T(int((rank + 1) * (i + 1) + k % 97) - 40);
  };
  for (std::size_t i = 0; i < params.size(); ++i) {
    // Parameter 3: only rank 0 has a gradient (the others contribute zeros).
    // Parameter 6: no gradient anywhere.
    if (i == 6 || (i == 3 && r != 0)) continue;
    Matrix<T> g = xt::zeros<T>({shapes[i].first, shapes[i].second});
    for (std::size_t k = 0; k < g.size(); ++k) g.data()[k] = value(r, i, k);
    params[i].var.set_grad(g);
  }
  GradientAllreducer<T> reducer(world, bucket_bytes);
  std::vector<double> extra{r + 0.5, 1.0};  // summed in the same messages
  reducer.reduce(params, extra.data(), extra.size());
  EXPECT_EQ(extra[0], n * (n - 1) / 2.0 + 0.5 * n);
  EXPECT_EQ(extra[1], double(n));
  for (std::size_t i = 0; i < params.size(); ++i) {
    SCOPED_TRACE("parameter " + std::to_string(i));
    if (i == 6) {
      EXPECT_FALSE(params[i].var.has_grad());
      continue;
    }
    ASSERT_TRUE(params[i].var.has_grad());
    const Matrix<T>& g = params[i].var.grad();
    std::size_t wrong = 0;
    for (std::size_t k = 0; k < g.size(); ++k) {
      T expected = 0;
      for (int q = 0; q < (i == 3 ? 1 : n); ++q) expected += value(q, i, k);
      wrong += g.data()[k] != expected;
    }
    EXPECT_EQ(wrong, 0u);
  }
  // Every gradient (zeros for parameter 6 too), a flag per parameter and the 2 extras.
  std::size_t total = params.size() + extra.size();
  for (const auto& [rows, cols] : shapes) total += rows * cols;
  const std::size_t per_bucket = reducer.bucket_elements();
  EXPECT_EQ(reducer.last_bucket_count(), (total + per_bucket - 1) / per_bucket);
}

TEST(Allreduce, FloatOddSizesDefaultBuckets) { check_allreduce<float>(std::size_t(1) << 20); }
TEST(Allreduce, DoubleOddSizesDefaultBuckets) { check_allreduce<double>(std::size_t(1) << 20); }
TEST(Allreduce, FloatOddSizesTinyBuckets) { check_allreduce<float>(100, false); }
TEST(Allreduce, DoubleOddSizesTinyBuckets) { check_allreduce<double>(100, false); }
TEST(Allreduce, DoubleOneElementBuckets) { check_allreduce<double>(1, false); }

TEST(Allreduce, RefusesZeroBucket) {
  EXPECT_THROW(GradientAllreducer<float>(Communicator::world(), 0), InvalidArgument);
}

template <class T>
Sequential<T> two_layers(std::size_t in, std::uint64_t seed) {
  Sequential<T> model;
  model.add(std::make_shared<Dense<T>>(in, 3, Init::standard, seed));
  model.add(std::make_shared<Dense<T>>(3, 2, Init::standard, seed + 1));
  return model;
}

TEST(Broadcast, ParametersComeFromRoot) {
  const Communicator world = Communicator::world();
  Sequential<double> model = two_layers<double>(5, 100 + 7 * std::uint64_t(world.rank()));
  const Sequential<double> root_model = two_layers<double>(5, 100);  // what rank 0 has
  broadcast_parameters(model, world);
  const auto ps = model.parameters(), qs = root_model.parameters();
  ASSERT_EQ(ps.size(), qs.size());
  for (std::size_t i = 0; i < ps.size(); ++i) EXPECT_EQ(ps[i].var.value(), qs[i].var.value());
}

TEST(Broadcast, DifferentModelThrowsOnEveryRank) {
  const Communicator world = Communicator::world();
  Sequential<float> model = two_layers<float>(world.rank() == world.size() - 1 ? 4 : 5, 1);
  if (world.size() == 1) {
    EXPECT_NO_THROW(broadcast_parameters(model, world));
  } else {
    try {
      broadcast_parameters(model, world);
      ADD_FAILURE() << "no DistributedError";
    } catch (const DistributedError& e) {
      // The rank that differs names what differs, and as a parameter (not a buffer).
      if (world.rank() == world.size() - 1) {
        EXPECT_THAT(e.what(), testing::HasSubstr("parameter '0.weight' is (4, 3) here, (5, 3) on rank 0"));
      }
    }
  }
}

}  // namespace
}  // namespace xgrad
