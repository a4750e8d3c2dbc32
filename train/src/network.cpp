#include "xgrad/train/network.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/layers/activations.hpp"
#include "xgrad/layers/dense.hpp"
#include "xgrad/layers/dropout.hpp"
#include "xgrad/optim/momentum.hpp"
#include "xgrad/optim/nesterov.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

template <class T>
Network<T>::Network(std::vector<std::size_t> sizes, Cost cost, NetworkOptions options)
    : sizes_(std::move(sizes)), cost_(cost), options_(options) {
  if (sizes_.size() < 2) {
    throw InvalidArgument(fmt::format(
        "Network: {} layer size(s) given, expected at least 2 (inputs and outputs)", sizes_.size()));
  }
  for (std::size_t i = 0; i < sizes_.size(); ++i) {
    if (sizes_[i] == 0) throw InvalidArgument(fmt::format("Network: layer {} has size 0", i));
  }
  Rng rng(options_.seed);
  model_ = std::make_shared<Sequential<T>>();
  for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
    model_->add(std::make_shared<Dense<T>>(sizes_[l], sizes_[l + 1], options_.init, rng));
    if (l + 2 < sizes_.size()) {
      if (auto activation = make_activation_module<T>(options_.activation)) model_->add(activation);
      if (options_.dropout > 0) {
        model_->add(std::make_shared<Dropout<T>>(options_.dropout, rng));
      }
    }
  }
}

template <class T>
Network<T>::Network(Sequential<T> model, Cost cost)
    : cost_(cost), model_(std::make_shared<Sequential<T>>(std::move(model))) {
  for (std::size_t i = 0; i < model_->size(); ++i) {
    if (const auto linear = (*model_)[i].linear_parameters()) {
      if (sizes_.empty()) sizes_.push_back(linear->weight.rows());
      sizes_.push_back(linear->weight.cols());
    }
  }
  const bool dense_ends = model_->size() > 0 && (*model_)[0].linear_parameters() &&
                          (*model_)[model_->size() - 1].linear_parameters();
  if (!dense_ends) {
    throw InvalidArgument(fmt::format(
        "Network: the model {} must start and end with a Dense layer", model_->describe()));
  }
}

template <class T>
void Network<T>::initialize(Init init, std::uint64_t seed) {
  Rng rng(seed);
  xgrad::initialize(*model_, init, rng);
}

template <class T>
void Network<T>::default_weight_initializer(std::uint64_t seed) {
  initialize(Init::standard, seed);
}

template <class T>
void Network<T>::large_weight_initializer(std::uint64_t seed) {
  initialize(Init::large, seed);
}

template <class T>
TrainingHistory Network<T>::sgd(const Dataset<T>& training, std::size_t epochs,
                                std::size_t mini_batch_size, double eta,
                                const SgdOptions<T>& options) {
  // The weight decay is train()'s to set, from options.regularization.
  std::unique_ptr<Optimizer<T>> optimizer;
  if (options.nesterov) {
    optimizer = std::make_unique<Nesterov<T>>(model_->parameters(), eta, options.momentum);
  } else if (options.momentum > 0) {
    optimizer = std::make_unique<Momentum<T>>(model_->parameters(), eta, options.momentum);
  } else {
    optimizer = std::make_unique<SGD<T>>(model_->parameters(), eta);
  }
  if (options.resume_optimizer) optimizer->load_state(*options.resume_optimizer);
  TrainOptions<T> train_options = options;  // the TrainOptions part
  train_options.epochs = epochs;
  train_options.batch_size = mini_batch_size;
  std::unique_ptr<HalveOnPlateau> schedule;
  if (options.halve_on_plateau) {
    if (options.schedule) {
      throw InvalidArgument(
          "Network::sgd: both halve_on_plateau and a schedule were given; choose one");
    }
    schedule = std::make_unique<HalveOnPlateau>(eta, 10);
    train_options.schedule = schedule.get();
  }
  return train(*model_, cost_, *optimizer, training, train_options);
}

template <class T>
Matrix<T> Network<T>::feedforward(const Matrix<T>& inputs) {
  return predict(*model_, cost_, inputs);
}

template <class T>
std::size_t Network<T>::accuracy(const Dataset<T>& data) {
  return count_correct(*model_, data);
}

template <class T>
double Network<T>::total_cost(const Dataset<T>& data, double lambda) {
  return xgrad::total_cost(*model_, cost_, data, lambda);
}

#define XGRAD_INSTANTIATE(T) template class Network<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
