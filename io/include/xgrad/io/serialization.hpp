#pragma once
/// @file
/// Saving and loading networks as JSON, in two formats:
///
/// * **xgrad's own, versioned format** (save_model() / load_model()): any Sequential of
///   built-in modules (Dense, Sigmoid, Tanh, ReLU, Softmax, Dropout) and of custom modules
///   registered with register_module_type(), with its Cost and element type, and
///   optionally an optimizer's state and an arbitrary JSON object of trainer state
///   (epoch, generators, schedule, history) so that a run can be resumed:
///   @code{.json}
///   {"format":"xgrad","version":1,"dtype":"float64",
///    "cost":"CrossEntropyCost","output_activation":"sigmoid",
///    "layers":[{"type":"Dense","weights":[[0.1,0.2,0.3],[0.4,0.5,0.6]],"biases":[0.0,-0.1]},
///              {"type":"Sigmoid"},
///              {"type":"Dropout","p":0.5,"rng":"<mt19937_64 state>"},
///              {"type":"Dense","weights":[[1.0,-1.0]],"biases":[0.5]},
///              {"type":"Scale","config":{"width":1},
///               "parameters":[{"name":"factor","shape":[1,1],"data":[2.0]}]}],
///    "optimizer":{"name":"Momentum","state":[{"name":"learning_rate","shape":[1,1],
///                 "data":[0.5]}, …]},
///    "trainer":{"epoch":3, …}}
///   @endcode
///   Dense weights are written in the book's (out × in) layout — row j holds the weights
///   into output j, as in network2.py — although Dense stores W as (in × out); biases are a
///   flat list of `out` numbers. "rng" (the Dropout layer's generator, so that a resumed
///   run draws the same masks) is optional when loading (absent: seeded with 0). Custom
///   modules store what their save function returns under "config" and their parameters
///   (Module::state(), in xgrad's own layout) under "parameters". "optimizer" and
///   "trainer" are present only when given.
///
/// * **network2.py's format** (save_network2() / load_network2()), exactly as
///   `network2.py`'s `save()` writes it and `load()` reads it:
///   @code{.json}
///   {"sizes":[2,3,1],
///    "weights":[[[w11,w12],[w21,w22],[w31,w32]], [[v11,v12,v13]]],
///    "biases":[[[b1],[b2],[b3]], [[c1]]],
///    "cost":"CrossEntropyCost"}
///   @endcode
///   one (out × in) matrix per layer and biases as (out × 1) column vectors. It describes
///   Dense, Sigmoid, …, Dense networks with a sigmoid output under QuadraticCost or
///   CrossEntropyCost, and nothing else.
///
/// **Numbers** are written with the shortest decimal form that reads back to the same
/// double, so every parameter round-trips bit for bit (a float is written as the double of
/// the same value). Non-finite parameters are refused when saving.
///
/// **Element types.** A file records its dtype ("float32" or "float64"; network2 files are
/// float64). Loading converts to the requested T: float32 → float64 is exact; float64 →
/// float32 rounds each value to the nearest float (allowed, e.g. to evaluate a float64 model
/// in float32) and is an error only for a value beyond float32's range. LoadedModel::dtype
/// tells what the file held.
///
/// **Loading validates everything before building anything**: malformed or truncated JSON,
/// missing keys, wrong types, ragged or mis-shaped matrices, matrices that do not chain
/// (a Dense layer's inputs must equal the previous Dense layer's outputs), sizes
/// inconsistent with the weights, non-numeric, non-finite or out-of-range entries, an
/// unknown format, version, dtype, layer type or cost name. Each is a ModelFormatError whose
/// message names the file, the JSON path of the bad element (e.g.
/// `layers[2].weights[3]`), what was wrong and what was expected; malformed JSON is located
/// by line and column. Nothing is allocated from a declared size before the data backing it
/// has been checked, so a lying file cannot cause a huge allocation.
///
/// The public interface exposes `nlohmann::json` (trainer state, custom modules' configs),
/// so xgrad::layers links nlohmann_json publicly.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>

#include <nlohmann/json.hpp>

#include <xgrad/layers/cost.hpp>
#include <xgrad/layers/module.hpp>
#include <xgrad/layers/sequential.hpp>
#include <xgrad/layers/state.hpp>

#include "module_registry.hpp"

namespace xgrad {

/// A model file that cannot be loaded: unreadable, malformed, or not a valid model. The
/// message starts with the file (or the source name given to a parse function), then the
/// JSON path of the bad element, what was wrong and what was expected, e.g.
/// `net.json: layers[2].weights[3]: row has 4 numbers, expected 5 like row 0`.
class ModelFormatError : public Error {
 public:
  using Error::Error;
};

/// The version of xgrad's model format that this library writes (and the newest it reads).
inline constexpr int model_format_version = 1;

/// What a checkpoint holds besides the network and the cost, for resuming a run.
template <class T>
struct TrainingState {
  /// The optimizer's name() ("SGD", "Momentum", "Nesterov", "Adam"); empty: none saved.
  std::string optimizer;
  /// The optimizer's state() (learning rate, steps, velocities …); saved with `optimizer`.
  StateDict<T> optimizer_state;
  /// Anything else a trainer needs, as a JSON object (epoch, generator and batcher state,
  /// schedule state via state_to_json(), history); null: none saved.
  nlohmann::json trainer;
};

/// A network read from a file, with its cost and whatever else the file held.
template <class T>
struct LoadedModel {
  /// The network, in training mode (call eval() before evaluating with dropout layers).
  Sequential<T> network;
  /// The cost it was saved with.
  Cost cost = Cost::cross_entropy();
  /// The file's element type: "float32" or "float64" (always "float64" for network2).
  std::string dtype;
  /// Optimizer and trainer state, if the file had them (always empty for network2).
  TrainingState<T> training;
};

/// @name xgrad's own format
/// @{

/// The model as an xgrad-format JSON document (see the file comment). Throws
/// std::invalid_argument naming the module when a module is neither built in nor
/// registered, or a parameter or saved state value is not finite, and when
/// `training.trainer` is neither null nor an object.
template <class T>
nlohmann::json model_to_json(const Sequential<T>& network, const Cost& cost,
                             const TrainingState<T>& training = {});
/// The same document as compact text ending in a newline, keys in a fixed readable order
/// ("format" first, then "version", "dtype", the cost, "layers" …).
template <class T>
std::string model_to_string(const Sequential<T>& network, const Cost& cost,
                            const TrainingState<T>& training = {});
/// Writes model_to_string() to `path` with write_file_atomically(): a failure leaves the
/// previous file intact. Throws as model_to_json() and std::system_error on I/O errors.
template <class T>
void save_model(const std::string& path, const Sequential<T>& network, const Cost& cost,
                const TrainingState<T>& training = {});

/// Builds the model that `json` describes; `source` names it in error messages. Throws
/// ModelFormatError on anything invalid (see the file comment), before building anything.
template <class T>
LoadedModel<T> model_from_json(const nlohmann::json& json, const std::string& source = "model");
/// Parses `text` and builds the model; malformed JSON is reported with line and column.
template <class T>
LoadedModel<T> parse_model(const std::string& text, const std::string& source = "model");
/// Reads and builds the model saved at `path`. Throws ModelFormatError (message starting
/// with `path`) when the file cannot be read or is not a valid model.
template <class T>
LoadedModel<T> load_model(const std::string& path);
/// @}

/// @name network2.py's format
/// @{

/// Why `network` with `cost` cannot be written in network2.py's format (e.g. "module 1 is
/// Tanh: network2.py's neurons are sigmoid"), or an empty string if it can.
template <class T>
std::string network2_incompatibility(const Sequential<T>& network, const Cost& cost);
/// The network as network2.py's JSON document {"sizes", "weights", "biases", "cost"}.
/// Throws std::invalid_argument with network2_incompatibility()'s reason when it cannot be
/// represented, or when a parameter is not finite.
template <class T>
nlohmann::json network2_to_json(const Sequential<T>& network, const Cost& cost);
/// The same document as compact text ending in a newline, keys in network2.py's order.
template <class T>
std::string network2_to_string(const Sequential<T>& network, const Cost& cost);
/// Writes network2_to_string() to `path` atomically (see write_file_atomically()).
template <class T>
void save_network2(const std::string& path, const Sequential<T>& network, const Cost& cost);

/// Builds Dense, Sigmoid, …, Dense and the cost from a network2.py document. Keys other
/// than the four are ignored, as network2.py's load() does. Throws ModelFormatError.
template <class T>
LoadedModel<T> network2_from_json(const nlohmann::json& json,
                                  const std::string& source = "network2 model");
/// Parses `text` as a network2.py document and builds the model.
template <class T>
LoadedModel<T> parse_network2(const std::string& text,
                              const std::string& source = "network2 model");
/// Reads and builds the network2.py model saved at `path`.
template <class T>
LoadedModel<T> load_network2(const std::string& path);
/// @}

/// @name Either format
/// @{

/// Reads the model saved at `path` in whichever format it is: network2.py's (an object
/// with "sizes" and no "format") or xgrad's (everything else, so that a damaged file gets
/// xgrad's messages). Throws ModelFormatError as load_model() and load_network2() do.
template <class T>
LoadedModel<T> load_any_model(const std::string& path);
/// @}

/// @name Saved state as JSON
/// @{

/// A StateDict as a JSON array of {"name", "shape": [rows, cols], "data": [row-major
/// values]} in its order (what "optimizer" and custom modules' "parameters" hold; use it
/// for a schedule's state in the trainer object too). Throws std::invalid_argument naming
/// the entry if a value is not finite.
template <class T>
nlohmann::json state_to_json(const StateDict<T>& state);
/// The StateDict that state_to_json() wrote. Throws ModelFormatError naming `source` and
/// the JSON path (`path`, e.g. "trainer.schedule") of a malformed entry.
template <class T>
StateDict<T> state_from_json(const nlohmann::json& json, const std::string& source,
                             const std::string& path);
/// @}

}  // namespace xgrad
