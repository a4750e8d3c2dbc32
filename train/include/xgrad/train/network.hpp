#pragma once
/// @file
/// Network: the network2.py experience — a fully connected network of sizes {784, 30, 10}
/// with a cost, trained by sgd() — built on Sequential, the optimizers and train().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/autograd/activation.hpp>
#include <xgrad/layers/cost.hpp>
#include <xgrad/layers/init.hpp>
#include <xgrad/layers/sequential.hpp>
#include <xgrad/train/trainer.hpp>

namespace xgrad {

/// How a Network is built.
struct NetworkOptions {
  /// Hidden-layer neurons (Activation::identity: no activation module at all).
  Activation activation = Activation::sigmoid;
  /// Dropout probability p for the hidden layers' outputs (0 = none). Inverted dropout:
  /// equivalent to the book's halving of outgoing weights at test time.
  double dropout = 0;
  Init init = Init::standard;  ///< network2.py's default_weight_initializer
  std::uint64_t seed = 0;      ///< seeds the initial parameters and the dropout masks
};

/// Options of Network::sgd(): train()'s options — network2.py's SGD() keywords are among
/// them (`regularization.l2` is lmbda, `evaluation` evaluation_data, `monitor` the four
/// monitor_* flags, `early_stopping` early_stopping_n) — plus the update rule that sgd()
/// builds. sgd()'s `epochs` and `mini_batch_size` arguments replace TrainOptions::epochs and
/// batch_size.
template <class T>
struct SgdOptions : TrainOptions<T> {
  double momentum = 0;      ///< μ of momentum SGD (eqs. 107–108); 0 = plain SGD
  bool nesterov = false;    ///< Nesterov's accelerated gradient (needs momentum > 0)
  /// The chapter's schedule: halve η when evaluation accuracy has not improved for 10
  /// epochs, and stop once η has fallen to η₀/128 (instead of TrainOptions::schedule).
  bool halve_on_plateau = false;
  /// The optimizer's saved state when resuming (TrainOptions::resume), from
  /// load_checkpoint(); the network's parameters come with the loaded model.
  const StateDict<T>* resume_optimizer = nullptr;
};

/// A fully connected network: Dense layers of the given sizes with the hidden activation
/// between them (and dropout after it, if asked), ending in the output layer's logits; the
/// cost supplies the output activation (σ or softmax) and the fused loss.
template <class T>
class Network {
 public:
  /// sizes = {inputs, hidden..., outputs}; throws std::invalid_argument for fewer than two
  /// sizes or a zero size.
  explicit Network(std::vector<std::size_t> sizes, Cost cost = Cost::cross_entropy(),
                   NetworkOptions options = {});
  /// A network around an existing model (e.g. LoadedModel::network), which must start and
  /// end with Dense layers; sizes() are read from its Dense layers. Throws
  /// std::invalid_argument otherwise.
  Network(Sequential<T> model, Cost cost);

  /// Re-initialises weights ~ N(0, 1/n_in), biases ~ N(0, 1) (network2.py's default).
  void default_weight_initializer(std::uint64_t seed);
  /// Re-initialises weights and biases ~ N(0, 1) (the book's "large" initializer).
  void large_weight_initializer(std::uint64_t seed);

  /// Mini-batch SGD for `epochs` epochs, like network2.py's SGD(); returns the history
  /// whose four lists are network2.py's return values.
  TrainingHistory sgd(const Dataset<T>& training, std::size_t epochs, std::size_t mini_batch_size,
                      double eta, const SgdOptions<T>& options = {});

  /// The network's outputs a^L for `inputs` (one example per row).
  Matrix<T> feedforward(const Matrix<T>& inputs);
  /// Correctly classified examples of `data`.
  std::size_t accuracy(const Dataset<T>& data);
  /// network2.py's total_cost(data, λ).
  double total_cost(const Dataset<T>& data, double lambda);

  const std::vector<std::size_t>& sizes() const noexcept { return sizes_; }  ///< layer sizes
  const Cost& cost() const noexcept { return cost_; }                        ///< the cost
  const NetworkOptions& options() const noexcept { return options_; }        ///< as built
  /// The underlying module (Dense, activation, [Dropout], ..., Dense).
  Sequential<T>& model() noexcept { return *model_; }
  /// The underlying module (Dense, activation, [Dropout], ..., Dense).
  const Sequential<T>& model() const noexcept { return *model_; }

 private:
  void initialize(Init init, std::uint64_t seed);

  std::vector<std::size_t> sizes_;
  Cost cost_;
  NetworkOptions options_;
  std::shared_ptr<Sequential<T>> model_;
};

}  // namespace xgrad
