#pragma once
// How one module type is written to and read from xgrad's model files. Every type — the
// built-in ones and those registered with register_module_type() — has a LayerFormat in
// the one registry (module_registry.cpp); serialization.cpp only asks the registry, so no
// file but a type's own format knows its layout.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <vector>

#include "xgrad/io/json_reader.hpp"
#include "xgrad/io/module_registry.hpp"
#include "xgrad/layers/module.hpp"

namespace xgrad::detail {

// What loading knows about the layers read so far: the index of the layer being read, the
// width the next Dense layer must take (unknown after a custom module) and the index of the
// Dense layer that set it.
struct LayerChain {
  std::size_t index = 0;
  std::optional<std::size_t> previous_out;
  std::size_t previous_dense = 0;
};

// Builds a module from a layer that has already been validated (loading checks the whole
// file before building anything).
template <class T>
using LayerBuilder = std::function<std::shared_ptr<Module<T>>()>;

template <class T>
struct LayerFormat {
  std::string type;            // the "type" written in files
  std::type_index cpp_type;    // the exact C++ type it saves (not subclasses)
  bool builtin = false;        // part of xgrad (cannot be unregistered or replaced)
  // The layer object's members after "type", for `module` of cpp_type; `what` names the
  // layer in errors ("layers[2] (Dense(784, 30))").
  std::function<ordered_json(const Module<T>&, const std::string& what)> save;
  // Validates the layer object at `path` and returns how to build it.
  std::function<LayerBuilder<T>(const JsonReader&, const json& layer, const std::string& path,
                                LayerChain&)>
      read;
};

// The format of `module`'s exact type; nullopt when neither built in nor registered.
template <class T>
std::optional<LayerFormat<T>> format_of(const Module<T>& module);
// The format whose "type" is `type`; nullopt when there is none.
template <class T>
std::optional<LayerFormat<T>> format_named(const std::string& type);
// "Dense, Sigmoid, Tanh, ReLU, Softmax, Dropout": the built-in types, in that order.
template <class T>
std::string builtin_type_names();
// The registered (custom) types, alphabetically, or "none".
template <class T>
std::string registered_type_names();

// The built-in formats, one per file in layer_formats/.
template <class T>
LayerFormat<T> dense_format();
template <class T>
std::vector<LayerFormat<T>> activation_formats();
template <class T>
LayerFormat<T> dropout_format();
// The format of a custom type registered with `codec` ({"config", "parameters"}, and
// "rng" for a module with a random generator).
template <class T>
LayerFormat<T> custom_format(const std::string& type, std::type_index cpp_type,
                             ModuleCodec<T> codec);

// The optional "rng" member (a generator's state as text) of a layer object, validated.
std::optional<Rng> read_generator(const JsonReader& in, const json& layer, const std::string& path);

}  // namespace xgrad::detail
