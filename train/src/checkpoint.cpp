#include "xgrad/train/checkpoint.hpp"

#include <optional>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/io/json_reader.hpp"

namespace xgrad {
namespace {

using detail::index_path;
using detail::JsonReader;
using detail::key_path;
using nlohmann::json;

json optional_to_json(const std::optional<double>& v) { return v ? json(*v) : json(); }
json optional_to_json(const std::optional<std::size_t>& v) { return v ? json(*v) : json(); }

// The typed fields of the trainer object, read through the loaders' one JSON reader: each
// error names the file and the JSON path of the bad element.
struct TrainerReader {
  JsonReader in;

  const json& at(const json& object, const std::string& path, const char* key) const {
    in.expect_object(object, path, "an object");
    return in.member(object, path, key, "see trainer_state_to_json()");
  }
  std::size_t count(const json& object, const std::string& path, const char* key) const {
    return in.size(at(object, path, key), key_path(path, key), false);
  }
  double number(const json& object, const std::string& path, const char* key) const {
    return in.number(at(object, path, key), key_path(path, key));
  }
  bool boolean(const json& object, const std::string& path, const char* key) const {
    const json& j = at(object, path, key);
    if (!j.is_boolean()) in.fail(key_path(path, key), "expected true or false");
    return j.get<bool>();
  }
  template <class V>
  std::optional<V> optional(const json& object, const std::string& path, const char* key) const {
    const json& j = at(object, path, key);
    if (j.is_null()) return std::nullopt;
    if constexpr (std::is_same_v<V, double>) {
      return in.number(j, key_path(path, key));
    } else {
      return in.size(j, key_path(path, key), false);
    }
  }
  std::vector<double> numbers(const json& object, const std::string& path, const char* key) const {
    const std::string where = key_path(path, key);
    std::vector<double> out;
    const auto& list = in.array(at(object, path, key), where, "a list of numbers");
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(in.number(list[i], index_path(where, i)));
    return out;
  }
  std::vector<std::size_t> counts(const json& object, const std::string& path, const char* key) const {
    const std::string where = key_path(path, key);
    std::vector<std::size_t> out;
    const auto& list = in.array(at(object, path, key), where, "a list of counts");
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(in.size(list[i], index_path(where, i), false));
    return out;
  }
};

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
  return {{"evaluation_cost", h.evaluation_cost()},
          {"evaluation_accuracy", h.evaluation_accuracy()},
          {"training_cost", h.training_cost()},
          {"training_accuracy", h.training_accuracy()},
          {"epochs", epochs}};
}

TrainingHistory history_from_json(const TrainerReader& r, const json& j) {
  const std::string where = "trainer.history";
  // The four lists repeat what the epochs hold; a non-empty list says it was monitored.
  const std::vector<double> evaluation_cost = r.numbers(j, where, "evaluation_cost");
  const std::vector<std::size_t> evaluation_accuracy = r.counts(j, where, "evaluation_accuracy");
  const std::vector<double> training_cost = r.numbers(j, where, "training_cost");
  const std::vector<std::size_t> training_accuracy = r.counts(j, where, "training_accuracy");
  TrainingHistory h;
  h.monitor = {!evaluation_cost.empty(), !evaluation_accuracy.empty(), !training_cost.empty(),
               !training_accuracy.empty()};
  const std::string epochs_path = key_path(where, "epochs");
  const auto& epochs = r.in.array(r.at(j, where, "epochs"), epochs_path, "a list of epochs");
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    const json& e = epochs[i];
    const std::string at = index_path(epochs_path, i);
    EpochStats s;
    s.epoch = r.count(e, at, "epoch");
    s.learning_rate = r.number(e, at, "learning_rate");
    s.seconds = r.number(e, at, "seconds");
    s.monitor_seconds = r.number(e, at, "monitor_seconds");
    s.training_cost = r.optional<double>(e, at, "training_cost");
    s.training_correct = r.optional<std::size_t>(e, at, "training_correct");
    s.training_size = r.count(e, at, "training_size");
    s.evaluation_cost = r.optional<double>(e, at, "evaluation_cost");
    s.evaluation_correct = r.optional<std::size_t>(e, at, "evaluation_correct");
    s.evaluation_size = r.count(e, at, "evaluation_size");
    h.epochs.push_back(s);
  }
  if (h.evaluation_cost() != evaluation_cost || h.evaluation_accuracy() != evaluation_accuracy ||
      h.training_cost() != training_cost || h.training_accuracy() != training_accuracy) {
    r.in.fail(where, "the four lists do not match the measurements in \"epochs\"");
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
          // The key predates other random modules; kept so that old checkpoints load.
          {"dropout_generators", s.generators},
          {"early_stopping",
           {{"best", s.early_stopping.best},
            {"best_epoch", s.early_stopping.best_epoch},
            {"without_improvement", s.early_stopping.without_improvement},
            {"epochs", s.early_stopping.epochs}}},
          {"schedule", state_to_json(s.schedule)},
          {"history", history_to_json(s.history)}};
}

TrainerState trainer_state_from_json(const json& j, const std::string& source) {
  const TrainerReader r{JsonReader(source)};
  r.in.expect_object(j, "trainer", "an object (the trainer's state)");
  TrainerState s;
  s.next_epoch = r.count(j, "trainer", "next_epoch");
  const json& batcher = r.at(j, "trainer", "batcher");
  s.batcher.rng = r.in.string(r.at(batcher, "trainer.batcher", "rng"), "trainer.batcher.rng",
                              "the shuffler's generator as text");
  s.batcher.epoch = r.count(batcher, "trainer.batcher", "epoch");
  s.batcher.position = r.count(batcher, "trainer.batcher", "position");
  s.batcher.in_epoch = r.boolean(batcher, "trainer.batcher", "in_epoch");
  const auto& generators = r.in.array(r.at(j, "trainer", "dropout_generators"),
                                      "trainer.dropout_generators", "a list of generator states");
  for (std::size_t i = 0; i < generators.size(); ++i) {
    s.generators.push_back(r.in.string(generators[i], index_path("trainer.dropout_generators", i),
                                       "a generator's state as text"));
  }
  const json& stop = r.at(j, "trainer", "early_stopping");
  s.early_stopping.best = r.number(stop, "trainer.early_stopping", "best");
  s.early_stopping.best_epoch = r.count(stop, "trainer.early_stopping", "best_epoch");
  s.early_stopping.without_improvement =
      r.count(stop, "trainer.early_stopping", "without_improvement");
  s.early_stopping.epochs = r.count(stop, "trainer.early_stopping", "epochs");
  s.schedule = state_from_json<double>(r.at(j, "trainer", "schedule"), source, "trainer.schedule");
  s.history = history_from_json(r, r.at(j, "trainer", "history"));
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
