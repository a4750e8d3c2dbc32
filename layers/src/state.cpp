#include "xgrad/layers/state.hpp"

#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

template <class T>
void load_state_into(const StateDict<T>& state, const std::vector<StateSlot<T>>& slots,
                     const std::string& owner) {
  std::unordered_map<std::string, const Matrix<T>*> entries;
  for (const NamedMatrix<T>& entry : state) {
    if (!entries.emplace(entry.name, &entry.value).second) {
      throw InvalidArgument(
          fmt::format("{}: the state has two entries named '{}'", owner, entry.name));
    }
  }
  for (const StateSlot<T>& slot : slots) {
    const auto found = entries.find(slot.name);
    if (found == entries.end()) {
      throw InvalidArgument(
          fmt::format("{}: the state has no entry '{}' (expected shape {})", owner, slot.name,
                      shape_string(shape_of(*slot.target))));
    }
    if (shape_of(*found->second) != shape_of(*slot.target)) {
      throw ShapeError(fmt::format("{}: entry '{}' has shape {}, expected {}", owner, slot.name,
                                   shape_string(shape_of(*found->second)),
                                   shape_string(shape_of(*slot.target))));
    }
  }
  if (entries.size() != slots.size()) {
    for (const NamedMatrix<T>& entry : state) {
      bool known = false;
      for (const StateSlot<T>& slot : slots) known = known || slot.name == entry.name;
      if (!known) {
        throw InvalidArgument(
            fmt::format("{}: unexpected entry '{}' in the state", owner, entry.name));
      }
    }
  }
  for (const StateSlot<T>& slot : slots) *slot.target = *entries.at(slot.name);
}

template <class T>
const Matrix<T>& state_entry(const StateDict<T>& state, const std::string& name,
                             const std::string& owner) {
  for (const NamedMatrix<T>& entry : state) {
    if (entry.name == name) return entry.value;
  }
  throw InvalidArgument(fmt::format("{}: the state has no entry '{}'", owner, name));
}

#define XGRAD_INSTANTIATE(T)                                                                 \
  template void load_state_into<T>(const StateDict<T>&, const std::vector<StateSlot<T>>&,    \
                                   const std::string&);                                      \
  template const Matrix<T>& state_entry<T>(const StateDict<T>&, const std::string&,          \
                                           const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
