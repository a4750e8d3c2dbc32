#pragma once
/// @file
/// Optimizer: the base of the update rules — the first-order ones (SGD, Momentum,
/// Nesterov, Adam) and those that evaluate the loss themselves (L-BFGS, Hessian-free,
/// nonlinear conjugate gradient).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <xgrad/layers/module.hpp>
#include <xgrad/layers/state.hpp>

namespace xgrad {

/// Decoupled weight decay: before each update every weight — never a bias — is scaled by
/// (1 − η·λ/n), n being the training-set size. With plain SGD the step is then exactly the
/// book's eq. 93, w → (1 − ηλ/n)w − η∇C₀, the same step as adding l2_penalty(net, λ, n) to
/// the loss (eqs. 88–89). With Adam it is AdamW's decoupled decay. λ = 0 turns it off.
struct WeightDecay {
  double lambda = 0.0;  ///< the regularisation parameter λ (0: no decay)
  std::size_t n = 1;    ///< the training-set size n
};

/// The loss at the parameters' current values, as a 1×1 Var with its graph (the optimizer
/// differentiates it, once or twice): PyTorch's closure, without the backward call.
template <class T>
using Objective = std::function<Var<T>()>;

/// Base of the optimizers: holds the parameters, applies weight decay and one update rule
/// per parameter, and saves/restores its state.
///
/// Usage per mini-batch: zero_grad(); loss.backward(); step(). Or, for any optimizer,
/// step(objective), which evaluates the loss as often as the rule needs — once for the
/// first-order rules, more in a line search, plus Hessian-vector products for
/// Hessian-free — and returns the loss before the step.
/// Parameters whose Var does not require grad are frozen: step() skips them.
template <class T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;
  /// Moves the parameter handles and the state.
  Optimizer(Optimizer&&) noexcept = default;
  /// Moves the parameter handles and the state.
  Optimizer& operator=(Optimizer&&) noexcept = default;

  /// Updates every parameter that requires grad from its gradient, under the rule of the
  /// subclass, after the weight decay. Throws GraphError — before changing anything —
  /// naming the first parameter that requires grad but has none (backward() did not reach
  /// it since the last zero_grad(): its loss does not depend on it, or backward() was not
  /// called).
  virtual void step();
  /// One step that evaluates the objective itself. The first-order rules evaluate it once,
  /// call backward() and step(); the others override it. Returns the loss at the
  /// parameters before the step.
  virtual double step(const Objective<T>& objective);
  /// True for the rules that evaluate the loss themselves and have step(objective) only
  /// (L-BFGS, Hessian-free, nonlinear CG): a trainer hands them each mini-batch's loss as
  /// the objective instead of calling backward() and step().
  virtual bool evaluates_objective() const { return false; }
  /// Number of evaluations so far: gradients (and, for Hessian-free, Hessian-vector
  /// products) computed by step(objective) — the cost measure of the comparisons.
  std::size_t evaluations() const noexcept { return evaluations_; }
  /// Forgets the gradients of all parameters.
  void zero_grad();

  /// The current learning rate η.
  double learning_rate() const noexcept { return learning_rate_; }
  /// Sets η (a schedule does this between epochs). Throws std::invalid_argument unless
  /// η is finite and > 0.
  void set_learning_rate(double eta);
  /// The decoupled weight decay (λ = 0 when off).
  const WeightDecay& weight_decay() const noexcept { return decay_; }
  /// Replaces the weight decay (train() sets its Regularization's L2 this way). Throws
  /// std::invalid_argument for a negative or non-finite λ, for n = 0, or for λ > 0 on an
  /// optimizer that evaluates the loss itself (those take L2 in their objective).
  void set_weight_decay(WeightDecay decay);
  /// The parameters it updates, as given.
  const std::vector<Parameter<T>>& parameters() const noexcept { return parameters_; }
  /// Number of step() calls so far (Adam's t).
  std::size_t steps() const noexcept { return steps_; }
  /// "SGD", "Momentum", "Nesterov" or "Adam".
  const std::string& name() const noexcept { return name_; }

  /// The optimizer's state: "learning_rate" and "steps" (1×1) and every per-parameter
  /// buffer as "<parameter>.<buffer>" (e.g. "0.weight.velocity"). Scalars are stored as T,
  /// so with float a step count is exact up to 2²⁴.
  StateDict<T> state() const;
  /// Restores a state() of an optimizer of the same kind over parameters of the same names
  /// and shapes (the parameter values themselves are the Module's state). Throws
  /// std::invalid_argument or ShapeError and changes nothing if the state does not fit.
  void load_state(const StateDict<T>& state);

 protected:
  /// `name` labels errors; throws std::invalid_argument for a bad η or weight decay. Takes
  /// back any permission to keep factored gradients (Var::accept_factored_grad()) that the
  /// parameters had, e.g. from an earlier SGD: a subclass that folds them sets its own.
  Optimizer(std::string name, std::vector<Parameter<T>> parameters, double learning_rate,
            WeightDecay decay);

  /// Adds a buffer per parameter, zeros of its shape, saved as "<parameter>.<buffer>";
  /// returns the index to pass to buffer().
  std::size_t add_buffer(const std::string& name);
  /// Buffer `which` of parameter `index`.
  Matrix<T>& buffer(std::size_t which, std::size_t index) { return buffers_[which][index]; }
  /// Adds a matrix of the subclass's own (a history, a damping factor) to state(), saved
  /// under `name` with the shape it has now; `target` must outlive the optimizer's use.
  void add_state(const std::string& name, Matrix<T>* target);
  /// Counts `n` evaluations (see evaluations()).
  void count_evaluations(std::size_t n) noexcept { evaluations_ += n; }
  /// Counts a step taken by step(objective) in a subclass (steps()).
  void count_step() noexcept { ++steps_; }
  /// Throws GraphError: this optimizer needs step(objective) (its step() override calls it).
  [[noreturn]] void require_objective() const;

  /// The update rule: changes `value`, parameter `index`'s value, given its gradient
  /// `grad`, after scaling it by the weight decay factor `keep` (1 − ηλ/n for weights under
  /// decay, else 1) — in the same pass, so that a step reads and writes each parameter once
  /// (steps() already counts this step).
  /// Rules that do not work parameter by parameter (L-BFGS, …) override step() instead;
  /// this default then throws.
  virtual void update(std::size_t index, Matrix<T>& value, const Matrix<T>& grad, T keep);
  /// The same update from a gradient kept as the factors of leftᵀ·right
  /// (Var::accept_factored_grad()), without multiplying them out; returns false when the
  /// rule has no such form (the default), and step() then calls update() with grad().
  virtual bool update_from_factors(std::size_t index, Matrix<T>& value, const Matrix<T>& left,
                                   const Matrix<T>& right, T keep);

 private:
  std::string name_;
  std::vector<Parameter<T>> parameters_;
  double learning_rate_;
  WeightDecay decay_;
  std::size_t steps_ = 0;
  std::size_t evaluations_ = 0;
  std::vector<std::pair<std::string, Matrix<T>*>> extra_state_;
  std::vector<std::string> buffer_names_;
  std::vector<std::vector<Matrix<T>>> buffers_;  // [buffer][parameter]
};

/// Checks that `value` (a hyper-parameter called `what` of `owner`) lies in [lo, hi] (or
/// [lo, hi) when `hi_open`) and is finite; throws std::invalid_argument like
/// "Momentum: mu = 1.5 must be in [0, 1]" otherwise. Returns `value`.
double checked_hyperparameter(const std::string& owner, const char* what, double value, double lo,
                              double hi, bool hi_open = false);

}  // namespace xgrad
