// Learning-rate schedules: the sequence of rates each produces, when halve-on-plateau stops,
// and saving/restoring their state.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;

TEST(Schedule, constant_never_changes_or_stops) {
  ConstantLearningRate schedule(0.5);
  for (int e = 0; e < 100; ++e) EXPECT_TRUE(schedule.on_epoch_end(double(e % 3)));
  EXPECT_EQ(schedule.learning_rate(), 0.5);
  EXPECT_EQ(schedule.epochs(), 100u);
}

TEST(Schedule, step_decay_multiplies_every_step_epochs) {
  StepDecay schedule(1.0, 3, 0.1);
  std::vector<double> rates;
  for (int e = 0; e < 7; ++e) {
    EXPECT_TRUE(schedule.on_epoch_end(0.0));
    rates.push_back(schedule.learning_rate());
  }
  const std::vector<double> expected = {1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01};
  for (std::size_t e = 0; e < rates.size(); ++e) EXPECT_DOUBLE_EQ(rates[e], expected[e]) << e;
}

TEST(Schedule, halve_on_plateau_halves_after_patience_and_stops_at_one_128th) {
  HalveOnPlateau schedule(0.8, 10);
  EXPECT_TRUE(schedule.on_epoch_end(0.90));  // first epoch: an improvement on −∞
  // No improvement for 9 epochs: unchanged; the 10th halves.
  for (int e = 0; e < 9; ++e) EXPECT_TRUE(schedule.on_epoch_end(0.90));
  EXPECT_EQ(schedule.learning_rate(), 0.8);
  EXPECT_TRUE(schedule.on_epoch_end(0.85));
  EXPECT_EQ(schedule.learning_rate(), 0.4);
  // An improvement resets the count.
  for (int e = 0; e < 5; ++e) EXPECT_TRUE(schedule.on_epoch_end(0.90));
  EXPECT_TRUE(schedule.on_epoch_end(0.91));
  EXPECT_EQ(schedule.best(), 0.91);
  for (int e = 0; e < 9; ++e) EXPECT_TRUE(schedule.on_epoch_end(0.91));
  EXPECT_EQ(schedule.learning_rate(), 0.4);
  // From here on nothing improves: 0.4 → 0.2 → … → 0.8/128 = 0.00625, six more halvings.
  // The count already stands at 9, so they come on calls 1, 11, …, 51; training goes on
  // while η > η₀/128 and stops on the call that reaches it.
  int epochs = 0;
  while (schedule.on_epoch_end(0.5)) ++epochs;
  EXPECT_EQ(epochs, 50);
  EXPECT_EQ(schedule.learning_rate(), 0.8 / 128);
}

TEST(Schedule, halve_on_plateau_minimize_and_nan) {
  HalveOnPlateau schedule(1.0, 2, MetricGoal::minimize, 0.25);
  EXPECT_TRUE(schedule.on_epoch_end(5.0));
  EXPECT_TRUE(schedule.on_epoch_end(4.0));  // lower is better
  EXPECT_TRUE(schedule.on_epoch_end(std::nan("")));  // never an improvement
  EXPECT_TRUE(schedule.on_epoch_end(4.0));           // not strictly lower
  EXPECT_EQ(schedule.learning_rate(), 0.5);
  EXPECT_TRUE(schedule.on_epoch_end(4.5));
  EXPECT_FALSE(schedule.on_epoch_end(4.5));  // 0.25 = η₀ · stop_fraction: stop
}

TEST(Schedule, state_round_trip) {
  HalveOnPlateau a(0.5, 3), b(0.5, 3);
  const std::vector<double> metrics = {0.1, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
  for (std::size_t e = 0; e < 7; ++e) a.on_epoch_end(metrics[e]);
  b.load_state(a.state());
  EXPECT_EQ(b.epochs(), 7u);
  EXPECT_EQ(b.best(), 0.3);
  for (std::size_t e = 7; e < metrics.size(); ++e) {
    EXPECT_EQ(a.on_epoch_end(metrics[e]), b.on_epoch_end(metrics[e]));
    EXPECT_EQ(a.learning_rate(), b.learning_rate());
    EXPECT_EQ(a.epochs_without_improvement(), b.epochs_without_improvement());
  }
  // A step-decay state does not fit a halve-on-plateau schedule.
  StepDecay step(0.5, 2);
  expect_error<InvalidArgument>([&] { a.load_state(step.state()); },
                                      {"HalveOnPlateau", "load_state", "no entry 'best'"});
  StepDecay step2(0.5, 2);
  step.on_epoch_end(0);
  step.on_epoch_end(0);
  step2.load_state(step.state());
  EXPECT_EQ(step2.learning_rate(), 0.25);
}

TEST(Schedule, errors_name_the_bad_value) {
  expect_error<InvalidArgument>([] { ConstantLearningRate(0.0); },
                                      {"ConstantLearningRate: learning rate eta0 = 0"});
  expect_error<InvalidArgument>([] { StepDecay(0.1, 0); }, {"step_epochs = 0"});
  expect_error<InvalidArgument>([] { StepDecay(0.1, 2, 1.5); },
                                      {"StepDecay: gamma = 1.5 must be in (0, 1]"});
  expect_error<InvalidArgument>([] { HalveOnPlateau(0.1, 0); }, {"patience = 0"});
  expect_error<InvalidArgument>([] { HalveOnPlateau(0.1, 5, MetricGoal::maximize, 1.0); },
                                      {"HalveOnPlateau: stop_fraction = 1 must be in"});
}

}  // namespace
}  // namespace xgrad
