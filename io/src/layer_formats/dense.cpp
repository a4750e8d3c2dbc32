// Dense in xgrad's model files: {"type": "Dense", "weights": [[…]], "biases": […]}, the
// weights in the book's (out × in) layout, one row per output (Dense stores W as in × out).

#include <fmt/format.h>

#include "../layer_format.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/layers/dense.hpp"

namespace xgrad::detail {

template <class T>
LayerFormat<T> dense_format() {
  LayerFormat<T> format{"Dense", std::type_index(typeid(Dense<T>)), true, {}, {}};
  format.save = [](const Module<T>& module, const std::string& what) {
    const auto& dense = static_cast<const Dense<T>&>(module);
    return ordered_json{{"weights", rows_json(dense.weight().value(), true, what + " weights")},
                        {"biases", flat_json(dense.bias().value(), what + " biases")}};
  };
  format.read = [](const JsonReader& in, const json& layer, const std::string& path,
                   LayerChain& chain) -> LayerBuilder<T> {
    in.only_keys(layer, path, {"type", "weights", "biases"});
    const std::string weights_path = key_path(path, "weights");
    Matrix<T> weight = in.rows_matrix<T>(
        in.member(layer, path, "weights", "the (out × in) weight matrix as a list of rows"),
        weights_path, /*transpose=*/true);
    const std::size_t inputs = weight.shape()[0], outputs = weight.shape()[1];
    if (chain.previous_out && *chain.previous_out != inputs) {
      in.fail(weights_path,
              fmt::format("rows have {} numbers (the layer's inputs), expected {}: the outputs "
                          "of the Dense layer layers[{}]",
                          inputs, *chain.previous_out, chain.previous_dense));
    }
    const std::string biases_path = key_path(path, "biases");
    Matrix<T> bias = in.row_vector<T>(
        in.member(layer, path, "biases", "the list of the layer's biases"), biases_path);
    if (bias.shape()[1] != outputs) {
      in.fail(biases_path, fmt::format("has {} numbers, expected {} (one per row of weights)",
                                       bias.shape()[1], outputs));
    }
    chain.previous_out = outputs;
    chain.previous_dense = chain.index;
    return [weight = std::move(weight), bias = std::move(bias)]() mutable {
      return std::make_shared<Dense<T>>(std::move(weight), std::move(bias));
    };
  };
  return format;
}

#define XGRAD_INSTANTIATE(T) template LayerFormat<T> dense_format<T>();
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad::detail
