// xgrad-bench-allreduce: MPI_Allreduce latency and bandwidth through Communicator::sum, and
// GradientAllreducer on the gradients of a network, by bucket size. Run under mpirun:
//
//   mpirun -np 2 build/bin/xgrad-bench-allreduce [--reps 7]
//
// Each figure is the median over `reps` repetitions of a timed loop (rank 0's clock, the
// loop starting after a barrier). "bus bandwidth" is 2(N−1)/N · bytes / time, what each
// process sends and receives in a ring allreduce (the cost model of docs/SCALING.md).
// Last, blocking buckets against non-blocking ones pipelined with the packing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <xgrad/distributed/communicator.hpp>
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/gradient_allreducer.hpp>
#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

template <class F>
double median_seconds(const Communicator& world, int reps, int iterations, F&& f) {
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    world.barrier();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) f();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                    iterations);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  MpiEnvironment mpi(argc, argv);
  const Communicator world = mpi.world();
  int reps = 7;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::max(1, std::atoi(argv[i + 1]));
  }
  const int n = world.size();
  const bool root = world.rank() == 0;
  if (root) {
    std::printf("MPI_Allreduce (sum, in place, double) on %d processes, median of %d\n", n, reps);
    std::printf("%12s %12s %14s %14s\n", "bytes", "time (us)", "algbw (MB/s)", "busbw (MB/s)");
  }
  for (std::size_t bytes = 8; bytes <= (std::size_t(64) << 20); bytes *= 4) {
    std::vector<double> data(bytes / sizeof(double), 1.0);
    const int iterations = int(std::clamp<std::size_t>((std::size_t(256) << 20) / bytes / 4, 2, 2000));
    const double t = median_seconds(world, reps, iterations, [&] { world.sum(data.data(), data.size()); });
    if (root) {
      std::printf("%12zu %12.2f %14.1f %14.1f\n", bytes, t * 1e6, double(bytes) / t / 1e6,
                  2.0 * (n - 1) / n * double(bytes) / t / 1e6);
    }
  }

  // A network's gradients (float), as train() reduces them, by bucket size.
  struct Net { const char* name; std::vector<std::size_t> sizes; };
  const std::vector<Net> nets{{"[784,30,10]", {784, 30, 10}},
                              {"[784,1000,1000,10]", {784, 1000, 1000, 10}}};
  for (const Net& net : nets) {
    std::vector<Parameter<float>> params;
    std::size_t elements = 0;
    for (std::size_t l = 0; l + 1 < net.sizes.size(); ++l) {
      for (auto shape : {std::pair{net.sizes[l], net.sizes[l + 1]}, std::pair{std::size_t(1), net.sizes[l + 1]}}) {
        Var<float> v(Matrix<float>(xt::zeros<float>({shape.first, shape.second})), true);
        v.set_grad(xt::ones<float>({shape.first, shape.second}));
        params.push_back({"p", v, ParameterKind::weight});
        elements += shape.first * shape.second;
      }
    }
    if (root) {
      std::printf("\nGradientAllreducer<float> on %s: %zu parameters, %.2f MB\n", net.name,
                  params.size(), double(elements * sizeof(float)) / 1e6);
      std::printf("%14s %10s %12s\n", "bucket (bytes)", "messages", "time (us)");
    }
    for (std::size_t bucket : {std::size_t(16) << 10, std::size_t(256) << 10, std::size_t(1) << 20,
                               std::size_t(4) << 20, std::size_t(64) << 20}) {
      GradientAllreducer<float> reducer(world, bucket);
      const int iterations = elements > 1000000 ? 5 : 500;
      const double t = median_seconds(world, reps, iterations, [&] {
        for (auto& p : params) p.var.mutable_grad().fill(1.0f);  // keep the values bounded
        reducer.reduce(params);
      });
      if (root) std::printf("%14zu %10zu %12.1f\n", bucket, reducer.last_bucket_count(), t * 1e6);
    }
  }

  // Would non-blocking buckets pay? The [784,1000,1000,10] gradients (float) in 1 MiB
  // buckets: blocking MPI_Allreduce per bucket (what GradientAllreducer does) against
  // MPI_Iallreduce per bucket, packing the next bucket while the previous one is summed.
  {
    const std::size_t elements = 1796010, bucket = (std::size_t(1) << 20) / sizeof(float);
    std::vector<float> grads(elements, 1.0f), buffers[2];
    buffers[0].resize(bucket);
    buffers[1].resize(bucket);
    const auto blocking = [&] {
      for (std::size_t first = 0; first < elements; first += bucket) {
        const std::size_t count = std::min(bucket, elements - first);
        std::copy_n(grads.data() + first, count, buffers[0].data());
        world.sum(buffers[0].data(), count);
        std::copy_n(buffers[0].data(), count, grads.data() + first);
      }
      std::fill(grads.begin(), grads.end(), 1.0f);
    };
    const auto pipelined = [&] {
      MPI_Request pending = MPI_REQUEST_NULL;
      const float* pending_buffer = nullptr;
      std::size_t pending_first = 0, pending_n = 0;
      const auto finish = [&] {  // waits for the bucket in flight and unpacks it
        if (pending == MPI_REQUEST_NULL) return;
        world.check(MPI_Wait(&pending, MPI_STATUS_IGNORE), "MPI_Wait");
        std::copy_n(pending_buffer, pending_n, grads.data() + pending_first);
      };
      int b = 0;
      for (std::size_t first = 0; first < elements; first += bucket, b = 1 - b) {
        const std::size_t count = std::min(bucket, elements - first);
        std::copy_n(grads.data() + first, count, buffers[b].data());
        MPI_Request request;
        world.check(MPI_Iallreduce(MPI_IN_PLACE, buffers[b].data(), int(count), MPI_FLOAT, MPI_SUM,
                                   world.native(), &request),
                    "MPI_Iallreduce");
        finish();  // the previous bucket, summed while this one was packed
        pending = request;
        pending_buffer = buffers[b].data();
        pending_first = first;
        pending_n = count;
      }
      finish();
      std::fill(grads.begin(), grads.end(), 1.0f);
    };
    if (root) std::printf("\n[784,1000,1000,10] float gradients in 1 MiB buckets\n");
    for (int round = 0; round < 3; ++round) {
      const double tb = median_seconds(world, reps, 5, blocking);
      const double tp = median_seconds(world, reps, 5, pipelined);
      if (root) std::printf("  blocking %8.1f us   non-blocking pipelined %8.1f us\n", tb * 1e6, tp * 1e6);
    }
  }
  return 0;
}
