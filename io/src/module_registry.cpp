// The one registry of module types in model files: the built-in formats (layer_formats/)
// and the custom types users register, looked up by C++ type when saving and by name when
// loading.

#include "xgrad/io/module_registry.hpp"

#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "layer_format.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace detail {
namespace {

template <class T>
class Registry {
 public:
  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  void add(LayerFormat<T> format) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto found = by_name_.find(format.type); found != by_name_.end()) {
      throw InvalidArgument(fmt::format(
          found->second.builtin ? "register_module_type: \"{}\" is a built-in module type"
                                : "register_module_type: \"{}\" is already registered",
          format.type));
    }
    for (const auto& [name, entry] : by_name_) {
      if (entry.cpp_type == format.cpp_type) {
        throw InvalidArgument(fmt::format(
            "register_module_type: this C++ type is already registered as \"{}\"", name));
      }
    }
    if (format.builtin) builtin_order_.push_back(format.type);
    by_name_.emplace(format.type, std::move(format));
  }
  bool remove(const std::string& type) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = by_name_.find(type);
    if (found == by_name_.end() || found->second.builtin) return false;
    by_name_.erase(found);
    return true;
  }
  std::optional<LayerFormat<T>> find(std::type_index cpp_type) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : by_name_) {
      if (entry.second.cpp_type == cpp_type) return entry.second;
    }
    return std::nullopt;
  }
  std::optional<LayerFormat<T>> find(const std::string& type) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = by_name_.find(type);
    if (found == by_name_.end()) return std::nullopt;
    return found->second;
  }
  std::string builtin_names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string list;
    for (const auto& name : builtin_order_) list += (list.empty() ? "" : ", ") + name;
    return list;
  }
  std::string custom_names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string list;
    for (const auto& [name, entry] : by_name_) {
      if (!entry.builtin) list += (list.empty() ? "" : ", ") + name;
    }
    return list.empty() ? "none" : list;
  }

 private:
  // The built-in types, each registered once here, each with its own file.
  Registry() {
    add(dense_format<T>());
    for (LayerFormat<T>& format : activation_formats<T>()) add(std::move(format));
    add(dropout_format<T>());
  }

  mutable std::mutex mutex_;
  std::map<std::string, LayerFormat<T>> by_name_;
  std::vector<std::string> builtin_order_;
};

// Parses the text operator<< writes for std::mt19937_64: 312 words and an index ≤ 312,
// decimal, separated by spaces. Strict, so that no garbage becomes a generator.
std::optional<Rng> parse_generator(const std::string& text) {
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
  Rng rng;
  try {
    restore_rng(rng, text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return rng;
}

}  // namespace

std::optional<Rng> read_generator(const JsonReader& in, const json& layer,
                                  const std::string& path) {
  const auto rng = layer.find("rng");
  if (rng == layer.end()) return std::nullopt;
  const std::string rng_path = key_path(path, "rng");
  std::optional<Rng> generator =
      parse_generator(in.string(*rng, rng_path, "the generator's state as text"));
  if (!generator) {
    in.fail(rng_path, "is not an mt19937_64 state (expected 312 words and an index ≤ 312, "
                      "in decimal, separated by spaces)");
  }
  return generator;
}

template <class T>
std::optional<LayerFormat<T>> format_of(const Module<T>& module) {
  return Registry<T>::instance().find(std::type_index(typeid(module)));
}

template <class T>
std::optional<LayerFormat<T>> format_named(const std::string& type) {
  return Registry<T>::instance().find(type);
}

template <class T>
std::string builtin_type_names() {
  return Registry<T>::instance().builtin_names();
}

template <class T>
std::string registered_type_names() {
  return Registry<T>::instance().custom_names();
}

}  // namespace detail

template <class T>
void register_module_type(const std::string& type, std::type_index cpp_type,
                          ModuleCodec<T> codec) {
  if (type.empty()) throw InvalidArgument("register_module_type: the type name is empty");
  if (type == "Sequential") {
    throw InvalidArgument("register_module_type: \"Sequential\" is a built-in module type");
  }
  if (!codec.save || !codec.load) {
    throw InvalidArgument(fmt::format(
        "register_module_type: \"{}\" needs both a save and a load function", type));
  }
  detail::Registry<T>::instance().add(detail::custom_format<T>(type, cpp_type, std::move(codec)));
}

template <class T>
bool unregister_module_type(const std::string& type) {
  return detail::Registry<T>::instance().remove(type);
}

#define XGRAD_INSTANTIATE(T)                                                                  \
  template std::optional<detail::LayerFormat<T>> detail::format_of<T>(const Module<T>&);      \
  template std::optional<detail::LayerFormat<T>> detail::format_named<T>(const std::string&); \
  template std::string detail::builtin_type_names<T>();                                       \
  template std::string detail::registered_type_names<T>();                                    \
  template void register_module_type<T>(const std::string&, std::type_index, ModuleCodec<T>); \
  template bool unregister_module_type<T>(const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
