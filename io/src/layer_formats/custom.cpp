// A module type registered with register_module_type(): {"type": <its name>, "config": what
// its save function returned, "parameters": Module::state() — its parameters and buffers}
// and, for a module with a random_generator(), "rng".

#include <fmt/format.h>

#include "../layer_format.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"
#include "xgrad/io/serialization.hpp"

namespace xgrad::detail {

template <class T>
LayerFormat<T> custom_format(const std::string& type, std::type_index cpp_type,
                             ModuleCodec<T> codec) {
  LayerFormat<T> format{type, cpp_type, false, {}, {}};
  format.save = [save = codec.save](const Module<T>& module, const std::string& what) {
    ordered_json layer{{"config", ordered_json(save(module))},
                       {"parameters", state_json(module.state(), what + " parameters")}};
    if (const Rng* rng = module.random_generator()) layer["rng"] = save_rng(*rng);
    return layer;
  };
  format.read = [type, load = codec.load](const JsonReader& in, const json& layer,
                                          const std::string& path,
                                          LayerChain& chain) -> LayerBuilder<T> {
    in.only_keys(layer, path, {"type", "config", "parameters", "rng"});
    json config;
    if (const auto found = layer.find("config"); found != layer.end()) config = *found;
    StateDict<T> parameters = state_from_json<T>(
        in.member(layer, path, "parameters", "the module's parameters"), in.source(),
        key_path(path, "parameters"));
    const std::optional<Rng> rng = read_generator(in, layer, path);
    chain.previous_out.reset();  // a custom module's width is unknown
    return [in, type, load, path, config = std::move(config),
            parameters = std::move(parameters), rng]() {
      std::shared_ptr<Module<T>> module;
      try {
        module = load(config);
      } catch (const std::exception& e) {
        in.fail(key_path(path, "config"),
                fmt::format("the load function of \"{}\" failed: {}", type, e.what()));
      }
      if (!module) {
        in.fail(path, fmt::format("the load function of \"{}\" returned no module", type));
      }
      try {
        module->load_state(parameters);
      } catch (const InvalidArgument& e) {  // also ShapeError
        in.fail(key_path(path, "parameters"), e.what());
      }
      if (rng) {
        if (!module->random_generator()) {
          in.fail(key_path(path, "rng"),
                  fmt::format("a \"{}\" module has no random generator to restore", type));
        }
        module->set_random_generator(*rng);
      }
      return module;
    };
  };
  return format;
}

#define XGRAD_INSTANTIATE(T)                                                                \
  template LayerFormat<T> custom_format<T>(const std::string&, std::type_index,             \
                                           ModuleCodec<T>);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad::detail
