// Dropout in xgrad's model files: {"type": "Dropout", "p": 0.5, "rng": "<mt19937_64 state>"}.
// "rng" (the mask generator, so that a resumed run draws the same masks) is optional when
// loading: absent, the generator is seeded with 0.

#include <fmt/format.h>

#include "../layer_format.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/layers/dropout.hpp"

namespace xgrad::detail {

template <class T>
LayerFormat<T> dropout_format() {
  LayerFormat<T> format{"Dropout", std::type_index(typeid(Dropout<T>)), true, {}, {}};
  format.save = [](const Module<T>& module, const std::string&) {
    const auto& dropout = static_cast<const Dropout<T>&>(module);
    return ordered_json{{"p", dropout.p()}, {"rng", save_rng(dropout.generator())}};
  };
  format.read = [](const JsonReader& in, const json& layer, const std::string& path,
                   LayerChain&) -> LayerBuilder<T> {
    in.only_keys(layer, path, {"type", "p", "rng"});
    const std::string p_path = key_path(path, "p");
    const double p = in.number(in.member(layer, path, "p", "the drop probability"), p_path);
    if (!(p >= 0.0 && p < 1.0)) {
      in.fail(p_path, fmt::format("is {}, expected a drop probability in [0, 1)", p));
    }
    const std::optional<Rng> rng = read_generator(in, layer, path);
    return [p, rng] {
      auto dropout = std::make_shared<Dropout<T>>(p, std::uint64_t{0});
      if (rng) dropout->set_generator(*rng);
      return dropout;
    };
  };
  return format;
}

#define XGRAD_INSTANTIATE(T) template LayerFormat<T> dropout_format<T>();
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad::detail
