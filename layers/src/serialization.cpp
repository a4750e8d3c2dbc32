// xgrad's own model format, saved state as JSON, and the registry of custom module types.

#include "xgrad/layers/serialization.hpp"

#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "json_reader.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"
#include "xgrad/layers/activations.hpp"
#include "xgrad/layers/atomic_file.hpp"
#include "xgrad/layers/dense.hpp"
#include "xgrad/layers/dropout.hpp"

namespace xgrad {
namespace {

using detail::index_path;
using detail::json;
using detail::JsonReader;
using detail::key_path;
using detail::ordered_json;

constexpr const char* kBuiltinTypes[] = {"Dense",   "Sigmoid", "Tanh",      "ReLU",
                                         "Softmax", "Dropout", "Sequential"};

// ---------------------------------------------------------------- custom module registry

template <class T>
struct Registration {
  std::type_index cpp_type;
  ModuleCodec<T> codec;
};

template <class T>
class Registry {
 public:
  static Registry& instance() {
    static Registry registry;
    return registry;
  }
  void add(const std::string& type, std::type_index cpp_type, ModuleCodec<T> codec) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (by_name_.count(type)) {
      throw InvalidArgument(
          fmt::format("register_module_type: \"{}\" is already registered", type));
    }
    for (const auto& [name, entry] : by_name_) {
      if (entry.cpp_type == cpp_type) {
        throw InvalidArgument(fmt::format(
            "register_module_type: this C++ type is already registered as \"{}\"", name));
      }
    }
    by_name_.emplace(type, Registration<T>{cpp_type, std::move(codec)});
  }
  bool remove(const std::string& type) {
    std::lock_guard<std::mutex> lock(mutex_);
    return by_name_.erase(type) > 0;
  }
  // The name and codec of a C++ type, if registered.
  std::optional<std::pair<std::string, ModuleCodec<T>>> find(std::type_index cpp_type) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, entry] : by_name_) {
      if (entry.cpp_type == cpp_type) return std::make_pair(name, entry.codec);
    }
    return std::nullopt;
  }
  std::optional<ModuleCodec<T>> find(const std::string& type) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = by_name_.find(type);
    if (found == by_name_.end()) return std::nullopt;
    return found->second.codec;
  }
  // "Residual, Scale" or "none".
  std::string names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string list;
    for (const auto& entry : by_name_) list += (list.empty() ? "" : ", ") + entry.first;
    return list.empty() ? "none" : list;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Registration<T>> by_name_;
};

// ---------------------------------------------------------------- names

const char* output_name(OutputActivation output) {
  switch (output) {
    case OutputActivation::sigmoid: return "sigmoid";
    case OutputActivation::softmax: return "softmax";
    case OutputActivation::identity: return "identity";
  }
  return "unknown";
}

// The Cost of `name` with `output`, or an error naming what fits.
Cost read_cost(const JsonReader& in, const json& root) {
  const std::string& name = in.string(
      in.member(root, "", "cost", "\"QuadraticCost\", \"CrossEntropyCost\" or \"LogLikelihoodCost\""),
      "cost", "a cost name");
  std::optional<Cost> cost;
  try {
    cost = Cost::from_name(name);
  } catch (const InvalidArgument& e) {
    in.fail("cost", e.what());
  }
  const std::string& output =
      in.string(in.member(root, "", "output_activation", "\"sigmoid\", \"softmax\" or \"identity\""),
                "output_activation", "an output activation name");
  for (OutputActivation o :
       {OutputActivation::sigmoid, OutputActivation::softmax, OutputActivation::identity}) {
    if (output != output_name(o)) continue;
    if (o == cost->output()) return *cost;
    if (cost->kind() == CostKind::quadratic) return Cost::quadratic(o);
    in.fail("output_activation",
            fmt::format("is \"{}\", but {} is used with {} outputs only", output, name,
                        output_name(cost->output())));
  }
  in.fail("output_activation",
          fmt::format("unknown output activation \"{}\" (expected \"sigmoid\", \"softmax\" or "
                      "\"identity\")", output));
}

// ---------------------------------------------------------------- generator state text

std::string rng_text(const Rng& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

// Parses the text operator<< writes for std::mt19937_64: 312 words and an index ≤ 312,
// decimal, separated by spaces. Strict, so that no garbage becomes a generator.
std::optional<Rng> parse_rng(const std::string& text) {
  constexpr std::size_t words = Rng::state_size;
  std::istringstream tokens(text);
  std::string token;
  std::size_t count = 0;
  while (tokens >> token) {
    if (token.find_first_not_of("0123456789") != std::string::npos || token.size() > 20) {
      return std::nullopt;
    }
    errno = 0;
    const unsigned long long v = std::strtoull(token.c_str(), nullptr, 10);
    if (errno == ERANGE || (count == words && v > words)) return std::nullopt;
    ++count;
  }
  if (count != words + 1) return std::nullopt;
  std::istringstream in(text);
  Rng rng;
  in >> rng;
  if (in.fail()) return std::nullopt;
  return rng;
}

// ---------------------------------------------------------------- saving

template <class T>
ordered_json state_json(const StateDict<T>& state, const std::string& what) {
  ordered_json out = ordered_json::array();
  for (const NamedMatrix<T>& entry : state) {
    const std::string entry_what = fmt::format("{} entry '{}' data", what, entry.name);
    out.push_back(ordered_json{{"name", entry.name},
                               {"shape", {entry.value.shape()[0], entry.value.shape()[1]}},
                               {"data", detail::flat_json(entry.value, entry_what)}});
  }
  return out;
}

template <class T>
ordered_json layer_json(const Module<T>& module, std::size_t index) {
  const std::type_index type(typeid(module));
  const std::string what = fmt::format("layers[{}] ({})", index, module.describe());
  if (type == typeid(Dense<T>)) {
    const auto& dense = static_cast<const Dense<T>&>(module);
    return {{"type", "Dense"},
            {"weights", detail::rows_json(dense.weight().value(), true, what + " weights")},
            {"biases", detail::flat_json(dense.bias().value(), what + " biases")}};
  }
  if (type == typeid(Sigmoid<T>)) return {{"type", "Sigmoid"}};
  if (type == typeid(Tanh<T>)) return {{"type", "Tanh"}};
  if (type == typeid(ReLU<T>)) return {{"type", "ReLU"}};
  if (type == typeid(Softmax<T>)) return {{"type", "Softmax"}};
  if (type == typeid(Dropout<T>)) {
    const auto& dropout = static_cast<const Dropout<T>&>(module);
    return {{"type", "Dropout"}, {"p", dropout.p()}, {"rng", rng_text(dropout.generator())}};
  }
  const auto registered = Registry<T>::instance().find(type);
  if (!registered) {
    throw InvalidArgument(fmt::format(
        "cannot save {}: module type '{}' is neither built in nor registered; register it "
        "with register_module_type() (registered: {})",
        what, typeid(module).name(), Registry<T>::instance().names()));
  }
  return {{"type", registered->first},
          {"config", ordered_json(registered->second.save(module))},
          {"parameters", state_json(module.state(), what + " parameters")}};
}

template <class T>
ordered_json model_document(const Sequential<T>& network, const Cost& cost,
                            const TrainingState<T>& training) {
  if (!training.trainer.is_null() && !training.trainer.is_object()) {
    throw InvalidArgument(fmt::format(
        "cannot save the trainer state: it is {}, expected a JSON object (or null for none)",
        training.trainer.type_name()));
  }
  ordered_json doc{{"format", "xgrad"},
                   {"version", model_format_version},
                   {"dtype", detail::dtype_name<T>()},
                   {"cost", cost.name()},
                   {"output_activation", output_name(cost.output())}};
  ordered_json layers = ordered_json::array();
  for (std::size_t i = 0; i < network.size(); ++i) layers.push_back(layer_json(network[i], i));
  doc["layers"] = std::move(layers);
  if (!training.optimizer.empty()) {
    doc["optimizer"] = {{"name", training.optimizer},
                        {"state", state_json(training.optimizer_state, "optimizer state")}};
  }
  if (!training.trainer.is_null()) doc["trainer"] = ordered_json(training.trainer);
  return doc;
}

// ---------------------------------------------------------------- loading

// One layer of the file, validated, ready to be built.
template <class T>
struct LayerSpec {
  std::string type;
  std::string path;
  Matrix<T> weight, bias;  // Dense: W (in × out), b (1 × out)
  double p = 0;            // Dropout
  std::optional<Rng> rng;  // Dropout
  ModuleCodec<T> codec;    // custom
  json config;             // custom
  StateDict<T> parameters; // custom
};

template <class T>
LayerSpec<T> read_layer(const JsonReader& in, const json& layer, const std::string& path,
                        std::optional<std::size_t>& previous_out, std::size_t& previous_dense) {
  in.expect_object(layer, path, "a layer object {\"type\": …}");
  LayerSpec<T> spec;
  spec.path = path;
  spec.type = in.string(in.member(layer, path, "type", "the layer's type, e.g. \"Dense\""),
                        key_path(path, "type"), "a layer type name");
  const std::string& type = spec.type;
  if (type == "Dense") {
    in.only_keys(layer, path, {"type", "weights", "biases"});
    const std::string weights_path = key_path(path, "weights");
    spec.weight = in.rows_matrix<T>(
        in.member(layer, path, "weights", "the (out × in) weight matrix as a list of rows"),
        weights_path, /*transpose=*/true);
    const std::size_t inputs = spec.weight.shape()[0], outputs = spec.weight.shape()[1];
    if (previous_out && *previous_out != inputs) {
      in.fail(weights_path,
              fmt::format("rows have {} numbers (the layer's inputs), expected {}: the outputs "
                          "of the Dense layer layers[{}]",
                          inputs, *previous_out, previous_dense));
    }
    const std::string biases_path = key_path(path, "biases");
    spec.bias = in.row_vector<T>(
        in.member(layer, path, "biases", "the list of the layer's biases"), biases_path);
    if (spec.bias.shape()[1] != outputs) {
      in.fail(biases_path, fmt::format("has {} numbers, expected {} (one per row of weights)",
                                       spec.bias.shape()[1], outputs));
    }
    previous_out = outputs;
    return spec;
  }
  if (type == "Sigmoid" || type == "Tanh" || type == "ReLU" || type == "Softmax") {
    in.only_keys(layer, path, {"type"});
    return spec;
  }
  if (type == "Dropout") {
    in.only_keys(layer, path, {"type", "p", "rng"});
    const std::string p_path = key_path(path, "p");
    spec.p = in.number(in.member(layer, path, "p", "the drop probability"), p_path);
    if (!(spec.p >= 0.0 && spec.p < 1.0)) {
      in.fail(p_path, fmt::format("is {}, expected a drop probability in [0, 1)", spec.p));
    }
    if (const auto rng = layer.find("rng"); rng != layer.end()) {
      const std::string rng_path = key_path(path, "rng");
      spec.rng = parse_rng(in.string(*rng, rng_path, "the generator's state as text"));
      if (!spec.rng) {
        in.fail(rng_path, "is not an mt19937_64 state (expected 312 words and an index ≤ 312, "
                          "in decimal, separated by spaces)");
      }
    }
    return spec;
  }
  if (type == "Sequential") {
    in.fail(key_path(path, "type"),
            "a nested Sequential is not supported: flatten it, or register a custom module");
  }
  const auto codec = Registry<T>::instance().find(type);
  if (!codec) {
    in.fail(key_path(path, "type"),
            fmt::format("unknown layer type \"{}\" (expected Dense, Sigmoid, Tanh, ReLU, Softmax, "
                        "Dropout or a type registered with register_module_type(); registered: "
                        "{})",
                        type, Registry<T>::instance().names()));
  }
  in.only_keys(layer, path, {"type", "config", "parameters"});
  spec.codec = *codec;
  if (const auto config = layer.find("config"); config != layer.end()) spec.config = *config;
  const std::string parameters_path = key_path(path, "parameters");
  spec.parameters = state_from_json<T>(
      in.member(layer, path, "parameters", "the module's parameters"), in.source(),
      parameters_path);
  previous_out.reset();  // a custom module's width is unknown
  return spec;
}

template <class T>
std::shared_ptr<Module<T>> build_layer(const JsonReader& in, LayerSpec<T>& spec) {
  if (spec.type == "Dense") {
    return std::make_shared<Dense<T>>(std::move(spec.weight), std::move(spec.bias));
  }
  if (spec.type == "Sigmoid") return std::make_shared<Sigmoid<T>>();
  if (spec.type == "Tanh") return std::make_shared<Tanh<T>>();
  if (spec.type == "ReLU") return std::make_shared<ReLU<T>>();
  if (spec.type == "Softmax") return std::make_shared<Softmax<T>>();
  if (spec.type == "Dropout") {
    auto dropout = std::make_shared<Dropout<T>>(spec.p, std::uint64_t{0});
    if (spec.rng) dropout->set_generator(*spec.rng);
    return dropout;
  }
  std::shared_ptr<Module<T>> module;
  try {
    module = spec.codec.load(spec.config);
  } catch (const std::exception& e) {
    in.fail(key_path(spec.path, "config"),
            fmt::format("the load function of \"{}\" failed: {}", spec.type, e.what()));
  }
  if (!module) {
    in.fail(spec.path, fmt::format("the load function of \"{}\" returned no module", spec.type));
  }
  try {
    module->load_state(spec.parameters);
  } catch (const InvalidArgument& e) {  // also ShapeError
    in.fail(key_path(spec.path, "parameters"), e.what());
  }
  return module;
}

std::size_t read_version(const JsonReader& in, const json& root) {
  const json& version = in.member(root, "", "version", "the format version, 1");
  if (!version.is_number_unsigned() && !version.is_number_integer()) {
    in.fail("version", fmt::format("expected an integer (the format version, {}), found {}",
                                   model_format_version, version.type_name()));
  }
  if (version.is_number_unsigned() && version.get<std::uint64_t>() > model_format_version) {
    in.fail("version", fmt::format("is {}, newer than this xgrad reads (up to {}): upgrade xgrad",
                                   version.dump(), model_format_version));
  }
  if (version != json(model_format_version)) {
    in.fail("version", fmt::format("unknown version {}, expected {}", version.dump(),
                                   model_format_version));
  }
  return model_format_version;
}

}  // namespace

// ---------------------------------------------------------------- public functions

template <class T>
nlohmann::json state_to_json(const StateDict<T>& state) {
  return json(state_json(state, "state"));
}

template <class T>
StateDict<T> state_from_json(const nlohmann::json& j, const std::string& source,
                             const std::string& path) {
  const JsonReader in(source);
  const auto& entries = in.array(j, path, "a list of {\"name\", \"shape\", \"data\"} entries");
  StateDict<T> state;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const std::string entry_path = index_path(path, k);
    const json& entry = entries[k];
    in.expect_object(entry, entry_path, "an entry {\"name\", \"shape\", \"data\"}");
    in.only_keys(entry, entry_path, {"name", "shape", "data"});
    const std::string& name =
        in.string(in.member(entry, entry_path, "name", "the entry's name"),
                  key_path(entry_path, "name"), "a name");
    const std::string shape_path = key_path(entry_path, "shape");
    const auto& shape =
        in.array(in.member(entry, entry_path, "shape", "[rows, columns]"), shape_path,
                 "[rows, columns]");
    if (shape.size() != 2) {
      in.fail(shape_path, fmt::format("has {} numbers, expected 2: [rows, columns]", shape.size()));
    }
    const std::size_t rows = in.size(shape[0], index_path(shape_path, 0), false);
    const std::size_t cols = in.size(shape[1], index_path(shape_path, 1), false);
    const std::string data_path = key_path(entry_path, "data");
    const auto& data = in.array(in.member(entry, entry_path, "data", "the values, row by row"),
                                data_path, "a list of numbers");
    // rows · cols must equal the data's length; compare without overflowing.
    if ((rows == 0 || cols == 0) ? !data.empty()
                                 : data.size() % rows != 0 || data.size() / rows != cols) {
      in.fail(data_path, fmt::format("has {} numbers, expected {} × {} (the shape)", data.size(),
                                     rows, cols));
    }
    Matrix<T> value = xt::empty<T>({rows, cols});
    for (std::size_t i = 0; i < data.size(); ++i) {
      value.flat(i) = in.element<T>(data[i], index_path(data_path, i));
    }
    state.push_back({name, std::move(value)});
  }
  return state;
}

template <class T>
nlohmann::json model_to_json(const Sequential<T>& network, const Cost& cost,
                             const TrainingState<T>& training) {
  return json(model_document(network, cost, training));
}

template <class T>
std::string model_to_string(const Sequential<T>& network, const Cost& cost,
                            const TrainingState<T>& training) {
  return model_document(network, cost, training).dump() + "\n";
}

template <class T>
void save_model(const std::string& path, const Sequential<T>& network, const Cost& cost,
                const TrainingState<T>& training) {
  write_file_atomically(path, model_to_string(network, cost, training));
}

template <class T>
LoadedModel<T> model_from_json(const nlohmann::json& root, const std::string& source) {
  const JsonReader in(source);
  in.expect_object(root, "", "a JSON object (an xgrad model)");
  if (!root.contains("format") && root.contains("sizes")) {
    in.fail("", "missing key \"format\": this looks like a network2.py model (it has \"sizes\"); "
                "load it with load_network2() (--format network2)");
  }
  const std::string& format = in.string(
      in.member(root, "", "format", "\"xgrad\""), "format", "the format name \"xgrad\"");
  if (format != "xgrad") {
    in.fail("format", fmt::format("is \"{}\", expected \"xgrad\"", format));
  }
  read_version(in, root);
  in.only_keys(root, "", {"format", "version", "dtype", "cost", "output_activation", "layers",
                          "optimizer", "trainer"});
  LoadedModel<T> model;
  model.dtype = in.string(in.member(root, "", "dtype", "\"float32\" or \"float64\""), "dtype",
                          "\"float32\" or \"float64\"");
  if (model.dtype != "float32" && model.dtype != "float64") {
    in.fail("dtype", fmt::format("is \"{}\", expected \"float32\" or \"float64\"", model.dtype));
  }
  model.cost = read_cost(in, root);

  const auto& layers = in.array(in.member(root, "", "layers", "the list of layers"), "layers",
                                "a list of layer objects");
  std::vector<LayerSpec<T>> specs;
  std::optional<std::size_t> previous_out;
  std::size_t previous_dense = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    specs.push_back(read_layer<T>(in, layers[i], index_path("layers", i), previous_out,
                                  previous_dense));
    if (specs.back().type == "Dense") previous_dense = i;
  }

  if (const auto optimizer = root.find("optimizer"); optimizer != root.end()) {
    in.expect_object(*optimizer, "optimizer", "an object {\"name\", \"state\"}");
    in.only_keys(*optimizer, "optimizer", {"name", "state"});
    model.training.optimizer =
        in.string(in.member(*optimizer, "optimizer", "name", "the optimizer's name"),
                  "optimizer.name", "the optimizer's name");
    if (model.training.optimizer.empty()) in.fail("optimizer.name", "is empty");
    model.training.optimizer_state = state_from_json<T>(
        in.member(*optimizer, "optimizer", "state", "the optimizer's state"), source,
        "optimizer.state");
  }
  if (const auto trainer = root.find("trainer"); trainer != root.end()) {
    in.expect_object(*trainer, "trainer", "an object (the trainer's state)");
    model.training.trainer = *trainer;
  }

  for (LayerSpec<T>& spec : specs) model.network.add(build_layer(in, spec));
  return model;
}

template <class T>
LoadedModel<T> parse_model(const std::string& text, const std::string& source) {
  return model_from_json<T>(detail::parse_json_text(text, source), source);
}

template <class T>
LoadedModel<T> load_model(const std::string& path) {
  return parse_model<T>(detail::read_text_file(path), path);
}

template <class T>
void register_module_type(const std::string& type, std::type_index cpp_type,
                          ModuleCodec<T> codec) {
  if (type.empty()) throw InvalidArgument("register_module_type: the type name is empty");
  for (const char* builtin : kBuiltinTypes) {
    if (type == builtin) {
      throw InvalidArgument(
          fmt::format("register_module_type: \"{}\" is a built-in module type", type));
    }
  }
  if (!codec.save || !codec.load) {
    throw InvalidArgument(fmt::format(
        "register_module_type: \"{}\" needs both a save and a load function", type));
  }
  Registry<T>::instance().add(type, cpp_type, std::move(codec));
}

template <class T>
bool unregister_module_type(const std::string& type) {
  return Registry<T>::instance().remove(type);
}

#define XGRAD_INSTANTIATE(T)                                                                  \
  template nlohmann::json state_to_json<T>(const StateDict<T>&);                              \
  template StateDict<T> state_from_json<T>(const nlohmann::json&, const std::string&,          \
                                           const std::string&);                               \
  template nlohmann::json model_to_json<T>(const Sequential<T>&, const Cost&,                 \
                                           const TrainingState<T>&);                          \
  template std::string model_to_string<T>(const Sequential<T>&, const Cost&,                  \
                                          const TrainingState<T>&);                           \
  template void save_model<T>(const std::string&, const Sequential<T>&, const Cost&,          \
                              const TrainingState<T>&);                                       \
  template LoadedModel<T> model_from_json<T>(const nlohmann::json&, const std::string&);      \
  template LoadedModel<T> parse_model<T>(const std::string&, const std::string&);             \
  template LoadedModel<T> load_model<T>(const std::string&);                                  \
  template void register_module_type<T>(const std::string&, std::type_index, ModuleCodec<T>); \
  template bool unregister_module_type<T>(const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
