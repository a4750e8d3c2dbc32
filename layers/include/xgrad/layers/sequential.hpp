#pragma once
/// @file
/// Sequential: modules applied one after another.

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "module.hpp"

namespace xgrad {

/// Applies its modules in order: forward(x) = m_{k−1}(… m_1(m_0(x))). The i-th module is
/// the submodule "i", so parameters are named "0.weight", "0.bias", "2.weight", …
/// @code
/// Rng rng(42);
/// Sequential<double> net(Dense<double>(784, 30, Init::standard, rng), Sigmoid<double>(),
///                        Dense<double>(30, 10, Init::standard, rng));
/// @endcode
template <class T>
class Sequential : public Module<T> {
  template <class M>
  static constexpr bool is_module_v = std::is_base_of_v<Module<T>, std::decay_t<M>>;

 public:
  Sequential() = default;
  /// Takes the given modules in order: each is a module moved in (`Dense<T>(…)`) or a
  /// shared_ptr to one (kept shared).
  template <class First, class... Rest,
            class = std::enable_if_t<!std::is_same_v<std::decay_t<First>, Sequential> ||
                                     sizeof...(Rest) != 0>>
  explicit Sequential(First&& first, Rest&&... rest) {
    add(std::forward<First>(first));
    (add(std::forward<Rest>(rest)), ...);
  }

  /// Appends a shared module. Throws std::invalid_argument if it is null.
  Sequential& add(std::shared_ptr<Module<T>> module);
  /// Appends a module moved in (modules cannot be copied; use a shared_ptr to share one).
  template <class M, class = std::enable_if_t<is_module_v<M> && !std::is_lvalue_reference_v<M>>>
  Sequential& add(M&& module) {
    return add(std::shared_ptr<Module<T>>(std::make_shared<std::decay_t<M>>(std::move(module))));
  }

  /// The modules' composition; the input itself if there are none.
  Var<T> forward(const Var<T>& x) override;
  /// "Sequential(Dense(784, 30), Sigmoid, Dense(30, 10))".
  std::string describe() const override;

  /// Number of modules.
  std::size_t size() const noexcept { return this->children().size(); }
  /// The i-th module. Throws std::out_of_range for i ≥ size().
  Module<T>& operator[](std::size_t i) const;
  /// The i-th module as an M (e.g. at<Dense<double>>(0).weight()). Throws std::out_of_range
  /// for i ≥ size() and std::invalid_argument if it is not an M.
  template <class M>
  M& at(std::size_t i) const {
    Module<T>& m = (*this)[i];
    if (auto* typed = dynamic_cast<M*>(&m)) return *typed;
    throw_wrong_type(i);
  }

 private:
  [[noreturn]] void throw_wrong_type(std::size_t i) const;
};

}  // namespace xgrad
