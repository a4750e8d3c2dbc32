// network2.py's JSON format: {"sizes", "weights", "biases", "cost"}, weights (out × in)
// and biases (out × 1) as nested lists, for Dense, Sigmoid, …, Dense networks with a
// sigmoid output under QuadraticCost or CrossEntropyCost.

#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xgrad/io/json_reader.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/layers/activations.hpp"
#include "xgrad/io/atomic_file.hpp"
#include "xgrad/layers/dense.hpp"
#include "xgrad/io/serialization.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

using detail::index_path;
using detail::json;
using detail::JsonReader;
using detail::ordered_json;

// Why a module other than Dense or Sigmoid has no place in network2.py.
template <class T>
const char* why_not_network2(const Module<T>& module) {
  if (module.random_generator()) return " (network2.py has no dropout layers)";
  if (module.fusable_activation()) return " (network2.py's neurons are sigmoid)";
  return "";
}

template <class T>
ordered_json network2_document(const Sequential<T>& network, const Cost& cost) {
  const std::string reason = network2_incompatibility(network, cost);
  if (!reason.empty()) {
    throw InvalidArgument(
        "cannot save in network2.py's format: " + reason + "; save it in xgrad's format instead");
  }
  ordered_json sizes = ordered_json::array(), weights = ordered_json::array(),
               biases = ordered_json::array();
  for (std::size_t i = 0; i < network.size(); i += 2) {
    const LinearParameters<T> dense = *network[i].linear_parameters();
    if (i == 0) sizes.push_back(dense.weight.rows());
    sizes.push_back(dense.weight.cols());
    const std::string what = fmt::format("module {} ({})", i, network[i].describe());
    // W (in × out) transposed is the book's w (out × in); b (1 × out) transposed is the
    // column vector (out × 1).
    weights.push_back(detail::rows_json(dense.weight.value(), true, what + " weights"));
    biases.push_back(detail::rows_json(dense.bias.value(), true, what + " biases"));
  }
  return {{"sizes", std::move(sizes)},
          {"weights", std::move(weights)},
          {"biases", std::move(biases)},
          {"cost", cost.name()}};
}

constexpr const char* kExpectedKeys =
    "a network2.py model {\"sizes\", \"weights\", \"biases\", \"cost\"}";

// "sizes[2] × sizes[1]" and the like, for shape messages.
std::string shape_text(const Shape& s) { return fmt::format("{} × {}", s[0], s[1]); }

}  // namespace

template <class T>
std::string network2_incompatibility(const Sequential<T>& network, const Cost& cost) {
  if (cost.kind() == CostKind::log_likelihood) {
    return "its cost is LogLikelihoodCost; network2.py has only QuadraticCost and "
           "CrossEntropyCost";
  }
  if (cost.output() != OutputActivation::sigmoid) {
    return fmt::format("its {} is on {} outputs; network2.py's output neurons are sigmoid",
                       cost.name(),
                       cost.output() == OutputActivation::identity ? "identity" : "softmax");
  }
  if (network.size() == 0) {
    return "it has no layers; network2.py's networks have at least one Dense layer";
  }
  std::size_t previous_out = 0;
  for (std::size_t i = 0; i < network.size(); ++i) {
    const Module<T>& module = network[i];
    const bool want_dense = i % 2 == 0;
    const std::optional<LinearParameters<T>> linear = module.linear_parameters();
    if (want_dense ? !linear : module.fusable_activation() != Activation::sigmoid) {
      return fmt::format(
          "module {} is {}, expected {}{}: network2.py's networks are Dense, Sigmoid, Dense, "
          "…, Dense (the cost applies the output sigmoid)",
          i, module.describe(), want_dense ? "Dense" : "Sigmoid", why_not_network2(module));
    }
    if (!want_dense) continue;
    if (i > 0 && linear->weight.rows() != previous_out) {
      return fmt::format("module {} ({}) does not take the {} outputs of module {}", i,
                         module.describe(), previous_out, i - 2);
    }
    previous_out = linear->weight.cols();
  }
  if (network.size() % 2 == 0) {
    return fmt::format("it ends with Sigmoid (module {}); network2.py's networks end with a "
                       "Dense layer whose sigmoid the cost applies",
                       network.size() - 1);
  }
  return "";
}

template <class T>
nlohmann::json network2_to_json(const Sequential<T>& network, const Cost& cost) {
  return json(network2_document(network, cost));
}

template <class T>
std::string network2_to_string(const Sequential<T>& network, const Cost& cost) {
  return network2_document(network, cost).dump() + "\n";
}

template <class T>
void save_network2(const std::string& path, const Sequential<T>& network, const Cost& cost) {
  write_file_atomically(path, network2_to_string(network, cost));
}

template <class T>
LoadedModel<T> network2_from_json(const nlohmann::json& root, const std::string& source) {
  const JsonReader in(source);
  in.expect_object(root, "", kExpectedKeys);
  if (const auto format = root.find("format"); format != root.end() && *format == "xgrad") {
    in.fail("", "this is an xgrad-format model (\"format\": \"xgrad\"); load it with "
                "load_model() (--format xgrad)");
  }

  const auto& sizes_json =
      in.array(in.member(root, "", "sizes", kExpectedKeys), "sizes", "a list of layer sizes");
  if (sizes_json.size() < 2) {
    in.fail("sizes", fmt::format("has {} entries, expected at least 2 (an input and an output "
                                 "layer)",
                                 sizes_json.size()));
  }
  std::vector<std::size_t> sizes;
  for (std::size_t k = 0; k < sizes_json.size(); ++k) {
    sizes.push_back(in.size(sizes_json[k], index_path("sizes", k), true));
  }
  const std::size_t layers = sizes.size() - 1;

  // Shapes first (no allocation), then the cost, then the numbers.
  const char* what[] = {"weights", "biases"};
  const json* lists[2];
  for (int w = 0; w < 2; ++w) {
    lists[w] = &in.member(root, "", what[w], kExpectedKeys);
    const auto& list = in.array(*lists[w], what[w], w == 0 ? "a list of weight matrices"
                                                           : "a list of bias column vectors");
    if (list.size() != layers) {
      in.fail(what[w], fmt::format("has {} {}, expected {} (one per layer after the input "
                                   "layer of sizes {})",
                                   list.size(), w == 0 ? "matrices" : "vectors", layers,
                                   fmt::format("[{}]", fmt::join(sizes, ", "))));
    }
    for (std::size_t k = 0; k < layers; ++k) {
      const std::string path = index_path(what[w], k);
      const Shape shape = in.rows_shape(list[k], path);
      const Shape want = w == 0 ? Shape{sizes[k + 1], sizes[k]} : Shape{sizes[k + 1], 1};
      if (shape != want) {
        const bool transposed = shape == Shape{want[1], want[0]};
        in.fail(path,
                fmt::format("is {}, expected {} ({}){}", shape_text(shape), shape_text(want),
                            w == 0 ? fmt::format("sizes[{}] × sizes[{}]: network2.py stores "
                                                 "weights as (out × in)",
                                                 k + 1, k)
                                   : fmt::format("sizes[{}] × 1: a column vector", k + 1),
                            transposed ? "; it looks transposed" : ""));
      }
    }
  }

  const std::string& cost_name =
      in.string(in.member(root, "", "cost", kExpectedKeys), "cost", "a cost name");
  LoadedModel<T> model;
  model.dtype = "float64";
  if (cost_name == "QuadraticCost") {
    model.cost = Cost::quadratic();
  } else if (cost_name == "CrossEntropyCost") {
    model.cost = Cost::cross_entropy();
  } else {
    in.fail("cost", fmt::format("{} \"{}\" (expected \"QuadraticCost\" or \"CrossEntropyCost\", "
                                "the costs of network2.py)",
                                cost_name == "LogLikelihoodCost" ? "network2.py has no cost"
                                                                 : "unknown cost",
                                cost_name));
  }

  std::vector<Matrix<T>> weights, biases;
  for (std::size_t k = 0; k < layers; ++k) {
    weights.push_back(in.rows_matrix<T>((*lists[0])[k], index_path("weights", k), true));
    biases.push_back(in.rows_matrix<T>((*lists[1])[k], index_path("biases", k), true));
  }
  for (std::size_t k = 0; k < layers; ++k) {
    if (k > 0) model.network.add(Sigmoid<T>());
    model.network.add(Dense<T>(std::move(weights[k]), std::move(biases[k])));
  }
  return model;
}

template <class T>
LoadedModel<T> parse_network2(const std::string& text, const std::string& source) {
  return network2_from_json<T>(detail::parse_json_text(text, source), source);
}

template <class T>
LoadedModel<T> load_network2(const std::string& path) {
  return parse_network2<T>(detail::read_text_file(path), path);
}

#define XGRAD_INSTANTIATE(T)                                                                 \
  template std::string network2_incompatibility<T>(const Sequential<T>&, const Cost&);       \
  template nlohmann::json network2_to_json<T>(const Sequential<T>&, const Cost&);            \
  template std::string network2_to_string<T>(const Sequential<T>&, const Cost&);             \
  template void save_network2<T>(const std::string&, const Sequential<T>&, const Cost&);     \
  template LoadedModel<T> network2_from_json<T>(const nlohmann::json&, const std::string&);  \
  template LoadedModel<T> parse_network2<T>(const std::string&, const std::string&);         \
  template LoadedModel<T> load_network2<T>(const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
