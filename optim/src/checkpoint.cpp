#include "xgrad/optim/checkpoint.hpp"

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {
namespace {

using nlohmann::json;

json optional_to_json(const std::optional<double>& v) { return v ? json(*v) : json(); }
json optional_to_json(const std::optional<std::size_t>& v) { return v ? json(*v) : json(); }

// Reads `key` of `object` as T, naming the file and the key when it is missing or mistyped.
template <class V>
V get(const json& object, const char* key, const std::string& source, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw ModelFormatError(fmt::format("{}: {}.{} is missing", source, where, key));
  }
  try {
    return object.at(key).get<V>();
  } catch (const json::exception& e) {
    throw ModelFormatError(fmt::format("{}: {}.{} has the wrong type ({})", source, where, key, e.what()));
  }
}

template <class V>
std::optional<V> get_optional(const json& object, const char* key, const std::string& source,
                              const std::string& where) {
  if (object.contains(key) && object.at(key).is_null()) return std::nullopt;
  return get<V>(object, key, source, where);
}

json history_to_json(const TrainingHistory& h) {
  json epochs = json::array();
  for (const EpochStats& e : h.epochs) {
    epochs.push_back({{"epoch", e.epoch},
                      {"learning_rate", e.learning_rate},
                      {"seconds", e.seconds},
                      {"monitor_seconds", e.monitor_seconds},
                      {"training_cost", optional_to_json(e.training_cost)},
                      {"training_correct", optional_to_json(e.training_correct)},
                      {"training_size", e.training_size},
                      {"evaluation_cost", optional_to_json(e.evaluation_cost)},
                      {"evaluation_correct", optional_to_json(e.evaluation_correct)},
                      {"evaluation_size", e.evaluation_size}});
  }
  return {{"evaluation_cost", h.evaluation_cost},
          {"evaluation_accuracy", h.evaluation_accuracy},
          {"training_cost", h.training_cost},
          {"training_accuracy", h.training_accuracy},
          {"epochs", epochs}};
}

TrainingHistory history_from_json(const json& j, const std::string& source) {
  const std::string where = "trainer.history";
  TrainingHistory h;
  h.evaluation_cost = get<std::vector<double>>(j, "evaluation_cost", source, where);
  h.evaluation_accuracy = get<std::vector<std::size_t>>(j, "evaluation_accuracy", source, where);
  h.training_cost = get<std::vector<double>>(j, "training_cost", source, where);
  h.training_accuracy = get<std::vector<std::size_t>>(j, "training_accuracy", source, where);
  const json epochs = get<json>(j, "epochs", source, where);
  if (!epochs.is_array()) throw ModelFormatError(fmt::format("{}: {}.epochs is not an array", source, where));
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    const json& e = epochs[i];
    const std::string at = fmt::format("{}.epochs[{}]", where, i);
    EpochStats s;
    s.epoch = get<std::size_t>(e, "epoch", source, at);
    s.learning_rate = get<double>(e, "learning_rate", source, at);
    s.seconds = get<double>(e, "seconds", source, at);
    s.monitor_seconds = get<double>(e, "monitor_seconds", source, at);
    s.training_cost = get_optional<double>(e, "training_cost", source, at);
    s.training_correct = get_optional<std::size_t>(e, "training_correct", source, at);
    s.training_size = get<std::size_t>(e, "training_size", source, at);
    s.evaluation_cost = get_optional<double>(e, "evaluation_cost", source, at);
    s.evaluation_correct = get_optional<std::size_t>(e, "evaluation_correct", source, at);
    s.evaluation_size = get<std::size_t>(e, "evaluation_size", source, at);
    h.epochs.push_back(s);
  }
  return h;
}

}  // namespace

json trainer_state_to_json(const TrainerState& s) {
  return {{"next_epoch", s.next_epoch},
          {"batcher",
           {{"rng", s.batcher.rng},
            {"epoch", s.batcher.epoch},
            {"position", s.batcher.position},
            {"in_epoch", s.batcher.in_epoch}}},
          {"dropout_generators", s.dropout_generators},
          {"early_stopping",
           {{"best", s.early_stopping_best},
            {"best_epoch", s.early_stopping_best_epoch},
            {"without_improvement", s.early_stopping_without},
            {"epochs", s.early_stopping_epochs}}},
          {"schedule", state_to_json(s.schedule)},
          {"history", history_to_json(s.history)}};
}

TrainerState trainer_state_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) throw ModelFormatError(fmt::format("{}: no trainer state (\"trainer\" is not an object)", source));
  TrainerState s;
  s.next_epoch = get<std::size_t>(j, "next_epoch", source, "trainer");
  const json batcher = get<json>(j, "batcher", source, "trainer");
  s.batcher.rng = get<std::string>(batcher, "rng", source, "trainer.batcher");
  s.batcher.epoch = get<std::uint64_t>(batcher, "epoch", source, "trainer.batcher");
  s.batcher.position = get<std::size_t>(batcher, "position", source, "trainer.batcher");
  s.batcher.in_epoch = get<bool>(batcher, "in_epoch", source, "trainer.batcher");
  s.dropout_generators = get<std::vector<std::string>>(j, "dropout_generators", source, "trainer");
  const json stop = get<json>(j, "early_stopping", source, "trainer");
  s.early_stopping_best = get<double>(stop, "best", source, "trainer.early_stopping");
  s.early_stopping_best_epoch = get<std::size_t>(stop, "best_epoch", source, "trainer.early_stopping");
  s.early_stopping_without = get<std::size_t>(stop, "without_improvement", source, "trainer.early_stopping");
  s.early_stopping_epochs = get<std::size_t>(stop, "epochs", source, "trainer.early_stopping");
  s.schedule = state_from_json<double>(get<json>(j, "schedule", source, "trainer"), source, "trainer.schedule");
  s.history = history_from_json(get<json>(j, "history", source, "trainer"), source);
  return s;
}

template <class T>
void save_checkpoint(const std::string& path, const Sequential<T>& model, const Cost& cost,
                     const Optimizer<T>& optimizer, const TrainerState& state) {
  TrainingState<T> training;
  training.optimizer = optimizer.name();
  training.optimizer_state = optimizer.state();
  training.trainer = trainer_state_to_json(state);
  save_model(path, model, cost, training);
}

template <class T>
Checkpoint<T> load_checkpoint(const std::string& path) {
  Checkpoint<T> c{load_model<T>(path), {}};
  if (c.model.training.optimizer.empty()) {
    throw ModelFormatError(fmt::format("{}: a model without optimizer state, not a checkpoint "
                                       "(write one with --checkpoint)", path));
  }
  c.trainer = trainer_state_from_json(c.model.training.trainer, path);
  return c;
}

#define XGRAD_INSTANTIATE(T)                                                                   \
  template void save_checkpoint<T>(const std::string&, const Sequential<T>&, const Cost&,      \
                                   const Optimizer<T>&, const TrainerState&);                  \
  template Checkpoint<T> load_checkpoint<T>(const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
