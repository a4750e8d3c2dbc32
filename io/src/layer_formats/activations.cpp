// The activation modules in xgrad's model files: {"type": "Sigmoid"} and the like, with
// nothing else to save.

#include "../layer_format.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/layers/activations.hpp"

namespace xgrad::detail {
namespace {

template <class M>
LayerFormat<typename M::value_type> stateless_format(const char* type) {
  using T = typename M::value_type;
  LayerFormat<T> format{type, std::type_index(typeid(M)), true, {}, {}};
  format.save = [](const Module<T>&, const std::string&) { return ordered_json::object(); };
  format.read = [](const JsonReader& in, const json& layer, const std::string& path,
                   LayerChain&) -> LayerBuilder<T> {
    in.only_keys(layer, path, {"type"});
    return [] { return std::make_shared<M>(); };
  };
  return format;
}

}  // namespace

template <class T>
std::vector<LayerFormat<T>> activation_formats() {
  return {stateless_format<Sigmoid<T>>("Sigmoid"), stateless_format<Tanh<T>>("Tanh"),
          stateless_format<ReLU<T>>("ReLU"), stateless_format<Softmax<T>>("Softmax")};
}

#define XGRAD_INSTANTIATE(T) template std::vector<LayerFormat<T>> activation_formats<T>();
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad::detail
