#pragma once
/// @file
/// Checkpoints: a model file (xgrad's JSON format) that also holds the optimizer's state
/// and the trainer's TrainerState, so that an interrupted run can be resumed exactly.

#include <string>

#include <nlohmann/json.hpp>

#include <xgrad/io/serialization.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/train/trainer.hpp>

namespace xgrad {

/// TrainerState as the JSON object stored under a model file's "trainer" key.
nlohmann::json trainer_state_to_json(const TrainerState& state);

/// The TrainerState that trainer_state_to_json() wrote. Throws ModelFormatError naming
/// `source` and the bad key when the object is malformed.
TrainerState trainer_state_from_json(const nlohmann::json& json, const std::string& source);

/// Writes `model`, `cost`, the optimizer's state and `state` to `path` atomically (a
/// failure leaves the previous checkpoint intact).
template <class T>
void save_checkpoint(const std::string& path, const Sequential<T>& model, const Cost& cost,
                     const Optimizer<T>& optimizer, const TrainerState& state);

/// A checkpoint read back: the model and cost, the optimizer's name and state, and the
/// trainer state.
template <class T>
struct Checkpoint {
  LoadedModel<T> model;  ///< network, cost, dtype and the raw training state
  TrainerState trainer;  ///< where the run stood
};

/// Reads a checkpoint written by save_checkpoint(). Throws ModelFormatError when the file is
/// not a valid model file or holds no optimizer or trainer state.
template <class T>
Checkpoint<T> load_checkpoint(const std::string& path);

}  // namespace xgrad
