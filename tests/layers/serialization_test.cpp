// xgrad's model format: bit-identical round trips in float and double, the book's weight
// layout on disk, Dropout's generator, optimizer and trainer state through a file, dtype
// conversion, and the hook for custom modules.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

#include "datasets/files.hpp"
#include "layers/model_files.hpp"
#include "test_util.hpp"

namespace xgrad {
namespace {

using nlohmann::json;
using test::awkward;
using test::bitwise_equal;
using test::expect_error;
using test::same_network;
using test::TempDir;

template <class T>
class ModelFile : public ::testing::Test {};
TYPED_TEST_SUITE(ModelFile, test::ModelDtypes);

TYPED_TEST(ModelFile, round_trip_through_a_file_is_bit_identical) {
  using T = TypeParam;
  TempDir dir;
  const Sequential<T> net = test::every_builtin_module<T>();
  save_model(dir / "net.json", net, Cost::log_likelihood());
  const LoadedModel<T> loaded = load_model<T>(dir / "net.json");
  EXPECT_TRUE(same_network(net, loaded.network));
  EXPECT_EQ(loaded.network.describe(),
            "Sequential(Dense(4, 3), Sigmoid, Dropout(0.25), Dense(3, 5), Tanh, Dense(5, 2), "
            "ReLU, Softmax)");
  EXPECT_EQ(loaded.cost.kind(), CostKind::log_likelihood);
  EXPECT_EQ(loaded.cost.output(), OutputActivation::softmax);
  EXPECT_EQ(loaded.dtype, (std::is_same_v<T, float> ? "float32" : "float64"));
  EXPECT_EQ(loaded.network.template at<Dropout<T>>(2).p(), 0.25);
  EXPECT_TRUE(loaded.training.optimizer.empty());
  EXPECT_TRUE(loaded.training.trainer.is_null());
  // Saving the loaded model again gives the same bytes.
  EXPECT_EQ(model_to_string(loaded.network, loaded.cost), test::read_all(dir / "net.json"));
}

TYPED_TEST(ModelFile, dense_weights_are_written_out_by_in_like_the_book) {
  using T = TypeParam;
  const Sequential<T> net(Dense<T>(Matrix<T>{{1, 2, 3}, {4, 5, 6}}, Matrix<T>{{7, 8, 9}}));
  const json doc = model_to_json(net, Cost::cross_entropy());
  // W is (in = 2 × out = 3); the file holds w = Wᵀ, one row per output.
  EXPECT_EQ(doc["layers"][0]["weights"], json::parse("[[1,4],[2,5],[3,6]]"));
  EXPECT_EQ(doc["layers"][0]["biases"], json::parse("[7,8,9]"));
  EXPECT_EQ(doc["format"], "xgrad");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["cost"], "CrossEntropyCost");
  EXPECT_EQ(doc["output_activation"], "sigmoid");
  // The text starts with the format and version, whatever JSON's key order.
  EXPECT_EQ(model_to_string(net, Cost::cross_entropy()).rfind("{\"format\":\"xgrad\",\"version\":1,", 0),
            0u);
}

TYPED_TEST(ModelFile, dropout_draws_the_same_masks_after_loading) {
  using T = TypeParam;
  Sequential<T> net(Dense<T>(3, 6, Init::standard, std::uint64_t{5}), Dropout<T>(0.5, std::uint64_t{7}));
  const Matrix<T> x = xt::ones<T>({4, 3});
  net.forward(Var<T>(x));  // the generator has moved on from its seed
  const LoadedModel<T> loaded = parse_model<T>(model_to_string(net, Cost::cross_entropy()));
  for (int draw = 0; draw < 3; ++draw) {
    const Matrix<T> a = net.forward(Var<T>(x)).value();
    const Matrix<T> b = const_cast<Sequential<T>&>(loaded.network).forward(Var<T>(x)).value();
    EXPECT_TRUE(bitwise_equal(a, b)) << "draw " << draw;
  }
}

TEST(ModelFile, dropout_without_rng_loads_seeded_with_zero) {
  const std::string text = R"({"format":"xgrad","version":1,"dtype":"float64",
    "cost":"CrossEntropyCost","output_activation":"sigmoid",
    "layers":[{"type":"Dropout","p":0.5}]})";
  LoadedModel<double> loaded = parse_model<double>(text);
  Dropout<double> reference(0.5, std::uint64_t{0});
  const Matrix<double> x = xt::ones<double>({5, 5});
  EXPECT_TRUE(bitwise_equal(loaded.network.forward(Vard(x)).value(), reference.forward(Vard(x)).value()));
}

TEST(ModelFile, quadratic_cost_keeps_its_output_activation) {
  const Sequential<double> net(Dense<double>(2, 1, Init::standard, std::uint64_t{1}));
  for (OutputActivation output :
       {OutputActivation::sigmoid, OutputActivation::identity, OutputActivation::softmax}) {
    const auto loaded = parse_model<double>(model_to_string(net, Cost::quadratic(output)));
    EXPECT_EQ(loaded.cost.kind(), CostKind::quadratic);
    EXPECT_EQ(loaded.cost.output(), output);
  }
}

TEST(ModelFile, empty_sequential_round_trips) {
  const auto loaded = parse_model<double>(model_to_string(Sequential<double>(), Cost::cross_entropy()));
  EXPECT_EQ(loaded.network.size(), 0u);
}

// Momentum after a few steps, saved with a trainer object (epoch, generator, schedule and
// history) and restored: one more step from the saved state equals one more step from the
// original.
TYPED_TEST(ModelFile, optimizer_and_trainer_state_round_trip_through_a_file) {
  using T = TypeParam;
  TempDir dir;
  Sequential<T> net(Dense<T>(3, 4, Init::standard, std::uint64_t{11}), Sigmoid<T>(),
                    Dense<T>(4, 2, Init::standard, std::uint64_t{12}));
  const Cost cost = Cost::cross_entropy();
  const Matrix<T> x{{0.5, -1, 2}, {1, 0, -0.5}, {0.25, 0.75, -2}};
  const Matrix<T> y{{1, 0}, {0, 1}, {1, 0}};
  Momentum<T> momentum(net.parameters(), 0.5, 0.9);
  auto step = [&](Sequential<T>& n, Momentum<T>& opt) {
    opt.zero_grad();
    cost.on_logits(n.forward(Var<T>(x)), y).backward();
    opt.step();
  };
  for (int s = 0; s < 3; ++s) step(net, momentum);

  HalveOnPlateau schedule(0.5, 2);
  schedule.on_epoch_end(0.9);
  schedule.on_epoch_end(0.8);
  Rng rng(2024);
  rng.discard(17);
  std::ostringstream rng_text;
  rng_text << rng;

  TrainingState<T> training;
  training.optimizer = momentum.name();
  training.optimizer_state = momentum.state();
  training.trainer = {{"epoch", 3},
                      {"rng", rng_text.str()},
                      {"schedule", state_to_json(schedule.state())},
                      {"history", {{"evaluation_accuracy", {9000, 9100, 9150}}}}};
  save_model(dir / "checkpoint.json", net, cost, training);

  LoadedModel<T> loaded = load_model<T>(dir / "checkpoint.json");
  EXPECT_TRUE(same_network(net, loaded.network));
  EXPECT_EQ(loaded.training.optimizer, "Momentum");
  ASSERT_EQ(loaded.training.optimizer_state.size(), training.optimizer_state.size());
  for (std::size_t i = 0; i < training.optimizer_state.size(); ++i) {
    EXPECT_EQ(loaded.training.optimizer_state[i].name, training.optimizer_state[i].name);
    EXPECT_TRUE(bitwise_equal(loaded.training.optimizer_state[i].value,
                              training.optimizer_state[i].value));
  }
  EXPECT_EQ(loaded.training.trainer, training.trainer);

  Momentum<T> resumed(loaded.network.parameters(), 0.1, 0.9);  // η comes from the state
  resumed.load_state(loaded.training.optimizer_state);
  EXPECT_EQ(resumed.learning_rate(), 0.5);
  EXPECT_EQ(resumed.steps(), 3u);
  step(net, momentum);
  step(loaded.network, resumed);
  EXPECT_TRUE(same_network(net, loaded.network));

  HalveOnPlateau restored(0.5, 2);
  restored.load_state(state_from_json<double>(loaded.training.trainer["schedule"], "checkpoint",
                                              "trainer.schedule"));
  EXPECT_EQ(restored.epochs(), 2u);
  EXPECT_EQ(restored.best(), 0.9);
  EXPECT_EQ(restored.on_epoch_end(0.7), schedule.on_epoch_end(0.7));
  EXPECT_EQ(restored.learning_rate(), schedule.learning_rate());
  EXPECT_EQ(restored.learning_rate(), 0.25);  // two epochs without improvement: halved

  Rng rng_back;
  std::istringstream rng_in(loaded.training.trainer["rng"].template get<std::string>());
  rng_in >> rng_back;
  EXPECT_EQ(rng_back(), rng());
}

TEST(ModelFile, float32_file_loads_exactly_as_double) {
  const Sequential<float> net = test::every_builtin_module<float>();
  const auto loaded = parse_model<double>(model_to_string(net, Cost::cross_entropy()));
  EXPECT_EQ(loaded.dtype, "float32");
  const StateDict<float> saved = net.state();
  const StateDict<double> got = loaded.network.state();
  for (std::size_t i = 0; i < saved.size(); ++i) {
    for (std::size_t k = 0; k < saved[i].value.size(); ++k) {
      EXPECT_EQ(got[i].value.flat(k), double(saved[i].value.flat(k))) << saved[i].name;
    }
  }
}

TEST(ModelFile, float64_file_loads_as_float_rounded_to_nearest) {
  const Sequential<double> net(Dense<double>(Matrix<double>{{0.1, 1.0 / 3.0}}, Matrix<double>{{1e-50, -2.0 / 3.0}}));
  const auto loaded = parse_model<float>(model_to_string(net, Cost::cross_entropy()));
  EXPECT_EQ(loaded.dtype, "float64");
  const auto& dense = loaded.network.at<Dense<float>>(0);
  EXPECT_EQ(dense.weight().value()(0, 0), 0.1f);
  EXPECT_EQ(dense.weight().value()(0, 1), float(1.0 / 3.0));
  EXPECT_EQ(dense.bias().value()(0, 0), 0.0f);  // below float's subnormals: rounds to 0
  EXPECT_EQ(dense.bias().value()(0, 1), float(-2.0 / 3.0));
}

TEST(ModelFile, saving_non_finite_parameters_is_refused) {
  Sequential<double> net(Dense<double>(Matrix<double>{{1.0, std::nan("")}}, Matrix<double>{{0.0, 0.0}}));
  expect_error<InvalidArgument>(
      [&] { model_to_string(net, Cost::cross_entropy()); },
      {"cannot save layers[0] (Dense(1, 2)) weights[1][0]: it is nan",
       "only finite values"});
  TempDir dir;
  EXPECT_THROW(save_model(dir / "nan.json", net, Cost::cross_entropy()), InvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir / "nan.json"));
}

TEST(ModelFile, trainer_state_must_be_an_object) {
  TrainingState<double> training;
  training.trainer = json::array({1, 2});
  expect_error<InvalidArgument>(
      [&] { model_to_string(Sequential<double>(), Cost::cross_entropy(), training); },
      {"trainer state", "array", "expected a JSON object"});
}

TEST(ModelFile, state_json_keeps_order_shape_and_values) {
  StateDict<double> state{{"b", Matrix<double>{{1.5, -2.0}, {0.25, 3.0}}}, {"a", Matrix<double>{{7.0}}}};
  const json j = state_to_json(state);
  EXPECT_EQ(j, json::parse(R"([{"name":"b","shape":[2,2],"data":[1.5,-2.0,0.25,3.0]},
                                {"name":"a","shape":[1,1],"data":[7.0]}])"));
  const StateDict<double> back = state_from_json<double>(j, "test", "state");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].name, "b");
  EXPECT_TRUE(bitwise_equal(back[0].value, state[0].value));
  EXPECT_EQ(back[1].name, "a");
  EXPECT_TRUE(bitwise_equal(back[1].value, state[1].value));
}

// ---------------------------------------------------------------- custom modules

// x ⊙ factor with a (1 × width) factor: a custom module with one parameter and a config.
template <class T>
class Scale : public Module<T> {
 public:
  explicit Scale(std::size_t width) : width_(width) {
    factor_ = this->register_parameter("factor", xt::ones<T>({std::size_t{1}, width}),
                                       ParameterKind::weight);
  }
  Var<T> forward(const Var<T>& x) override { return x * factor_; }
  std::string describe() const override { return fmt::format("Scale({})", width_); }
  std::size_t width() const { return width_; }
  const Var<T>& factor() const { return factor_; }

 private:
  std::size_t width_;
  Var<T> factor_;
};

// Registers Scale<T> as "Scale" once per process.
template <class T>
void register_scale() {
  static const bool registered = [] {
    register_module_type<Scale<T>>(
        "Scale", [](const Scale<T>& m) { return json{{"width", m.width()}}; },
        [](const json& config) {
          return std::make_shared<Scale<T>>(config.at("width").get<std::size_t>());
        });
    return true;
  }();
  (void)registered;
}

// Never registered.
struct Unregistered : Module<double> {
  Vard forward(const Vard& x) override { return x; }
  std::string describe() const override { return "Unregistered"; }
};

TYPED_TEST(ModelFile, registered_custom_module_round_trips) {
  using T = TypeParam;
  register_scale<T>();
  Sequential<T> net(Dense<T>(awkward<T>(2, 3, 7), awkward<T>(1, 3, 8)), Scale<T>(3));
  net.template at<Scale<T>>(1).factor().mutable_value() = awkward<T>(1, 3, 9);
  const std::string text = model_to_string(net, Cost::cross_entropy());
  const json doc = json::parse(text);
  EXPECT_EQ(doc["layers"][1]["type"], "Scale");
  EXPECT_EQ(doc["layers"][1]["config"], json::parse(R"({"width":3})"));
  EXPECT_EQ(doc["layers"][1]["parameters"][0]["name"], "factor");
  LoadedModel<T> loaded = parse_model<T>(text);
  EXPECT_TRUE(same_network(net, loaded.network));
  const Matrix<T> x = awkward<T>(2, 2, 3);
  EXPECT_TRUE(bitwise_equal(net.forward(Var<T>(x)).value(), loaded.network.forward(Var<T>(x)).value()));
}

TEST(ModelFile, unregistered_custom_module_is_named_when_saving_and_loading) {
  Sequential<double> net(Dense<double>(2, 2, Init::standard, std::uint64_t{3}), Unregistered());
  expect_error<InvalidArgument>([&] { model_to_string(net, Cost::cross_entropy()); },
                                      {"cannot save layers[1] (Unregistered)",
                                       "neither built in nor registered", "register_module_type"});
  const std::string text = R"({"format":"xgrad","version":1,"dtype":"float64",
    "cost":"CrossEntropyCost","output_activation":"sigmoid",
    "layers":[{"type":"Unregistered","config":null,"parameters":[]}]})";
  expect_error<ModelFormatError>([&] { parse_model<double>(text, "custom.json"); },
                                 {"custom.json: layers[0].type: unknown layer type \"Unregistered\"",
                                  "register_module_type"});
}

TEST(ModelFile, custom_module_load_errors_name_the_layer) {
  register_scale<double>();
  const std::string prefix = R"({"format":"xgrad","version":1,"dtype":"float64",
    "cost":"CrossEntropyCost","output_activation":"sigmoid","layers":[)";
  // The load function throws (no "width").
  expect_error<ModelFormatError>(
      [&] { parse_model<double>(prefix + R"({"type":"Scale","config":{},"parameters":[]}]})", "f"); },
      {"f: layers[0].config: the load function of \"Scale\" failed"});
  // Parameters that do not fit the module built from the config.
  expect_error<ModelFormatError>(
      [&] {
        parse_model<double>(prefix + R"({"type":"Scale","config":{"width":2},"parameters":[
          {"name":"factor","shape":[1,3],"data":[1,2,3]}]}]})", "f");
      },
      {"f: layers[0].parameters:", "entry 'factor' has shape (1, 3), expected (1, 2)"});
  expect_error<ModelFormatError>(
      [&] {
        parse_model<double>(prefix + R"({"type":"Scale","config":{"width":1},"parameters":[]}]})",
                            "f");
      },
      {"f: layers[0].parameters:", "no entry 'factor'"});
}

TEST(ModelFile, registration_rules) {
  register_scale<double>();
  auto save = [](const Module<double>&) { return json(); };
  auto load = [](const json&) { return std::shared_ptr<Module<double>>(); };
  expect_error<InvalidArgument>(
      [&] { register_module_type<double>("Dense", typeid(Unregistered), {save, load}); },
      {"\"Dense\" is a built-in module type"});
  expect_error<InvalidArgument>(
      [&] { register_module_type<double>("Scale", typeid(Unregistered), {save, load}); },
      {"\"Scale\" is already registered"});
  expect_error<InvalidArgument>(
      [&] { register_module_type<double>("Scale2", typeid(Scale<double>), {save, load}); },
      {"already registered as \"Scale\""});
  expect_error<InvalidArgument>(
      [&] { register_module_type<double>("Nothing", typeid(Unregistered), {save, nullptr}); },
      {"needs both a save and a load function"});
  // Unregistering makes the name unknown again; registering again restores it.
  register_module_type<double>("Temporary", typeid(Unregistered), {save, load});
  EXPECT_TRUE(unregister_module_type<double>("Temporary"));
  EXPECT_FALSE(unregister_module_type<double>("Temporary"));
  // Registrations are per element type.
  EXPECT_FALSE(unregister_module_type<float>("Temporary"));
}

// ---------------------------------------------------------------- fuzzing seeds

// The seed corpora of fuzz/ hold what their names say: valid-* files load (with "Scale"
// registered, as in the fuzzer), bad-* files are refused with a ModelFormatError.
template <class Load>
void check_seeds(const std::string& dir, Load load) {
  std::size_t valid = 0, bad = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("valid-", 0) == 0) {
      EXPECT_NO_THROW(load(entry.path().string())) << name;
      ++valid;
    } else {
      EXPECT_THROW(load(entry.path().string()), ModelFormatError) << name;
      ++bad;
    }
  }
  EXPECT_GE(valid, 2u) << dir;
  EXPECT_GE(bad, 3u) << dir;
}

TEST(FuzzSeeds, model_and_network2_seeds_are_what_their_names_say) {
  register_scale<float>();
  register_scale<double>();
  check_seeds(XGRAD_FUZZ_CORPUS_DIR "/model", [](const std::string& p) { load_model<double>(p); });
  check_seeds(XGRAD_FUZZ_CORPUS_DIR "/model", [](const std::string& p) { load_model<float>(p); });
  check_seeds(XGRAD_FUZZ_CORPUS_DIR "/network2",
              [](const std::string& p) { load_network2<double>(p); });
}

}  // namespace
}  // namespace xgrad
