#pragma once
/// @file
/// Var: the user's handle to a value in the expression graph.

#include <cstddef>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "node.hpp"
#include "tensor.hpp"

namespace xgrad {

/// Options of backward().
struct BackwardOptions {
  /// Keep the graph (parents and backward functions) so that backward() can run through
  /// it again. By default the tape is freed as soon as it has been used.
  bool retain_graph = false;
  /// Record the backward pass itself as graph ops, so that the gradients can be
  /// differentiated again (second derivatives, Hessian-vector products). The leaves'
  /// gradients are then also kept as graphs (grad_var()). Implies retain_graph. Prefer
  /// the functional grad() (differentiate.hpp): a kept gradient graph refers back to its
  /// leaf (a reference cycle, as in PyTorch) until zero_grad() or set_grad() breaks it.
  bool create_graph = false;
};

/// A cheap, shared handle to a graph node (copying a Var copies the handle, not the value).
///
/// A Var made from a matrix is a leaf; with requires_grad it is a parameter whose gradient
/// backward() accumulates. Ops on Vars compute their value at once (define-by-run) and,
/// when gradients are recorded (see NoGrad) and an input requires them, remember how to
/// push the gradient back to their inputs.
///
/// T is float or double.
template <class T>
class Var {
 public:
  using value_type = T;          ///< element type (float or double)
  using matrix_type = Matrix<T>;  ///< type of value() and grad()

  /// An empty handle; most member functions require defined().
  Var() = default;
  /// A leaf holding `value`.
  explicit Var(Matrix<T> value, bool requires_grad = false);
  /// A leaf holding the 1×1 matrix [v].
  static Var scalar(T v, bool requires_grad = false);
  /// Wraps an existing node (used by ops).
  explicit Var(std::shared_ptr<Node<T>> node) : node_(std::move(node)) {}

  /// False for an empty handle.
  bool defined() const noexcept { return static_cast<bool>(node_); }

  /// The value computed by the op (or given to a leaf).
  const Matrix<T>& value() const { return checked().value; }
  /// Writable value, for optimizers and initialisers (change it outside recorded ops).
  Matrix<T>& mutable_value() const { return checked().value; }

  /// True once backward() has delivered a gradient (false again after zero_grad()).
  bool has_grad() const;
  /// The gradient accumulated since the last zero_grad(), same shape as value(): a leaf's
  /// always, a non-leaf's only after retain_grad() (PyTorch's rules: both accumulate over
  /// backward passes; the root of backward() keeps nothing unless retained). Throws
  /// GraphError, saying why, if there is none.
  const Matrix<T>& grad() const;
  /// Writable gradient (for optimizers, gradient clipping, allreduce). Same checks as grad().
  Matrix<T>& mutable_grad() const;
  /// Sets the gradient to `g` (same shape as value(), else ShapeError), whether or not a
  /// backward pass has reached this Var: for gradient clipping, custom updates, gradients
  /// averaged across processes, tests. On a non-leaf it sets the retained gradient.
  void set_grad(Matrix<T> g) const;
  /// Lets backward passes keep this leaf's gradient as the two factors of a product,
  /// grad = leftᵀ·right, instead of multiplying them out: a weight's gradient xᵀ·G from
  /// matmul() or linear() (x the m input rows, G the m rows of the output's gradient), when
  /// m ≤ max_rows and it is the first gradient the leaf gets after zero_grad(). An optimizer
  /// that can apply the product directly reads grad_factors() (SGD folds it into its update,
  /// which then passes over the weights once instead of three times). Nothing else changes:
  /// grad(), and any further gradient, multiply the factors out first. SGD turns this on for
  /// its parameters where it has the kernel; max_rows = 0 (the default) turns it off.
  const Var& accept_factored_grad(
      std::size_t max_rows = std::numeric_limits<std::size_t>::max()) const;
  /// The factors of a gradient kept as leftᵀ·right (see accept_factored_grad()), or two null
  /// pointers when the gradient is a matrix or there is none.
  std::pair<const Matrix<T>*, const Matrix<T>*> grad_factors() const;
  /// The gradient as a Var. After backward() with create_graph it is the recorded graph,
  /// which can be differentiated again; otherwise a constant holding grad(). Same checks
  /// as grad().
  Var grad_var() const;

  /// (rows, cols) of value().
  Shape shape() const { return shape_of(checked().value); }
  /// Number of rows (examples in a mini-batch).
  std::size_t rows() const { return checked().value.shape()[0]; }
  /// Number of columns.
  std::size_t cols() const { return checked().value.shape()[1]; }
  /// Number of elements.
  std::size_t size() const { return checked().value.size(); }
  /// The value of a 1×1 Var. Throws ShapeError otherwise.
  T item() const;

  /// Whether backward() computes a gradient for this Var.
  bool requires_grad() const { return checked().requires_grad; }
  /// Marks a leaf as a parameter (or not). Throws GraphError on a non-leaf.
  const Var& set_requires_grad(bool on) const;
  /// True for Vars made from a matrix (inputs, parameters) and results computed without
  /// recording.
  bool is_leaf() const { return checked().is_leaf(); }
  /// Name of the op that produced this value ("leaf" for leaves).
  const char* op() const { return checked().op; }
  /// Keep this non-leaf's gradient after backward(), accumulating over passes until
  /// zero_grad(), as PyTorch's retain_grad() does. No effect on a leaf (it always keeps it).
  void retain_grad() const { checked().retains_grad = true; }

  /// Backpropagates from this 1×1 Var with seed 1: every Var it depends on that requires
  /// grad receives += ∂this/∂var. Throws GraphError if this is not 1×1, needs no gradient,
  /// or was reached through a graph already freed.
  void backward(BackwardOptions options = {}) const;
  /// Backpropagates a vector-Jacobian product: `seed` (same shape as value()) is
  /// ∂L/∂this for some scalar L.
  void backward(const Matrix<T>& seed, BackwardOptions options = {}) const;

  /// Forgets the gradient (keeps a leaf's buffer for reuse) and any kept gradient graph.
  void zero_grad() const;
  /// A new leaf sharing no graph with this one, with a copy of the value.
  Var detach() const;

  /// The graph node behind this handle.
  const std::shared_ptr<Node<T>>& node() const noexcept { return node_; }

 private:
  Node<T>& checked() const;
  std::shared_ptr<Node<T>> node_;
};

using Varf = Var<float>;   ///< single-precision Var (fast training)
using Vard = Var<double>;  ///< double-precision Var (gradient checks)

/// Free-function form of Var::backward().
template <class T>
void backward(const Var<T>& root, BackwardOptions options = {}) {
  root.backward(options);
}

/// What a differentiable backward function (GradFunction, make_op()) receives.
template <class T>
struct BackwardContext {
  /// ∂root/∂(the op's result), the result's shape. A recorded graph in a create_graph pass.
  Var<T> grad_output;
  /// The op's result. Use it rather than capturing the result in the backward function,
  /// which would make the result own itself (a reference cycle).
  Var<T> output;
  /// The op's inputs, in the order given to the op.
  std::vector<Var<T>> inputs;
  /// Whether input i needs a gradient (the function may return an empty Var for it).
  bool needs_input_grad(std::size_t i) const { return inputs.at(i).requires_grad(); }
};

/// The gradients a differentiable backward function returns, one per input.
template <class T>
using Grads = std::vector<Var<T>>;

namespace detail {
/// Builds the result of a built-in op. When gradients are recorded and an input requires
/// them, the result keeps `inputs` as parents, `fn` as its backward function on matrices and
/// `grad_fn` as its differentiable one; otherwise it is a plain constant and both are
/// dropped.
template <class T>
Var<T> make_result(Matrix<T>&& value, const char* op, std::initializer_list<const Var<T>*> inputs,
                   std::function<void(Node<T>&)> fn, GradFunction<T> grad_fn = {});

/// Inputs whose gradients a pass returns instead of accumulating them (grad()); results[i]
/// stays empty for an input the pass did not reach.
template <class T>
struct Capture {
  std::vector<Var<T>> inputs;   ///< the Vars to differentiate with respect to
  std::vector<Var<T>> results;  ///< their gradients, same order
};

/// How one backward pass runs.
template <class T>
struct BackwardPass {
  bool retain_graph = false;      ///< keep the tape
  bool create_graph = false;      ///< record the pass (implies retain_graph)
  Capture<T>* capture = nullptr;  ///< return these gradients; leave every .grad as it was
};

/// The backward engine behind Var::backward() and grad(): from `root`, seeded with `seed`
/// (root's shape), in reverse topological order.
template <class T>
void run_backward(const Var<T>& root, const Var<T>& seed, const BackwardPass<T>& pass);
}  // namespace detail

}  // namespace xgrad
