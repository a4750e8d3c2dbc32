// The training loop: monitoring conventions, early stopping, schedules, divergence,
// determinism, and an end-to-end run on real MNIST.

#include <cmath>
#include <regex>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "real_data.hpp"
#include "test_util.hpp"
#include "toy_data.hpp"

namespace xgrad {
namespace {

// The toy problem with 4 inputs.
Dataset<double> toy_data(std::size_t n, std::uint64_t seed) { return test::toy_data<double>(n, 4, seed); }

// Same parameter names and bit-identical values.
void expect_same_state(const StateDict<double>& a, const StateDict<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].value, b[i].value) << a[i].name;
  }
}

TEST(EarlyStopping, stops_after_patience_epochs_without_improvement) {
  EarlyStopping stop(3);
  const double accuracies[] = {0.90, 0.92, 0.91, 0.92, 0.915, 0.93, 0.92, 0.92, 0.92};
  std::vector<bool> keep_going;
  for (double a : accuracies) keep_going.push_back(stop.on_epoch_end(a));
  // Best at epochs 0 and 1; epochs 2, 3, 4 bring no improvement (0.92 ties), so the rule
  // fires at epoch 4. Fed on regardless, it recovers at epoch 5 and fires again at epoch 8.
  EXPECT_EQ(keep_going,
            (std::vector<bool>{true, true, true, true, false, true, true, true, false}));
  EXPECT_EQ(stop.best(), 0.93);
  EXPECT_EQ(stop.best_epoch(), 5u);
}

TEST(EarlyStopping, patience_zero_never_stops) {
  EarlyStopping stop(0);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(stop.on_epoch_end(0.5));
}

TEST(Trainer, total_cost_follows_network2_convention) {
  // total_cost = Σ_x C_x / len(data) + ½(λ/len(data)) Σ‖w‖², with C_x the per-example cost.
  Network<double> net({4, 5, 3}, Cost::cross_entropy());
  const Dataset<double> data = toy_data(37, 1);
  const double lambda = 2.5;
  double expected = 0;
  const Matrix<double> a = net.feedforward(data.inputs());
  for (std::size_t i = 0; i < data.size(); ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      const double y = data.targets()(i, j);
      expected -= y * std::log(a(i, j)) + (1 - y) * std::log(1 - a(i, j));
    }
  }
  expected /= double(data.size());
  double squares = 0;
  for (const auto& p : net.model().parameters()) {
    if (p.is_weight()) squares += xt::sum(p.var.value() * p.var.value())();
  }
  expected += 0.5 * (lambda / double(data.size())) * squares;
  EXPECT_NEAR(net.total_cost(data, lambda), expected, 1e-12 * std::abs(expected));
}

TEST(Trainer, accuracy_counts_argmax_matches) {
  Network<double> net({4, 3}, Cost::log_likelihood());
  const Dataset<double> data = toy_data(50, 2);
  const Matrix<double> a = net.feedforward(data.inputs());
  std::size_t expected = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::size_t guess = std::size_t(std::max_element(&a(i, 0), &a(i, 0) + 3) - &a(i, 0));
    expected += guess == data.labels()[i];
  }
  EXPECT_EQ(net.accuracy(data), expected);
}

TEST(Trainer, learns_and_returns_network2_lists) {
  Network<double> net({4, 8, 3}, Cost::cross_entropy());
  const Dataset<double> training = toy_data(300, 3), validation = toy_data(100, 4);
  SgdOptions<double> o;
  o.evaluation = &validation;
  o.monitor.evaluation_accuracy = o.monitor.training_cost = true;
  const TrainingHistory h = net.sgd(training, 20, 10, 1.0, o);
  EXPECT_EQ(h.stop_reason, StopReason::completed);
  ASSERT_EQ(h.evaluation_accuracy().size(), 20u);
  ASSERT_EQ(h.training_cost().size(), 20u);
  EXPECT_TRUE(h.evaluation_cost().empty());
  EXPECT_TRUE(h.training_accuracy().empty());
  EXPECT_LT(h.training_cost().back(), h.training_cost().front());
  EXPECT_GE(h.evaluation_accuracy().back(), 85u);  // of 100; chance is ~33
}

TEST(Trainer, same_seed_gives_bit_identical_weights) {
  const Dataset<double> training = toy_data(200, 5);
  auto run = [&] {
    Network<double> net({4, 6, 3}, Cost::cross_entropy(), {Activation::tanh, 0.2, Init::standard, 9});
    SgdOptions<double> o;
    o.seed = 11;
    o.regularization.l2 = 0.5;
    o.momentum = 0.5;
    net.sgd(training, 3, 7, 0.3, o);
    return net.model().state();
  };
  expect_same_state(run(), run());
}

TEST(Trainer, history_lists_only_what_was_monitored) {
  // Early stopping measures the evaluation accuracy every epoch; unmonitored, it is in the
  // epochs (stored once) but not in network2.py's list.
  const Dataset<double> training = toy_data(60, 3), validation = toy_data(20, 4);
  Network<double> net({4, 5, 3}, Cost::cross_entropy(), {Activation::sigmoid, 0, Init::standard, 2});
  SGD<double> sgd(net.model().parameters(), 0.5);
  TrainOptions<double> o;
  o.epochs = 3;
  o.evaluation = &validation;
  o.early_stopping = 10;
  o.monitor.training_cost = true;
  const TrainingHistory h = train(net.model(), net.cost(), sgd, training, o);
  ASSERT_EQ(h.epochs.size(), 3u);
  EXPECT_TRUE(h.epochs[2].evaluation_correct.has_value());
  EXPECT_TRUE(h.evaluation_accuracy().empty());
  ASSERT_EQ(h.training_cost().size(), 3u);
  EXPECT_EQ(h.training_cost()[2], *h.epochs[2].training_cost);
}

TEST(Trainer, regularization_l2_is_the_eq93_weight_decay) {
  // TrainOptions::regularization.l2 = λ gives the optimizer the weight decay {λ, n} — the
  // step w → (1 − ηλ/n)w − η∇C₀ of eq. 93 — bit for bit the run with that decay built in.
  const Dataset<double> training = toy_data(70, 15);
  const auto run = [&](bool through_options, std::size_t n) {
    Network<double> net({4, 5, 3}, Cost::cross_entropy(), {Activation::sigmoid, 0, Init::standard, 3});
    SGD<double> sgd(net.model().parameters(), 0.4,
                    through_options ? WeightDecay{} : WeightDecay{2.0, n ? n : training.size()});
    TrainOptions<double> o;
    o.epochs = 2;
    o.batch_size = 8;
    o.monitor.training_cost = true;
    if (through_options) o.regularization = {2.0, 0.0, n};
    const TrainingHistory h = train(net.model(), net.cost(), sgd, training, o);
    EXPECT_EQ(sgd.weight_decay().lambda, 2.0);
    EXPECT_EQ(sgd.weight_decay().n, n ? n : training.size());  // n = 0: the training set
    // The monitored cost includes ½(λ/len(data)) Σ‖w‖², as network2.py's does.
    EXPECT_DOUBLE_EQ(h.training_cost().back(), total_cost(net.model(), net.cost(), training, 2.0));
    return net.model().state();
  };
  expect_same_state(run(true, 0), run(false, 0));
  expect_same_state(run(true, 1000), run(false, 1000));
}

TEST(Trainer, regularization_l2_is_given_in_one_place) {
  Network<double> net({4, 3});
  const Dataset<double> training = toy_data(20, 16);
  SGD<double> sgd(net.model().parameters(), 0.1, WeightDecay{0.5, 20});
  TrainOptions<double> o;
  o.epochs = 1;
  o.regularization.l2 = 0.7;
  test::expect_error<InvalidArgument>(
      [&] { train(net.model(), net.cost(), sgd, training, o); },
      {"regularization.l2 = 0.7", "(n = 20)", "weight decay lambda = 0.5"});
  o.regularization.l2 = 0.5;  // the same decay: no conflict
  EXPECT_NO_THROW(train(net.model(), net.cost(), sgd, training, o));
  o.regularization.l2 = -1;
  test::expect_error<InvalidArgument>([&] { train(net.model(), net.cost(), sgd, training, o); },
                                      {"regularization.l2 = -1"});
}

TEST(Trainer, regularization_reaches_optimizers_that_evaluate_the_loss) {
  // L-BFGS has no weight decay: train() adds λ/(2n) Σw² to its objective instead (eqs. 85–87),
  // so a large λ shrinks the weights.
  const Dataset<double> training = toy_data(60, 17);
  const auto weight_norm = [&](double l2) {
    Network<double> net({4, 3}, Cost::cross_entropy(), {Activation::sigmoid, 0, Init::large, 4});
    LBFGS<double> lbfgs(net.model().parameters());
    TrainOptions<double> o;
    o.epochs = 2;
    o.batch_size = 60;
    o.regularization.l2 = l2;
    train(net.model(), net.cost(), lbfgs, training, o);
    EXPECT_EQ(lbfgs.weight_decay().lambda, 0.0);
    return double(xt::sum(xt::square(net.model().parameters()[0].var.value()))());
  };
  EXPECT_LT(weight_norm(50.0), 0.1 * weight_norm(0.0));
}

TEST(Trainer, early_stopping_ends_training) {
  Network<double> net({4, 3}, Cost::cross_entropy());
  const Dataset<double> training = toy_data(100, 6), validation = toy_data(40, 7);
  SgdOptions<double> o;
  o.evaluation = &validation;
  o.monitor.evaluation_accuracy = true;
  o.early_stopping = 2;
  // η so small that accuracy cannot change: the rule fires after epochs 0, 1, 2.
  const TrainingHistory h = net.sgd(training, 50, 10, 1e-9, o);
  EXPECT_EQ(h.stop_reason, StopReason::early_stopping);
  EXPECT_EQ(h.epochs.size(), 3u);
}

TEST(Trainer, halve_on_plateau_lowers_eta_then_stops) {
  Network<double> net({4, 3}, Cost::cross_entropy());
  const Dataset<double> training = toy_data(50, 8), validation = toy_data(20, 9);
  SgdOptions<double> o;
  o.evaluation = &validation;
  o.halve_on_plateau = true;
  const TrainingHistory h = net.sgd(training, 500, 10, 1e-9, o);
  EXPECT_EQ(h.stop_reason, StopReason::schedule);
  // η is halved seven times (η₀ → η₀/128), once every 10 epochs without improvement.
  EXPECT_DOUBLE_EQ(h.epochs.front().learning_rate, 1e-9);
  EXPECT_DOUBLE_EQ(h.epochs.back().learning_rate, 1e-9 / 64);
  EXPECT_LT(h.epochs.size(), 100u);
}

TEST(Trainer, divergence_is_reported_with_epoch_and_batch) {
  // A linear output layer with quadratic cost and an absurd η diverges within one epoch.
  Sequential<double> model(Dense<double>(4, 3, Init::standard, 1));
  const Cost cost = Cost::quadratic(OutputActivation::identity);
  SGD<double> sgd(model.parameters(), 1e6);
  const Dataset<double> training = toy_data(200, 10);
  TrainOptions<double> o;
  o.epochs = 5;
  const TrainingHistory h = train(model, cost, sgd, training, o);
  EXPECT_EQ(h.stop_reason, StopReason::diverged);
  EXPECT_TRUE(std::regex_search(h.stop_message, std::regex("non-finite cost .* at epoch [0-9]+, batch [0-9]+")))
      << h.stop_message;
  for (const auto& p : model.parameters()) {  // parameters from before the bad step
    for (double v : p.var.value()) EXPECT_TRUE(std::isfinite(v));
  }
}

TEST(Trainer, rejects_bad_options) {
  Network<double> net({4, 3});
  const Dataset<double> training = toy_data(10, 11);
  test::expect_error<InvalidArgument>([&] { net.sgd(training, 1, 0, 0.1); },
                                            {"batch size 0"});
  SgdOptions<double> o;
  o.early_stopping = 3;
  test::expect_error<InvalidArgument>([&] { net.sgd(training, 1, 10, 0.1, o); },
                                            {"early stopping", "evaluation data"});
  const Dataset<double> wrong = Dataset<double>::classification(
      Matrix<double>(xt::zeros<double>({5, 6})), std::vector<std::size_t>(5, 0), 3);
  o.early_stopping = 0;
  o.evaluation = &wrong;
  test::expect_error<InvalidArgument>([&] { net.sgd(training, 1, 10, 0.1, o); },
                                            {"evaluation data has 6 inputs"});
  test::expect_error<InvalidArgument>([] { Network<double>({784}); }, {"at least 2"});
}

TEST(Trainer, resumed_run_equals_uninterrupted_run) {
  // Dropout, momentum, weight decay, a schedule and early stopping all carry state across
  // epochs; stopping after epoch 2 and resuming must reproduce the same weights bit for bit.
  const Dataset<double> training = toy_data(120, 12), validation = toy_data(30, 13);
  struct Run {
    Network<double> net{{4, 6, 3}, Cost::cross_entropy(), {Activation::relu, 0.3, Init::he, 21}};
    Momentum<double> optimizer{net.model().parameters(), 0.2, 0.6, WeightDecay{0.4, 120}};
    HalveOnPlateau schedule{0.2, 2};
  };
  auto options_for = [&](Run& run, std::size_t epochs) {
    TrainOptions<double> o;
    o.epochs = epochs;
    o.batch_size = 7;
    o.evaluation = &validation;
    o.monitor.evaluation_accuracy = true;
    o.early_stopping = 50;
    o.schedule = &run.schedule;
    o.seed = 99;
    return o;
  };
  Run whole;
  const TrainingHistory full = train(whole.net.model(), whole.net.cost(), whole.optimizer, training,
                                     options_for(whole, 6));

  Run first;
  TrainerState saved;
  auto o = options_for(first, 3);
  o.on_checkpoint = [&](const TrainerState& s, const Optimizer<double>&) { saved = s; };
  train(first.net.model(), first.net.cost(), first.optimizer, training, o);
  ASSERT_EQ(saved.next_epoch, 3u);

  Run resumed;  // a fresh process would rebuild everything, then load the saved states
  resumed.net.model().load_state(first.net.model().state());
  resumed.optimizer.load_state(first.optimizer.state());
  auto o2 = options_for(resumed, 6);
  o2.resume = &saved;
  const TrainingHistory rest = train(resumed.net.model(), resumed.net.cost(), resumed.optimizer,
                                     training, o2);

  expect_same_state(whole.net.model().state(), resumed.net.model().state());
  EXPECT_EQ(rest.evaluation_accuracy(), full.evaluation_accuracy());
  EXPECT_EQ(rest.epochs.size(), 6u);
}

// η = 1e-3 for the first epoch, then absurd: the run diverges in epoch 1.
class ExplodingSchedule : public LearningRateSchedule {
 public:
  ExplodingSchedule() : LearningRateSchedule("ExplodingSchedule", 1e-3) {}
  std::string describe() const override { return "ExplodingSchedule"; }

 protected:
  bool advance(double) override {
    set_learning_rate(1e8);
    return true;
  }
};

TEST(Trainer, divergence_keeps_the_last_good_checkpoint) {
  Sequential<double> model(Dense<double>(4, 3, Init::standard, 2));
  const Cost cost = Cost::quadratic(OutputActivation::identity);
  SGD<double> sgd(model.parameters(), 1e-3);
  ExplodingSchedule schedule;
  const Dataset<double> training = toy_data(200, 14);
  const std::string path = ::testing::TempDir() + "xgrad_divergence_checkpoint.json";
  TrainOptions<double> o;
  o.epochs = 5;
  o.schedule = &schedule;
  StateDict<double> last_good;
  o.on_checkpoint = [&](const TrainerState& state, const Optimizer<double>&) {
    save_checkpoint(path, model, cost, sgd, state);
    last_good = model.state();
  };
  const TrainingHistory h = train(model, cost, sgd, training, o);
  ASSERT_EQ(h.stop_reason, StopReason::diverged);
  EXPECT_NE(h.stop_message.find("epoch 1"), std::string::npos) << h.stop_message;
  const Checkpoint<double> saved = load_checkpoint<double>(path);  // still loads
  EXPECT_EQ(saved.trainer.next_epoch, 1u);
  expect_same_state(saved.model.network.state(), last_good);
  std::remove(path.c_str());
}

TEST(TrainerMnist, ten_thousand_images_three_epochs_reach_90_percent) {
  std::string why;
  const std::string dir = test::real_mnist_dir(why);
  XGRAD_REQUIRE_DATA(dir, why);
  mnist::LoadOptions load;
  load.training_size = 10000;
  load.validation_size = 10000;
  load.test_size = 0;
  const mnist::Split<float> split = mnist::load<float>(dir, load);
  Network<float> net({784, 30, 10}, Cost::cross_entropy(), {Activation::sigmoid, 0, Init::standard, 1});
  SgdOptions<float> o;
  o.evaluation = &split.validation;
  o.monitor.evaluation_accuracy = true;
  o.regularization.l2 = 5.0;
  o.seed = 1;
  const TrainingHistory h = net.sgd(split.training, 3, 10, 0.5, o);
  ASSERT_EQ(h.evaluation_accuracy().size(), 3u);
  EXPECT_GE(h.evaluation_accuracy().back(), 9000u);
}

}  // namespace
}  // namespace xgrad
