#pragma once
/// @file
/// Var: the user's handle to a value in the expression graph.

#include <memory>

#include "errors.hpp"
#include "node.hpp"
#include "tensor.hpp"

namespace xgrad {

/// Options of backward().
struct BackwardOptions {
  /// Keep the graph (parents and backward functions) so that backward() can run through
  /// it again. By default the tape is freed as soon as it has been used.
  bool retain_graph = false;
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
  bool has_grad() const { return checked().has_grad; }
  /// The accumulated gradient, same shape as value(). Throws GraphError if there is none.
  const Matrix<T>& grad() const;
  /// Writable gradient buffer (for optimizers, gradient clipping, allreduce).
  Matrix<T>& mutable_grad() const;

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
  /// Keep this non-leaf's gradient after backward() (like PyTorch's retain_grad()).
  void retain_grad() const { checked().retains_grad = true; }

  /// Backpropagates from this 1×1 Var with seed 1: every Var it depends on that requires
  /// grad receives += ∂this/∂var. Throws GraphError if this is not 1×1, needs no gradient,
  /// or was reached through a graph already freed.
  void backward(BackwardOptions options = {}) const;
  /// Backpropagates a vector-Jacobian product: `seed` (same shape as value()) is
  /// ∂L/∂this for some scalar L.
  void backward(const Matrix<T>& seed, BackwardOptions options = {}) const;

  /// Forgets the gradient (keeps its buffer for reuse).
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

namespace detail {
/// Builds the result of an op. When gradients are recorded and an input requires them, the
/// result keeps `inputs` as parents and `fn` as its backward function; otherwise it is a
/// plain constant and `fn` is dropped.
template <class T>
Var<T> make_result(Matrix<T>&& value, const char* op, std::initializer_list<const Var<T>*> inputs,
                   std::function<void(Node<T>&)> fn);
}  // namespace detail

}  // namespace xgrad
