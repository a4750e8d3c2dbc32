// Bad model files, each refused with a ModelFormatError whose text names the file, the JSON
// path of the bad element, what was wrong and what was expected — in xgrad's format and in
// network2.py's.

#include <gtest/gtest.h>

#include <string>

#include <xgrad/xgrad.hpp>

#include "datasets/files.hpp"
#include "test_util.hpp"

namespace xgrad {
namespace {

using nlohmann::json;
using test::expect_error;
using test::TempDir;

// A valid xgrad document: Dense(2, 3), Sigmoid, Dropout, Dense(3, 1).
json good_model() {
  return json::parse(R"({
    "format": "xgrad", "version": 1, "dtype": "float64",
    "cost": "CrossEntropyCost", "output_activation": "sigmoid",
    "layers": [
      {"type": "Dense", "weights": [[1, 2], [3, 4], [5, 6]], "biases": [0.1, 0.2, 0.3]},
      {"type": "Sigmoid"},
      {"type": "Dropout", "p": 0.5},
      {"type": "Dense", "weights": [[1, 2, 3]], "biases": [0.5]}
    ],
    "optimizer": {"name": "SGD", "state": [
      {"name": "learning_rate", "shape": [1, 1], "data": [0.5]}]},
    "trainer": {"epoch": 2}
  })");
}

// A valid network2.py document: sizes [2, 3, 1].
json good_network2() {
  return json::parse(R"({"sizes": [2, 3, 1],
    "weights": [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3]]],
    "biases": [[[0.1], [0.2], [0.3]], [[0.5]]],
    "cost": "CrossEntropyCost"})");
}

void expect_model_error(const json& doc, std::initializer_list<const char*> fragments) {
  expect_error<ModelFormatError>([&] { parse_model<double>(doc.dump(), "m.json"); }, fragments);
}

void expect_network2_error(const json& doc, std::initializer_list<const char*> fragments) {
  expect_error<ModelFormatError>([&] { parse_network2<double>(doc.dump(), "n2.json"); },
                                 fragments);
}

TEST(ModelErrors, the_good_documents_load) {
  const auto model = parse_model<double>(good_model().dump(), "m.json");
  EXPECT_EQ(model.network.describe(), "Sequential(Dense(2, 3), Sigmoid, Dropout(0.5), Dense(3, 1))");
  EXPECT_EQ(model.training.optimizer, "SGD");
  EXPECT_EQ(model.training.trainer["epoch"], 2);
  const auto n2 = parse_network2<double>(good_network2().dump(), "n2.json");
  EXPECT_EQ(n2.network.describe(), "Sequential(Dense(2, 3), Sigmoid, Dense(3, 1))");
}

TEST(ModelErrors, unreadable_or_empty_files) {
  TempDir dir;
  expect_error<ModelFormatError>([&] { load_model<double>(dir / "missing.json"); },
                                 {"missing.json: cannot open: No such file or directory"});
  expect_error<ModelFormatError>([&] { load_network2<double>(dir.path().string()); },
                                 {"not a regular file"});
  test::write_text(dir / "empty.json", "");
  expect_error<ModelFormatError>([&] { load_model<double>(dir / "empty.json"); },
                                 {"empty.json: the file is empty"});
  test::write_text(dir / "blank.json", " \n\t\n");
  expect_error<ModelFormatError>([&] { load_model<double>(dir / "blank.json"); },
                                 {"blank.json: no JSON document: the text is empty"});
}

TEST(ModelErrors, malformed_json_is_located_by_line_and_column) {
  expect_error<ModelFormatError>(
      [] { parse_model<double>("{\"format\": \"xgrad\",\n  \"version\" 1}", "m.json"); },
      {"m.json: malformed JSON at line 2, column 13:", "unexpected number literal", "expected ':'"});
  expect_error<ModelFormatError>([] { parse_network2<double>("{\"sizes\": [1, 2]} x", "n2.json"); },
                                 {"n2.json: malformed JSON at line 1, column 19:",
                                  "expected end of input"});
}

TEST(ModelErrors, truncated_file_says_it_ends_early) {
  TempDir dir;
  const std::string text = good_model().dump();
  test::write_text(dir / "cut.json", text.substr(0, text.size() / 2));
  expect_error<ModelFormatError>([&] { load_model<double>(dir / "cut.json"); },
                                 {"cut.json: malformed JSON at line 1, column",
                                  "(the text ends early: truncated?)"});
  const std::string n2 = good_network2().dump();
  expect_error<ModelFormatError>([&] { parse_network2<double>(n2.substr(0, n2.size() - 1), "n2.json"); },
                                 {"n2.json: malformed JSON", "the text ends early"});
}

TEST(ModelErrors, non_finite_numbers) {
  // Python's json.dump writes NaN and Infinity for a diverged network2.py run.
  std::string text = good_network2().dump();
  text.replace(text.find("0.2"), 3, "NaN");
  expect_error<ModelFormatError>([&] { parse_network2<double>(text, "n2.json"); },
                                 {"n2.json: non-finite value NaN at line 1, column",
                                  "expected a finite number"});
  text = good_network2().dump();
  text.replace(text.find("0.2"), 3, "-Infinity");
  expect_error<ModelFormatError>([&] { parse_network2<double>(text, "n2.json"); },
                                 {"non-finite value -Infinity at line 1, column 20"});
  text = good_model().dump();
  text.replace(text.find("0.3"), 3, "1e400");
  expect_error<ModelFormatError>([&] { parse_model<double>(text, "m.json"); },
                                 {"m.json: number overflow parsing '1e400' at line 1, column",
                                  "expected a finite number within double's range"});
  // Finite in double, beyond float.
  json doc = good_model();
  doc["layers"][0]["weights"][1][0] = 1e300;
  expect_error<ModelFormatError>([&] { parse_model<float>(doc.dump(), "m.json"); },
                                 {"m.json: layers[0].weights[1][0]: 1e+300 is beyond the range of float32"});
  EXPECT_NO_THROW(parse_model<double>(doc.dump(), "m.json"));
}

// Found by review: a trainer object nested 100,000 levels deep (200 kB of brackets) parsed
// fine but overflowed the stack when the document was copied. Nesting is now limited.
TEST(ModelErrors, deep_nesting_is_refused_before_parsing) {
  const std::string head = good_model().dump();
  auto nested = [&](std::size_t depth) {
    return head.substr(0, head.size() - 1) + ",\"extra\":" + std::string(depth, '[') +
           std::string(depth, ']') + "}";
  };
  for (std::size_t depth : {std::size_t{511}, std::size_t{100000}}) {
    expect_error<ModelFormatError>(
        [&] { parse_model<double>(nested(depth), "m.json"); },
        {depth == 511 ? "m.json: unexpected key \"extra\""
                      : "m.json: arrays and objects nested more than 512 levels deep at line 1"});
    // network2's loader ignores extra keys: 511 levels load.
    const std::string n2 = good_network2().dump();
    const std::string text =
        n2.substr(0, n2.size() - 1) + ",\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
    if (depth == 511) {
      EXPECT_NO_THROW(parse_network2<double>(text, "n2.json"));
    } else {
      expect_error<ModelFormatError>([&] { parse_network2<double>(text, "n2.json"); },
                                     {"n2.json: arrays and objects nested more than 512 levels"});
    }
  }
  // Brackets inside strings do not count.
  json doc = good_model();
  doc["trainer"]["note"] = std::string(100000, '[');
  EXPECT_NO_THROW(parse_model<double>(doc.dump(), "m.json"));
}

TEST(ModelErrors, format_version_and_dtype) {
  json doc = good_model();
  doc["format"] = "keras";
  expect_model_error(doc, {"m.json: format: is \"keras\", expected \"xgrad\""});
  doc = good_model();
  doc["version"] = 2;
  expect_model_error(doc, {"m.json: version: is 2, newer than this xgrad reads (up to 1)"});
  doc["version"] = 0;
  expect_model_error(doc, {"m.json: version: unknown version 0, expected 1"});
  doc["version"] = -1;
  expect_model_error(doc, {"m.json: version: unknown version -1, expected 1"});
  doc["version"] = "1";
  expect_model_error(doc, {"m.json: version: expected an integer (the format version, 1), found string"});
  doc = good_model();
  doc["dtype"] = "float16";
  expect_model_error(doc, {"m.json: dtype: is \"float16\", expected \"float32\" or \"float64\""});
  doc.erase("format");
  expect_model_error(doc, {"m.json: missing key \"format\" (expected \"xgrad\")"});
  // A network2.py file given to the xgrad loader, and the reverse.
  expect_model_error(good_network2(), {"m.json: missing key \"format\": this looks like a "
                                       "network2.py model", "load_network2()"});
  expect_network2_error(good_model(), {"n2.json: this is an xgrad-format model", "load_model()"});
  expect_model_error(json::array({1, 2}), {"m.json: expected a JSON object (an xgrad model), found an array of 2"});
}

TEST(ModelErrors, missing_keys_and_wrong_types) {
  for (const char* key : {"version", "dtype", "cost", "output_activation", "layers"}) {
    json doc = good_model();
    doc.erase(key);
    expect_error<ModelFormatError>([&] { parse_model<double>(doc.dump(), "m.json"); },
                                   {std::string("m.json: missing key \"") + key + "\""});
  }
  json doc = good_model();
  doc["layers"][0].erase("weights");
  expect_model_error(doc, {"m.json: layers[0]: missing key \"weights\" (expected the (out × in) "
                           "weight matrix as a list of rows)"});
  doc = good_model();
  doc["layers"][3].erase("biases");
  expect_model_error(doc, {"m.json: layers[3]: missing key \"biases\""});
  doc = good_model();
  doc["layers"][1].erase("type");
  expect_model_error(doc, {"m.json: layers[1]: missing key \"type\""});
  doc = good_model();
  doc["layers"] = "Dense";
  expect_model_error(doc, {"m.json: layers: expected a list of layer objects, found the string \"Dense\""});
  doc = good_model();
  doc["layers"][1] = 7;
  expect_model_error(doc, {"m.json: layers[1]: expected a layer object {\"type\": …}, found the number 7"});
  doc = good_model();
  doc["layers"][0]["weights"] = {{"1", 2}, {3, 4}, {5, 6}};
  expect_model_error(doc, {"m.json: layers[0].weights[0][0]: expected a number, found the string \"1\""});
  doc = good_model();
  doc["layers"][0]["weights"][2][1] = true;
  expect_model_error(doc, {"m.json: layers[0].weights[2][1]: expected a number, found the boolean true"});
  doc = good_model();
  doc["layers"][0]["weights"][1] = nullptr;
  expect_model_error(doc, {"m.json: layers[0].weights[1]: expected a row (a list of numbers), found null"});
  doc = good_model();
  doc["layers"][2]["p"] = "half";
  expect_model_error(doc, {"m.json: layers[2].p: expected a number, found the string \"half\""});
  doc = good_model();
  doc["cost"] = 3;
  expect_model_error(doc, {"m.json: cost: expected a cost name, found the number 3"});
  doc = good_model();
  doc["trainer"] = json::array();
  expect_model_error(doc, {"m.json: trainer: expected an object (the trainer's state), found an array of 0"});
  doc = good_model();
  doc["layers"][0]["bias"] = doc["layers"][0]["biases"];
  expect_model_error(doc, {"m.json: layers[0]: unexpected key \"bias\" (expected only \"type\", "
                           "\"weights\", \"biases\")"});
  doc = good_model();
  doc["extra"] = 1;
  expect_model_error(doc, {"m.json: unexpected key \"extra\""});
}

TEST(ModelErrors, matrix_shapes) {
  json doc = good_model();
  doc["layers"][0]["weights"][1] = {3, 4, 7};
  expect_model_error(doc, {"m.json: layers[0].weights[1]: row has 3 numbers, expected 2 like row 0"});
  doc = good_model();
  doc["layers"][0]["weights"] = json::array();
  expect_model_error(doc, {"m.json: layers[0].weights: is empty, expected at least one row"});
  doc = good_model();
  doc["layers"][0]["weights"] = {json::array()};
  expect_model_error(doc, {"m.json: layers[0].weights[0]: is an empty row"});
  doc = good_model();
  doc["layers"][0]["biases"] = {0.1, 0.2};
  expect_model_error(doc, {"m.json: layers[0].biases: has 2 numbers, expected 3 (one per row of weights)"});
  // Dense(3, 1) after Dense(2, 3) needs 3 inputs; give it 4.
  doc = good_model();
  doc["layers"][3]["weights"] = {{1, 2, 3, 4}};
  expect_model_error(doc, {"m.json: layers[3].weights: rows have 4 numbers (the layer's inputs), "
                           "expected 3: the outputs of the Dense layer layers[0]"});
  // State entries: data length against the shape, even when rows × cols would overflow.
  doc = good_model();
  doc["optimizer"]["state"][0]["shape"] = {2, 1};
  expect_model_error(doc, {"m.json: optimizer.state[0].data: has 1 numbers, expected 2 × 1 (the shape)"});
  doc["optimizer"]["state"][0]["shape"] = {4294967296ull, 4294967296ull};
  expect_model_error(doc, {"m.json: optimizer.state[0].data: has 1 numbers, expected 4294967296 × 4294967296"});
  doc["optimizer"]["state"][0]["shape"] = {1};
  expect_model_error(doc, {"m.json: optimizer.state[0].shape: has 1 numbers, expected 2: [rows, columns]"});
  doc["optimizer"]["state"][0]["shape"] = {1, -1};
  expect_model_error(doc, {"m.json: optimizer.state[0].shape[1]: is -1, expected a non-negative integer"});
}

TEST(ModelErrors, unknown_names_and_bad_values) {
  json doc = good_model();
  doc["layers"][1]["type"] = "Swish";
  expect_model_error(doc, {"m.json: layers[1].type: unknown layer type \"Swish\" (expected Dense, "
                           "Sigmoid, Tanh, ReLU, Softmax, Dropout or a type registered"});
  doc["layers"][1]["type"] = "Sequential";
  expect_model_error(doc, {"m.json: layers[1].type: a nested Sequential is not supported"});
  doc = good_model();
  doc["cost"] = "HingeCost";
  expect_model_error(doc, {"m.json: cost: unknown cost 'HingeCost' (expected QuadraticCost, "
                           "CrossEntropyCost or LogLikelihoodCost)"});
  doc = good_model();
  doc["output_activation"] = "softmax";
  expect_model_error(doc, {"m.json: output_activation: is \"softmax\", but CrossEntropyCost is "
                           "used with sigmoid outputs only"});
  doc["output_activation"] = "gelu";
  expect_model_error(doc, {"m.json: output_activation: unknown output activation \"gelu\""});
  doc = good_model();
  doc["layers"][2]["p"] = 1.0;
  expect_model_error(doc, {"m.json: layers[2].p: is 1, expected a drop probability in [0, 1)"});
  doc["layers"][2]["p"] = -0.1;
  expect_model_error(doc, {"m.json: layers[2].p: is -0.1, expected a drop probability in [0, 1)"});
  doc = good_model();
  doc["layers"][2]["rng"] = "1 2 3";
  expect_model_error(doc, {"m.json: layers[2].rng: is not an mt19937_64 state"});
  doc = good_model();
  doc["optimizer"]["name"] = "";
  expect_model_error(doc, {"m.json: optimizer.name: is empty"});
}

TEST(ModelErrors, network2_shapes_and_sizes) {
  json doc = good_network2();
  doc["sizes"] = {2};
  expect_network2_error(doc, {"n2.json: sizes: has 1 entries, expected at least 2"});
  doc["sizes"] = {2, 0, 1};
  expect_network2_error(doc, {"n2.json: sizes[1]: is 0, expected a positive integer"});
  doc["sizes"] = {2, 3.5, 1};
  expect_network2_error(doc, {"n2.json: sizes[1]: expected a positive integer, found the number 3.5"});
  doc["sizes"] = {2, 4, 1};
  expect_network2_error(doc, {"n2.json: weights[0]: is 3 × 2, expected 4 × 2 (sizes[1] × sizes[0]: "
                              "network2.py stores weights as (out × in))"});
  doc = good_network2();
  doc["sizes"] = {2, 3, 1, 1};
  expect_network2_error(doc, {"n2.json: weights: has 2 matrices, expected 3 (one per layer after "
                              "the input layer of sizes [2, 3, 1, 1])"});
  doc = good_network2();
  doc["weights"][0] = {{1, 3, 5}, {2, 4, 6}};
  expect_network2_error(doc, {"n2.json: weights[0]: is 2 × 3, expected 3 × 2", "it looks transposed"});
  doc = good_network2();
  doc["biases"][0] = {0.1, 0.2, 0.3};
  expect_network2_error(doc, {"n2.json: biases[0][0]: expected a row (a list of numbers), found the number 0.1"});
  doc = good_network2();
  doc["biases"][1] = {{0.5, 0.5}};
  expect_network2_error(doc, {"n2.json: biases[1]: is 1 × 2, expected 1 × 1 (sizes[2] × 1: a column vector)"});
  doc = good_network2();
  doc["weights"][1][0][2] = "x";
  expect_network2_error(doc, {"n2.json: weights[1][0][2]: expected a number, found the string \"x\""});
  doc = good_network2();
  doc["cost"] = "LogLikelihoodCost";
  expect_network2_error(doc, {"n2.json: cost: network2.py has no cost \"LogLikelihoodCost\""});
  doc["cost"] = "L1Cost";
  expect_network2_error(doc, {"n2.json: cost: unknown cost \"L1Cost\" (expected \"QuadraticCost\" or "
                              "\"CrossEntropyCost\""});
  for (const char* key : {"sizes", "weights", "biases", "cost"}) {
    doc = good_network2();
    doc.erase(key);
    expect_error<ModelFormatError>([&] { parse_network2<double>(doc.dump(), "n2.json"); },
                                   {std::string("n2.json: missing key \"") + key +
                                    "\" (expected a network2.py model {\"sizes\", \"weights\", "
                                    "\"biases\", \"cost\"})"});
  }
  // Extra keys are ignored, as network2.py's load() ignores them.
  doc = good_network2();
  doc["comment"] = "trained for 30 epochs";
  EXPECT_NO_THROW(parse_network2<double>(doc.dump(), "n2.json"));
}

}  // namespace
}  // namespace xgrad
