// network2.py's JSON format: a file as network2.py writes it loads and evaluates like
// network2.py's feedforward (computed here in plain loops), round trips are bit-identical,
// the written document has network2's exact shape, and networks network2.py cannot
// represent are refused with the reason.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "datasets/files.hpp"
#include "layers/model_files.hpp"
#include "test_util.hpp"

namespace xgrad {
namespace {

using nlohmann::json;
using test::bitwise_equal;
using test::expect_error;
using test::same_network;
using test::TempDir;

// A [3, 4, 2] network written the way network2.py's save() writes it (Python's json.dump
// of float reprs, including exponent forms), from these literals.
const std::vector<std::vector<std::vector<const char*>>> kWeights = {
    {{"-0.5377871440978405", "1.8339057318408313", "-2.258846861003648"},
     {"0.8622231266003585", "0.3188487549713446", "-1.3076882963597036"},
     {"-0.4335924680427563", "0.34262446653864923", "3.5783969397308547"},
     {"2.7694370298492165", "-1.3498852742834898", "3.0349235425801226"}},
    {{"0.7254042970457285", "-0.06305487067488508", "0.7147429038260958", "-0.20496605976045"},
     {"-0.12414434821751564", "1.4896976922527196", "1.409034489805726", "1.4171924206590036e-05"}}};
const std::vector<std::vector<const char*>> kBiases = {
    {"0.6714971336080805", "-1.2074869658450173", "0.7172386513288288", "1.6302352530656626"},
    {"0.48889377268856316", "1.0346972947452542e-07"}};

std::string network2_text(const char* cost) {
  auto list = [](const auto& items, auto&& item) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + item(items[i]);
    return out + "]";
  };
  auto number = [](const char* s) { return std::string(s); };
  auto column = [](const char* s) { return "[" + std::string(s) + "]"; };
  auto row = [&](const std::vector<const char*>& r) { return list(r, number); };
  const std::string weights =
      list(kWeights, [&](const std::vector<std::vector<const char*>>& w) { return list(w, row); });
  const std::string biases =
      list(kBiases, [&](const std::vector<const char*>& b) { return list(b, column); });
  return "{\"sizes\": [3, 4, 2], \"weights\": " + weights + ", \"biases\": " + biases +
         ", \"cost\": \"" + cost + "\"}";
}

double parse(const char* s) { return std::strtod(s, nullptr); }

// network2.py's feedforward for one input column: a = σ(w·a + b) for every layer.
std::vector<double> network2_feedforward(std::vector<double> a) {
  for (std::size_t l = 0; l < kWeights.size(); ++l) {
    std::vector<double> next(kWeights[l].size());
    for (std::size_t j = 0; j < next.size(); ++j) {
      double z = parse(kBiases[l][j]);
      for (std::size_t k = 0; k < a.size(); ++k) z += parse(kWeights[l][j][k]) * a[k];
      next[j] = 1.0 / (1.0 + std::exp(-z));
    }
    a = next;
  }
  return a;
}

const Matrix<double> kInputs{{0.0, 0.0, 0.0}, {1.0, 0.5, 0.25}, {-0.3, 0.9, 0.1}, {0.2, -0.7, 1.0}};
const Matrix<double> kTargets{{1, 0}, {0, 1}, {1, 0}, {0, 1}};

TEST(Network2, file_written_by_network2_loads_with_its_exact_parameters) {
  TempDir dir;
  test::write_text(dir / "net.json", network2_text("CrossEntropyCost"));
  const LoadedModel<double> model = load_network2<double>(dir / "net.json");
  EXPECT_EQ(model.network.describe(), "Sequential(Dense(3, 4), Sigmoid, Dense(4, 2))");
  EXPECT_EQ(model.cost.kind(), CostKind::cross_entropy);
  EXPECT_EQ(model.dtype, "float64");
  for (std::size_t l = 0; l < 2; ++l) {
    const auto& dense = model.network.at<Dense<double>>(2 * l);
    for (std::size_t j = 0; j < kWeights[l].size(); ++j) {
      EXPECT_EQ(dense.bias().value()(0, j), parse(kBiases[l][j]));
      for (std::size_t k = 0; k < kWeights[l][j].size(); ++k) {
        EXPECT_EQ(dense.weight().value()(k, j), parse(kWeights[l][j][k]));  // W = wᵀ
      }
    }
  }
}

TEST(Network2, loaded_network_evaluates_like_network2_feedforward) {
  for (const char* cost_name : {"CrossEntropyCost", "QuadraticCost"}) {
    LoadedModel<double> model = parse_network2<double>(network2_text(cost_name));
    EXPECT_EQ(model.cost.name(), cost_name);
    const Matrix<double> outputs = model.cost.activate(model.network.forward(Vard(kInputs))).value();
    double reference_cost = 0;
    for (std::size_t x = 0; x < kInputs.shape()[0]; ++x) {
      const std::vector<double> a =
          network2_feedforward({kInputs(x, 0), kInputs(x, 1), kInputs(x, 2)});
      for (std::size_t j = 0; j < a.size(); ++j) {
        // Same terms summed in another order (GEMM): equal to the last bits.
        EXPECT_NEAR(outputs(x, j), a[j], 1e-15) << "input " << x << ", output " << j;
        const double y = kTargets(x, j);
        reference_cost += std::string(cost_name) == "QuadraticCost"
                              ? 0.5 * (a[j] - y) * (a[j] - y)
                              : -y * std::log(a[j]) - (1 - y) * std::log(1 - a[j]);
      }
    }
    // network2.py's total_cost (λ = 0): Σ_x C_x / n.
    reference_cost /= double(kInputs.shape()[0]);
    const double cost = model.cost.on_logits(model.network.forward(Vard(kInputs)), kTargets).value()(0, 0);
    EXPECT_TRUE(test::near(cost, reference_cost, 1e-13)) << cost_name;
  }
}

template <class T>
class Network2RoundTrip : public ::testing::Test {};
TYPED_TEST_SUITE(Network2RoundTrip, test::ModelDtypes);

TYPED_TEST(Network2RoundTrip, xgrad_to_network2_to_xgrad_is_bit_identical) {
  using T = TypeParam;
  TempDir dir;
  const Sequential<T> net(Dense<T>(test::awkward<T>(5, 4, 1), test::awkward<T>(1, 4, 2)),
                          Sigmoid<T>(),
                          Dense<T>(test::awkward<T>(4, 3, 3), test::awkward<T>(1, 3, 4)),
                          Sigmoid<T>(),
                          Dense<T>(test::awkward<T>(3, 2, 5), test::awkward<T>(1, 2, 6)));
  for (const Cost& cost : {Cost::cross_entropy(), Cost::quadratic()}) {
    save_network2(dir / "net.json", net, cost);
    const LoadedModel<T> loaded = load_network2<T>(dir / "net.json");
    EXPECT_TRUE(same_network(net, loaded.network));
    EXPECT_EQ(loaded.cost.name(), cost.name());
    EXPECT_EQ(network2_to_string(loaded.network, loaded.cost), test::read_all(dir / "net.json"));
  }
}

TEST(Network2, written_document_has_network2_shape) {
  const Sequential<double> net(Dense<double>(Matrix<double>{{1, 2, 3}, {4, 5, 6}}, Matrix<double>{{7, 8, 9}}),
                               Sigmoid<double>(),
                               Dense<double>(Matrix<double>{{1}, {2}, {3}}, Matrix<double>{{4}}));
  const std::string text = network2_to_string(net, Cost::cross_entropy());
  // network2.py's key order and layouts: w (out × in), b (out × 1) column vectors.
  EXPECT_EQ(text,
            "{\"sizes\":[2,3,1],\"weights\":[[[1.0,4.0],[2.0,5.0],[3.0,6.0]],[[1.0,2.0,3.0]]],"
            "\"biases\":[[[7.0],[8.0],[9.0]],[[4.0]]],\"cost\":\"CrossEntropyCost\"}\n");
  EXPECT_EQ(network2_to_json(net, Cost::cross_entropy()), json::parse(text));
}

TEST(Network2, networks_network2_cannot_represent_are_refused_with_the_reason) {
  Rng rng(3);
  auto dense = [&](std::size_t in, std::size_t out) { return Dense<double>(in, out, Init::standard, rng); };
  const Cost ce = Cost::cross_entropy();
  struct Case {
    Sequential<double> net;
    Cost cost;
    std::vector<const char*> fragments;
  };
  std::vector<Case> cases;
  cases.push_back({Sequential<double>(dense(2, 3), Tanh<double>(), dense(3, 1)), ce,
                   {"module 1 is Tanh, expected Sigmoid (network2.py's neurons are sigmoid)"}});
  cases.push_back({Sequential<double>(dense(2, 3), Sigmoid<double>(), Dropout<double>(0.5, rng), dense(3, 1)), ce,
                   {"module 2 is Dropout(0.5), expected Dense (network2.py has no dropout layers)"}});
  cases.push_back({Sequential<double>(dense(2, 3), Sigmoid<double>()), ce,
                   {"it ends with Sigmoid (module 1)"}});
  cases.push_back({Sequential<double>(dense(2, 3), dense(3, 1)), ce,
                   {"module 1 is Dense(3, 1), expected Sigmoid"}});
  cases.push_back({Sequential<double>(dense(2, 3), Sigmoid<double>(), dense(4, 1)), ce,
                   {"module 2 (Dense(4, 1)) does not take the 3 outputs of module 0"}});
  cases.push_back({Sequential<double>(), ce, {"it has no layers"}});
  cases.push_back({Sequential<double>(dense(2, 3)), Cost::log_likelihood(),
                   {"its cost is LogLikelihoodCost; network2.py has only QuadraticCost and "
                    "CrossEntropyCost"}});
  cases.push_back({Sequential<double>(dense(2, 3)), Cost::quadratic(OutputActivation::identity),
                   {"its QuadraticCost is on identity outputs; network2.py's output neurons are "
                    "sigmoid"}});
  TempDir dir;
  for (const Case& c : cases) {
    for (const char* fragment : c.fragments) {
      EXPECT_NE(network2_incompatibility(c.net, c.cost).find(fragment), std::string::npos)
          << network2_incompatibility(c.net, c.cost);
    }
    std::vector<const char*> fragments = c.fragments;
    fragments.push_back("cannot save in network2.py's format: ");
    expect_error<InvalidArgument>([&] { save_network2(dir / "n.json", c.net, c.cost); },
                                        {fragments[0], fragments.back()});
    EXPECT_FALSE(std::filesystem::exists(dir / "n.json"));
  }
  EXPECT_EQ(network2_incompatibility(Sequential<double>(dense(2, 3), Sigmoid<double>(), dense(3, 1)), ce), "");
}

}  // namespace
}  // namespace xgrad
