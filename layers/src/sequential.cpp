#include "xgrad/layers/sequential.hpp"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

template <class T>
Sequential<T>& Sequential<T>::add(std::shared_ptr<Module<T>> module) {
  this->register_module(std::to_string(size()), std::move(module));
  return *this;
}

// A module followed by one whose forward is a plain activation (Sigmoid, Tanh, ReLU) runs
// as forward_activated(): Dense makes that one fused op (the same values and gradients with
// one graph node, one buffer and one pass over the batch fewer); other modules apply the
// activation after their forward, as if unfused.
template <class T>
Var<T> Sequential<T>::forward(const Var<T>& x) {
  Var<T> out = x;
  const auto& modules = this->children();
  for (std::size_t i = 0; i < modules.size(); ++i) {
    Module<T>& m = *modules[i].second;
    if (i + 1 < modules.size()) {
      if (const std::optional<Activation> act = modules[i + 1].second->fusable_activation()) {
        out = m.forward_activated(out, *act);
        ++i;
        continue;
      }
    }
    out = m.forward(out);
  }
  return out;
}

template <class T>
std::string Sequential<T>::describe() const {
  std::string parts;
  for (const auto& child : this->children()) {
    parts += (parts.empty() ? "" : ", ") + child.second->describe();
  }
  return "Sequential(" + parts + ")";
}

template <class T>
Module<T>& Sequential<T>::operator[](std::size_t i) const {
  if (i >= size()) {
    throw InvalidArgument(
        fmt::format("Sequential: index {} is out of range (it has {} modules)", i, size()));
  }
  return *this->children()[i].second;
}

template <class T>
void Sequential<T>::throw_wrong_type(std::size_t i) const {
  throw InvalidArgument(fmt::format("Sequential: module {} is {}, not the type asked for",
                                          i, (*this)[i].describe()));
}

#define XGRAD_INSTANTIATE(T) template class Sequential<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
