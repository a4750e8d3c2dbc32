// The tutorial's MNIST program (docs/TUTORIAL.md, from "Loading MNIST" on): the book's
// [784, 30, 10] network, its hidden layer written as a custom module, trained by a
// hand-written loop with an L2 penalty; the same network trained by train() and by the
// Network facade; then saved and loaded back.
//
//   xgrad-tutorial-mnist [training images (default 50000)] [epochs (default 3)]
//
// CTest runs it on 2,000 images for 1 epoch (Tutorial.mnist). It exits 1 if a training
// leaves a network at or below 50% validation accuracy, the reloaded network's outputs
// differ, or no MNIST data can be found (the message says how to fetch it).

#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

// [module]
// A fully connected sigmoid layer from scratch: σ(x·W + b), W (in × out), b (1 × out).
class SigmoidLayer : public Module<float> {
 public:
  SigmoidLayer(std::size_t in, std::size_t out, Rng& rng)
      : w_(register_parameter("weight", initial_weights<float>(in, out, Init::standard, rng),
                              ParameterKind::weight)),  // penalised by l2_penalty
        b_(register_parameter("bias", initial_biases<float>(out, Init::standard, rng),
                              ParameterKind::bias)) {}  // never penalised

  Varf forward(const Varf& x) override { return sigmoid(matmul(x, w_) + b_); }
  std::string describe() const override {
    return "SigmoidLayer(" + std::to_string(in()) + ", " + std::to_string(out()) + ")";
  }
  std::size_t in() const { return w_.rows(); }
  std::size_t out() const { return w_.cols(); }

 private:
  Varf w_, b_;
};
// [module]

bool fail(const char* what) {
  std::fprintf(stderr, "FAIL: %s\n", what);
  return false;
}

bool run(std::size_t training_size, std::size_t epochs) {
  // [data]
  const mnist::DataSource source = mnist::locate();  // $XGRAD_DATA, data/mnist/, … (see README)
  std::printf("%s\n", source.description.c_str());
  mnist::LoadOptions load_options;
  load_options.training_size = training_size;  // the first n of the 50,000 training images
  const mnist::Split<float> data = mnist::load<float>(source, load_options);
  // [data]
  const auto learned = [&](Module<float>& net) {
    return count_correct(net, data.validation) * 2 > data.validation.size();
  };

  // [net]
  Rng rng(1);  // the seed fixes the initial weights: the same network on every run
  Sequential<float> net(SigmoidLayer(784, 30, rng),                       // hidden layer
                        Dense<float>(30, 10, Init::standard, rng));       // logits z
  const Cost cost = Cost::cross_entropy();  // sigmoid outputs, cross-entropy (network2.py)
  // [net]

  // [loop]
  const double eta = 0.5, lambda = 5.0;
  const std::size_t n = data.training.size();
  SGD<float> sgd(net.parameters(), eta);
  Batcher<float> batches(data.training, 10, /*seed=*/1);  // reshuffled every epoch
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    while (Batch<float>* batch = batches.next()) {  // nullptr at the end of the epoch
      // [step]
      Varf loss = cost.on_logits(net(Varf(batch->inputs)), batch->targets)  // mean over batch
                  + l2_penalty(net, lambda, n);                             // (λ/2n) Σ w²
      sgd.zero_grad();
      loss.backward();
      sgd.step();  // w → w − η ∂loss/∂w: the book's eqs. 93–94
      // [step]
    }
    std::printf("epoch %zu: %zu / %zu\n", epoch, count_correct(net, data.validation),
                data.validation.size());
  }
  // [loop]
  if (!learned(net)) return fail("the hand-written loop did not learn");

  // [train]
  Sequential<float> net2(Dense<float>(784, 30, Init::standard, rng), Sigmoid<float>(),
                         Dense<float>(30, 10, Init::standard, rng));
  SGD<float> sgd2(net2.parameters(), eta);
  TrainOptions<float> options;
  options.epochs = epochs;
  options.batch_size = 10;
  options.regularization.l2 = lambda;  // applied as sgd2's weight decay (n: the training set)
  options.evaluation = &data.validation;
  options.monitor.evaluation_accuracy = true;
  options.on_epoch = [](const EpochStats& s) {
    std::printf("epoch %zu: %zu / %zu (%.2f s)\n", s.epoch, *s.evaluation_correct,
                s.evaluation_size, s.seconds);
  };
  const TrainingHistory history = train(net2, cost, sgd2, data.training, options);
  std::printf("stopped: %s\n", to_string(history.stop_reason));
  // [train]
  if (!learned(net2)) return fail("train() did not learn");

  // [network]
  Network<float> book({784, 30, 10}, Cost::cross_entropy());  // network2.Network([784, 30, 10])
  SgdOptions<float> sgd_options;
  sgd_options.regularization.l2 = lambda;  // lmbda = 5.0
  sgd_options.evaluation = &data.validation;
  sgd_options.monitor.evaluation_accuracy = true;
  book.sgd(data.training, epochs, 10, eta, sgd_options);  // net.SGD(training_data, 30, 10, 0.5, …)
  std::printf("Network: %zu / %zu\n", book.accuracy(data.validation), data.validation.size());
  // [network]
  if (!learned(book.model())) return fail("Network::sgd() did not learn");

  // [save]
  // Once per program, before saving or loading a model that holds a SigmoidLayer.
  register_module_type<SigmoidLayer>(
      "SigmoidLayer",
      [](const SigmoidLayer& m) { return nlohmann::json{{"in", m.in()}, {"out", m.out()}}; },
      [](const nlohmann::json& config) {  // config comes from a file: check it
        const auto in = config.at("in").get<std::size_t>();
        const auto out = config.at("out").get<std::size_t>();
        if (in == 0 || out == 0 || in > 100000 || out > 100000) {
          throw std::invalid_argument("sizes out of range");
        }
        Rng unused(0);  // xgrad then overwrites the initial values with the saved ones
        return std::make_shared<SigmoidLayer>(in, out, unused);
      });
  save_model("tutorial-net.json", net, cost);
  LoadedModel<float> loaded = load_model<float>("tutorial-net.json");
  std::printf("loaded %s: %zu / %zu\n", loaded.network.describe().c_str(),
              count_correct(loaded.network, data.validation), data.validation.size());
  // [save]
  if (predict(loaded.network, loaded.cost, data.validation.inputs()) !=
      predict(net, cost, data.validation.inputs())) {
    return fail("the loaded network's outputs differ from the saved one's");
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::size_t training_size = argc > 1 ? std::stoul(argv[1]) : 50000;
    const std::size_t epochs = argc > 2 ? std::stoul(argv[2]) : 3;
    return run(training_size, epochs) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: %s\n", e.what());
    return 1;
  }
}
