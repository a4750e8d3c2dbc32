// The tutorial's data-parallel program (docs/TUTORIAL.md, "Training on several processes"):
// train() from section 9 on N processes under mpirun, one line more than on one.
//
//   mpirun -np 2 xgrad-tutorial-data_parallel [training images (default 10000)] [epochs (default 2)]
//
// CTest runs it on 2 processes (Tutorial.data_parallel). It exits 1 if the network is at or
// below 50% validation accuracy or the ranks' parameters differ.

#include <cstdio>
#include <exception>
#include <string>

#include <xgrad/distributed/broadcast.hpp>
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/mpi_data_parallel.hpp>
#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

bool run(const Communicator& world, std::size_t training_size, std::size_t epochs) {
  mnist::LoadOptions load_options;
  load_options.training_size = training_size;
  const mnist::Split<float> data = mnist::load<float>(mnist::locate(), load_options);
  const double eta = 0.5, lambda = 5.0;
  Rng rng(1);

  // [data_parallel]
  Sequential<float> net(Dense<float>(784, 30, Init::standard, rng), Sigmoid<float>(),
                        Dense<float>(30, 10, Init::standard, rng));
  broadcast_parameters(net, world);             // every process starts from rank 0's network
  MpiDataParallel<float> parallel(world);       // gradients summed in ~1 MiB buckets
  SGD<float> sgd(net.parameters(), eta);
  TrainOptions<float> options;
  options.epochs = epochs;
  options.batch_size = 10;                      // the global mini-batch, shared by the processes
  options.regularization.l2 = lambda;           // n: the whole training set, on every process
  options.evaluation = &data.validation;        // evaluated in shares, counts summed
  options.monitor.evaluation_accuracy = true;
  options.data_parallel = &parallel;            // train() becomes data-parallel
  options.on_epoch = [](const EpochStats& s) {  // called on rank 0 only
    std::printf("epoch %zu: %zu / %zu\n", s.epoch, *s.evaluation_correct, s.evaluation_size);
  };
  const TrainingHistory history = train(net, Cost::cross_entropy(), sgd, data.training, options);
  // [data_parallel]

  bool ok = history.evaluation_accuracy().back() * 2 > data.validation.size();
  // Every rank holds the same parameters, bit for bit.
  for (const Parameter<float>& p : net.parameters()) {
    Matrix<float> root = p.var.value();
    world.broadcast(root.data(), root.size(), 0);
    ok = ok && root == p.var.value();
  }
  if (!ok) std::fprintf(stderr, "FAIL on rank %d: accuracy too low or parameters differ\n", world.rank());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  MpiEnvironment mpi(argc, argv);
  int status = 0;
  try {
    const std::size_t training_size = argc > 1 ? std::stoul(argv[1]) : 10000;
    const std::size_t epochs = argc > 2 ? std::stoul(argv[2]) : 2;
    status = run(mpi.world(), training_size, epochs) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error on rank %d: %s\n", mpi.world().rank(), e.what());
    status = 1;
  }
  mpi.end_job_on_error(status);  // a failing rank must not leave the others waiting
  return status;
}
