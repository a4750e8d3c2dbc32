#include "xgrad/layers/module.hpp"

#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {
template <class T>
void Module<T>::set_random_generator(const Rng&) {
  throw InvalidArgument(fmt::format("{}: this module has no random generator to set", describe()));
}

namespace {

// A module's own items (parameters or buffers), then each child's (listed by `list`) named
// "<child>.<name>": every Var once, under the first name it is reached by.
template <class T, class Item>
std::vector<Item> named_recursively(
    const std::vector<Item>& own,
    const std::vector<std::pair<std::string, std::shared_ptr<Module<T>>>>& children,
    std::vector<Item> (Module<T>::*list)() const) {
  std::vector<Item> out;
  std::unordered_set<const Node<T>*> seen;
  for (const Item& item : own) {
    if (seen.insert(item.var.node().get()).second) out.push_back(item);
  }
  for (const auto& [name, child] : children) {
    for (Item& item : ((*child).*list)()) {
      if (seen.insert(item.var.node().get()).second) {
        item.name = name + "." + item.name;
        out.push_back(std::move(item));
      }
    }
  }
  return out;
}

}  // namespace

template <class T>
std::vector<Parameter<T>> Module<T>::parameters() const {
  return named_recursively(own_parameters_, children_, &Module<T>::parameters);
}

template <class T>
std::vector<Buffer<T>> Module<T>::buffers() const {
  return named_recursively(own_buffers_, children_, &Module<T>::buffers);
}

template <class T>
void Module<T>::train(bool on) {
  training_ = on;
  for (auto& child : children_) child.second->train(on);
}

template <class T>
void Module<T>::zero_grad() {
  for (const Parameter<T>& p : parameters()) p.var.zero_grad();
}

template <class T>
StateDict<T> Module<T>::state() const {
  StateDict<T> state;
  for (const Parameter<T>& p : parameters()) state.push_back({p.name, p.var.value()});
  for (const Buffer<T>& b : buffers()) state.push_back({b.name, b.var.value()});
  return state;
}

template <class T>
void Module<T>::load_state(const StateDict<T>& state) {
  std::vector<StateSlot<T>> slots;
  for (const Parameter<T>& p : parameters()) slots.push_back({p.name, &p.var.mutable_value()});
  for (const Buffer<T>& b : buffers()) slots.push_back({b.name, &b.var.mutable_value()});
  load_state_into(state, slots, describe() + ".load_state");
}

template <class T>
Var<T> Module<T>::register_parameter(const std::string& name, Matrix<T> value,
                                     ParameterKind kind) {
  return register_parameter(name, Var<T>(std::move(value), true), kind);
}

template <class T>
Var<T> Module<T>::register_parameter(const std::string& name, Var<T> var, ParameterKind kind) {
  check_new_name(name);
  if (!var.is_leaf()) {
    throw GraphError(fmt::format("{}: parameter '{}' must be a leaf, not the result of '{}'",
                                 describe(), name, var.op()));
  }
  own_parameters_.push_back({name, var, kind});
  return var;
}

template <class T>
Var<T> Module<T>::register_buffer(const std::string& name, Matrix<T> value) {
  check_new_name(name);
  Var<T> var(std::move(value), false);
  own_buffers_.push_back({name, var});
  return var;
}

template <class T>
void Module<T>::add_child(const std::string& name, std::shared_ptr<Module<T>> module) {
  check_new_name(name);
  if (!module) {
    throw InvalidArgument(fmt::format("{}: submodule '{}' is null", describe(), name));
  }
  children_.emplace_back(name, std::move(module));
}

template <class T>
void Module<T>::check_new_name(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw InvalidArgument(fmt::format(
        "{}: name '{}' must be non-empty and contain no '.' (dots separate the levels of "
        "parameter names)",
        describe(), name));
  }
  bool taken = false;
  for (const Parameter<T>& p : own_parameters_) taken = taken || p.name == name;
  for (const Buffer<T>& b : own_buffers_) taken = taken || b.name == name;
  for (const auto& child : children_) taken = taken || child.first == name;
  if (taken) {
    throw InvalidArgument(fmt::format("{}: name '{}' is already taken", describe(), name));
  }
}

#define XGRAD_INSTANTIATE(T) template class Module<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
