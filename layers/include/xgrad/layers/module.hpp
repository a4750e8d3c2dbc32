#pragma once
/// @file
/// Module: the base of every layer and network — a forward function, named parameters
/// (each marked as a weight or a bias), submodules, and one train/eval flag.

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <xgrad/autograd/activation.hpp>
#include <xgrad/autograd/random.hpp>
#include <xgrad/autograd/var.hpp>

#include "state.hpp"

namespace xgrad {

/// What a parameter is, so that penalties and weight decay touch weights only: the book
/// regularises weights and never biases (eqs. 85–89, 93–94).
enum class ParameterKind { weight, bias };

/// A parameter as listed by Module::parameters().
template <class T>
struct Parameter {
  /// Dotted path from the module it was listed from, e.g. "0.weight" or "block.fc.bias".
  std::string name;
  /// The leaf holding the value (a shared handle: updating it updates the module).
  Var<T> var;
  /// Weight (penalised, decayed) or bias (neither).
  ParameterKind kind = ParameterKind::weight;

  /// kind == ParameterKind::weight.
  bool is_weight() const noexcept { return kind == ParameterKind::weight; }
};

/// A buffer as listed by Module::buffers(): state a module keeps and updates itself (a
/// running average, a count) that is not trained — no gradient, no optimizer, no penalty —
/// but is saved and restored with the parameters.
template <class T>
struct Buffer {
  /// Dotted path from the module it was listed from, e.g. "2.mean".
  std::string name;
  /// A leaf that does not require grad (a shared handle: the module's own buffer).
  Var<T> var;
};

/// The weight W (in × out) and bias b (1 × out) of a module that computes x·W + b.
template <class T>
struct LinearParameters {
  Var<T> weight;  ///< W, (in × out): the book's w transposed
  Var<T> bias;    ///< b, (1 × out)
};

/// Base class of layers and networks.
///
/// A subclass implements forward() and, in its constructor, registers its parameters
/// (register_parameter), any buffers (register_buffer) and submodules (register_module).
/// Everything else — the recursive parameters() and buffers() lists, train()/eval(),
/// zero_grad(), state()/load_state(), and so model files and checkpoints — comes from here.
/// A custom module is therefore a few lines:
/// @code
/// template <class T>
/// struct Residual : Module<T> {
///   std::shared_ptr<Dense<T>> fc;
///   Residual(std::size_t width, Rng& rng)
///       : fc(this->register_module(
///             "fc", std::make_shared<Dense<T>>(width, width, Init::he, rng))) {}
///   Var<T> forward(const Var<T>& x) override { return x + relu(fc->forward(x)); }
/// };
/// @endcode
///
/// Modules cannot be copied (a copy would silently share or duplicate parameters) but can be
/// moved, e.g. into a Sequential. Forward is not const: Dropout draws from its generator.
template <class T>
class Module {
 public:
  /// The element type (float or double).
  using value_type = T;

  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  /// Moves the parameters and submodules (handles: the new module owns the same values).
  Module(Module&&) noexcept = default;
  /// Moves the parameters and submodules.
  Module& operator=(Module&&) noexcept = default;

  /// The module's output for a mini-batch `x` (one example per row).
  virtual Var<T> forward(const Var<T>& x) = 0;
  /// Same as forward(x).
  Var<T> operator()(const Var<T>& x) { return forward(x); }

  /// A short description such as "Dense(784, 30)" or "Sequential(Dense(784, 30), Sigmoid)".
  virtual std::string describe() const { return "Module"; }

  /// Every parameter of this module and its submodules, recursively: own parameters first
  /// in registration order, then each submodule's, named "<submodule>.<name>". A Var
  /// reachable twice (a shared submodule) is listed once, under its first name.
  std::vector<Parameter<T>> parameters() const;
  /// Every buffer of this module and its submodules, recursively, in the order and with
  /// the names of parameters(). A Var reachable twice is listed once.
  std::vector<Buffer<T>> buffers() const;
  /// The directly registered submodules with their names, in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module<T>>>>& children() const {
    return children_;
  }

  /// Sets training mode (on = true) or evaluation mode (on = false) for this module and,
  /// recursively, all submodules. Modules start in training mode. Only Dropout behaves
  /// differently today.
  void train(bool on = true);
  /// Evaluation mode: train(false).
  void eval() { train(false); }
  /// True in training mode, false in evaluation mode.
  bool is_training() const noexcept { return training_; }

  /// @name Hooks: what Sequential, the model files and the trainer ask a module
  /// Built-in and custom modules answer the same questions, so a custom module is fused,
  /// saved and checkpointed like a built-in one (nothing outside a module's own files
  /// checks its type). The defaults answer "nothing of the kind".
  /// @{

  /// The activation this module's forward(z) applies elementwise, and nothing else (the
  /// built-in Sigmoid, Tanh and ReLU), so that Sequential may fuse it into the module
  /// before it (see forward_activated()). Default: none.
  virtual std::optional<Activation> fusable_activation() const { return std::nullopt; }
  /// forward(x) followed by `act`: what Sequential calls for this module when the next
  /// one's fusable_activation() is `act`. The default applies the activation as a separate
  /// op; Dense overrides it with one fused op (the same values and gradients, one node and
  /// one buffer fewer).
  virtual Var<T> forward_activated(const Var<T>& x, Activation act) {
    return activate(forward(x), act);
  }
  /// W and b when forward(x) is x·W + b (the built-in Dense), for formats and facades
  /// that describe such layers (network2.py's files, Network's sizes). Default: none.
  virtual std::optional<LinearParameters<T>> linear_parameters() const { return std::nullopt; }
  /// The generator forward() draws from in training mode (Dropout's masks), or nullptr.
  /// Model files and checkpoints save it with the module, and data-parallel training
  /// advances it past the other processes' examples. Default: none.
  virtual const Rng* random_generator() const { return nullptr; }
  /// Replaces the generator that random_generator() returns. The default, for modules
  /// without one, throws InvalidArgument naming the module.
  virtual void set_random_generator(const Rng& generator);
  /// @}

  /// Forgets every parameter's gradient (Var::zero_grad(), which keeps the buffers).
  void zero_grad();

  /// A copy of every parameter's value, named as in parameters(), then of every buffer's,
  /// named as in buffers(): what model files and checkpoints save.
  StateDict<T> state() const;
  /// Overwrites the parameters and buffers from `state` (as returned by state()). Each
  /// needs exactly one entry of its name and shape and no entry may be left over;
  /// otherwise throws std::invalid_argument (or ShapeError) and changes nothing.
  void load_state(const StateDict<T>& state);

 protected:
  /// Creates a parameter holding `value` (a leaf that requires grad) and lists it under
  /// `name`. Throws std::invalid_argument if the name is empty, contains '.', or is taken.
  Var<T> register_parameter(const std::string& name, Matrix<T> value, ParameterKind kind);
  /// Lists an existing leaf (shared, not copied) as a parameter under `name`.
  /// Throws GraphError if `var` is not a leaf.
  Var<T> register_parameter(const std::string& name, Var<T> var, ParameterKind kind);

  /// Creates a buffer holding `value` (a leaf that does not require grad) and lists it
  /// under `name`; forward() may read it as a Var and update its value (mutable_value()).
  /// Same name rules as register_parameter.
  Var<T> register_buffer(const std::string& name, Matrix<T> value);

  /// Adds `module` as a submodule under `name` and returns it, so a subclass can keep a
  /// typed handle. Same name rules as register_parameter.
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module<T>, M>, "register_module: M must derive Module<T>");
    add_child(name, module);
    return module;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module<T>> module);
  void check_new_name(const std::string& name) const;

  std::vector<Parameter<T>> own_parameters_;
  std::vector<Buffer<T>> own_buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module<T>>>> children_;
  bool training_ = true;
};

}  // namespace xgrad
