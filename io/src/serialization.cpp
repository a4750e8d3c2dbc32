// xgrad's own model format and saved state as JSON. Each layer's layout belongs to its type's
// LayerFormat, found in the registry (module_registry.cpp).

#include "xgrad/io/serialization.hpp"

#include <optional>

#include <fmt/format.h>

#include "layer_format.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"
#include "xgrad/io/atomic_file.hpp"

namespace xgrad {
namespace {

using detail::index_path;
using detail::json;
using detail::JsonReader;
using detail::key_path;
using detail::ordered_json;
using detail::LayerBuilder;
using detail::LayerChain;
using detail::builtin_type_names;
using detail::format_named;
using detail::registered_type_names;
using detail::state_json;

// ---------------------------------------------------------------- names

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
    if (output != to_string(o)) continue;
    if (o == cost->output()) return *cost;
    if (cost->kind() == CostKind::quadratic) return Cost::quadratic(o);
    in.fail("output_activation",
            fmt::format("is \"{}\", but {} is used with {} outputs only", output, name,
                        to_string(cost->output())));
  }
  in.fail("output_activation",
          fmt::format("unknown output activation \"{}\" (expected \"sigmoid\", \"softmax\" or "
                      "\"identity\")", output));
}

// ---------------------------------------------------------------- saving

template <class T>
ordered_json layer_json(const Module<T>& module, std::size_t index) {
  const std::string what = fmt::format("layers[{}] ({})", index, module.describe());
  const auto format = detail::format_of(module);
  if (!format) {
    throw InvalidArgument(fmt::format(
        "cannot save {}: module type '{}' is neither built in nor registered; register it "
        "with register_module_type() (registered: {})",
        what, typeid(module).name(), registered_type_names<T>()));
  }
  ordered_json layer{{"type", format->type}};
  ordered_json members = format->save(module, what);
  for (auto& [key, value] : members.items()) layer[key] = std::move(value);
  return layer;
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
                   {"output_activation", to_string(cost.output())}};
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

// Validates one layer object and returns how to build it.
template <class T>
LayerBuilder<T> read_layer(const JsonReader& in, const json& layer, const std::string& path,
                           LayerChain& chain) {
  in.expect_object(layer, path, "a layer object {\"type\": …}");
  const std::string& type = in.string(
      in.member(layer, path, "type", "the layer's type, e.g. \"Dense\""), key_path(path, "type"),
      "a layer type name");
  if (type == "Sequential") {
    in.fail(key_path(path, "type"),
            "a nested Sequential is not supported: flatten it, or register a custom module");
  }
  const auto format = format_named<T>(type);
  if (!format) {
    in.fail(key_path(path, "type"),
            fmt::format("unknown layer type \"{}\" (expected {} or a type registered with "
                        "register_module_type(); registered: {})",
                        type, builtin_type_names<T>(), registered_type_names<T>()));
  }
  return format->read(in, layer, path, chain);
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
  std::vector<LayerBuilder<T>> builders;
  LayerChain chain;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    chain.index = i;
    builders.push_back(read_layer<T>(in, layers[i], index_path("layers", i), chain));
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

  for (const LayerBuilder<T>& build : builders) model.network.add(build());
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
LoadedModel<T> load_any_model(const std::string& path) {
  const json root = detail::parse_json_text(detail::read_text_file(path), path);
  if (root.is_object() && root.contains("sizes") && !root.contains("format")) {
    return network2_from_json<T>(root, path);
  }
  return model_from_json<T>(root, path);
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
  template LoadedModel<T> load_any_model<T>(const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
