#pragma once
/// @file
/// Saved state as named matrices: how modules, optimizers and learning-rate schedules
/// save and restore what they hold (parameters, velocities, counters), and what the JSON
/// checkpoints serialise.

#include <string>
#include <vector>

#include <xgrad/autograd/tensor.hpp>

namespace xgrad {

/// One named value of a saved state, e.g. {"0.weight", W} or {"0.weight.velocity", v}.
/// Scalars (a learning rate, a step count) are 1×1 matrices.
template <class T>
struct NamedMatrix {
  std::string name;  ///< dotted path, e.g. "0.weight" or "0.weight.velocity"
  Matrix<T> value;   ///< the saved value
};

/// A saved state: named matrices in the owner's order.
template <class T>
using StateDict = std::vector<NamedMatrix<T>>;

/// What load_state_into() restores: the entry name it expects and the matrix it overwrites.
template <class T>
struct StateSlot {
  std::string name;   ///< the entry it takes
  Matrix<T>* target;  ///< overwritten with that entry's value
};

/// Copies each entry of `state` into the slot of the same name. Validates everything
/// before writing anything, so a bad state leaves the owner unchanged: throws
/// std::invalid_argument when a slot has no entry, an entry matches no slot or a name is
/// repeated, and ShapeError when an entry's shape differs from its slot's. Messages start
/// with `owner` (e.g. "Sequential.load_state") and name the entry and the expected shape.
template <class T>
void load_state_into(const StateDict<T>& state, const std::vector<StateSlot<T>>& slots,
                     const std::string& owner);

/// The value of the entry called `name`. Throws std::invalid_argument naming `owner` and
/// `name` if there is none.
template <class T>
const Matrix<T>& state_entry(const StateDict<T>& state, const std::string& name,
                             const std::string& owner);

}  // namespace xgrad
