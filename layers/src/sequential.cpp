#include "xgrad/layers/sequential.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Sequential<T>& Sequential<T>::add(std::shared_ptr<Module<T>> module) {
  this->register_module(std::to_string(size()), std::move(module));
  return *this;
}

template <class T>
Var<T> Sequential<T>::forward(const Var<T>& x) {
  Var<T> out = x;
  for (const auto& child : this->children()) out = child.second->forward(out);
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
    throw std::out_of_range(
        fmt::format("Sequential: index {} is out of range (it has {} modules)", i, size()));
  }
  return *this->children()[i].second;
}

template <class T>
void Sequential<T>::throw_wrong_type(std::size_t i) const {
  throw std::invalid_argument(fmt::format("Sequential: module {} is {}, not the type asked for",
                                          i, (*this)[i].describe()));
}

#define XGRAD_INSTANTIATE(T) template class Sequential<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
