// Files saved by an earlier xgrad (tests/io/data/README.md says how) load and save again
// byte for byte: a refactoring of the formats must not change what users' files mean.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

std::string golden(const std::string& name) {
  const std::string path = std::string(XGRAD_GOLDEN_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(GoldenFiles, ModelWithReluAndDropoutResavesByteIdentically) {
  const std::string text = golden("model_relu_dropout_f64.json");
  const LoadedModel<double> model = parse_model<double>(text, "model_relu_dropout_f64.json");
  EXPECT_EQ(model.network.describe(),
            "Sequential(Dense(784, 4), ReLU, Dropout(0.2), Dense(4, 3), ReLU, Dropout(0.2), "
            "Dense(3, 10))");
  EXPECT_EQ(model_to_string(model.network, model.cost, model.training), text);
}

TEST(GoldenFiles, CheckpointResavesByteIdenticallyThroughItsTypedState) {
  const std::string text = golden("checkpoint_tanh_f32.json");
  const LoadedModel<float> model = parse_model<float>(text, "checkpoint_tanh_f32.json");
  ASSERT_EQ(model.training.optimizer, "Nesterov");
  // Through the typed trainer state and back: every field survives, in the same layout.
  const TrainerState state = trainer_state_from_json(model.training.trainer, "checkpoint");
  EXPECT_EQ(state.next_epoch, 2u);
  EXPECT_EQ(state.history.epochs.size(), 2u);
  EXPECT_EQ(state.generators.size(), 1u);
  TrainingState<float> training = model.training;
  training.trainer = trainer_state_to_json(state);
  EXPECT_EQ(model_to_string(model.network, model.cost, training), text);
}

TEST(GoldenFiles, CheckpointHistoryListsMustMatchTheEpochs) {
  // The four network2 lists repeat the epochs' measurements; a file where they disagree is
  // refused, naming the place.
  const LoadedModel<float> model =
      parse_model<float>(golden("checkpoint_tanh_f32.json"), "checkpoint_tanh_f32.json");
  nlohmann::json trainer = model.training.trainer;
  const TrainerState state = trainer_state_from_json(trainer, "checkpoint");
  EXPECT_EQ(state.history.evaluation_accuracy().size(), 2u);
  EXPECT_TRUE(state.history.monitor.training_cost);
  trainer["history"]["evaluation_accuracy"][1] = 1;
  try {
    trainer_state_from_json(trainer, "checkpoint");
    FAIL() << "expected ModelFormatError";
  } catch (const ModelFormatError& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint: trainer.history: the four lists do not "
                                         "match the measurements in \"epochs\""),
              std::string::npos)
        << e.what();
  }
}

TEST(GoldenFiles, Network2ModelResavesByteIdentically) {
  const std::string text = golden("network2_quadratic.json");
  const LoadedModel<double> model = parse_network2<double>(text, "network2_quadratic.json");
  EXPECT_EQ(network2_to_string(model.network, model.cost), text);
}

TEST(GoldenFiles, LoadAnyModelTellsTheFormatsApart) {
  const std::string dir = std::string(XGRAD_GOLDEN_DIR) + "/";
  const LoadedModel<double> network2 = load_any_model<double>(dir + "network2_quadratic.json");
  EXPECT_EQ(network2_to_string(network2.network, network2.cost), golden("network2_quadratic.json"));
  const LoadedModel<double> xgrad = load_any_model<double>(dir + "model_relu_dropout_f64.json");
  EXPECT_EQ(model_to_string(xgrad.network, xgrad.cost, xgrad.training),
            golden("model_relu_dropout_f64.json"));
  EXPECT_THROW(load_any_model<double>(dir + "README.md"), ModelFormatError);
}

}  // namespace
}  // namespace xgrad
