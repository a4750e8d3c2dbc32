#pragma once
/// @file
/// The registry of module types that xgrad's model files can hold. The built-in types
/// (Dense, Sigmoid, Tanh, ReLU, Softmax, Dropout) are registered by xgrad itself through the
/// same registry; a user's module type joins them with register_module_type() and is then
/// saved, loaded and checkpointed like a built-in one.

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>

#include <nlohmann/json.hpp>

#include <xgrad/layers/module.hpp>

namespace xgrad {

/// @name Custom modules
/// Hook for saving and loading modules other than the built-in ones:
/// @code
/// register_module_type<Residual<double>>(
///     "Residual",
///     [](const Residual<double>& m) { return nlohmann::json{{"width", m.width()}}; },
///     [](const nlohmann::json& config) {
///       return std::make_shared<Residual<double>>(config.at("width").get<std::size_t>());
///     });
/// @endcode
/// The save function returns the module's configuration (whatever its load function needs
/// to build it); the parameters and buffers are saved and restored by xgrad itself
/// (Module::state() / load_state()), and so is the generator of a module with a random_generator() (under
/// "rng"), so a load function only constructs the module. A load function receives
/// the file's configuration as it is — untrusted input — and must validate it (e.g. bound a
/// width before allocating); an exception it throws becomes a ModelFormatError naming the
/// layer. Saving a network with a
/// module of an unregistered type throws std::invalid_argument naming the module.
/// Registrations are per element type and global (guarded by a mutex).
/// @{

/// The save and load functions of a custom module type.
template <class T>
struct ModuleCodec {
  /// The module's configuration as JSON (called with a module of the registered type).
  std::function<nlohmann::json(const Module<T>&)> save;
  /// A new module built from the configuration that `save` returned.
  std::function<std::shared_ptr<Module<T>>(const nlohmann::json&)> load;
};

/// Registers the C++ type `cpp_type` (exact dynamic type, not subclasses) under the name
/// `type` written in the files. Throws std::invalid_argument if `type` is empty or a
/// built-in name (Dense, Sigmoid, Tanh, ReLU, Softmax, Dropout, Sequential), if the name or
/// the C++ type is already registered, or if a function is empty.
template <class T>
void register_module_type(const std::string& type, std::type_index cpp_type,
                          ModuleCodec<T> codec);

/// Typed form: `save` receives an `M`, `load` returns a shared_ptr<M>.
template <class M>
void register_module_type(const std::string& type,
                          std::function<nlohmann::json(const M&)> save,
                          std::function<std::shared_ptr<M>(const nlohmann::json&)> load) {
  using T = typename M::value_type;
  static_assert(std::is_base_of_v<Module<T>, M>, "register_module_type: M must derive Module<T>");
  ModuleCodec<T> codec;
  if (save) {
    codec.save = [save = std::move(save)](const Module<T>& m) {
      return save(static_cast<const M&>(m));
    };
  }
  if (load) {
    codec.load = [load = std::move(load)](const nlohmann::json& config) {
      return std::shared_ptr<Module<T>>(load(config));
    };
  }
  register_module_type<T>(type, std::type_index(typeid(M)), std::move(codec));
}

/// Removes the registration of `type`; returns false if there was none.
template <class T>
bool unregister_module_type(const std::string& type);
/// @}

}  // namespace xgrad
