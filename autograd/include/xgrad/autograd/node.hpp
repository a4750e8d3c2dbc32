#pragma once
/// @file
/// A node of the expression graph. Users hold nodes through Var handles.

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "tensor.hpp"

namespace xgrad {

template <class T> class Var;
template <class T> struct BackwardContext;

/// A differentiable backward function: from the context (the gradient of the op's result,
/// the result and the inputs, all as Vars) it returns ∂root/∂input for each input, in
/// order, built with xgrad ops, so that it can be recorded and differentiated again. An
/// empty Var stands for an input that needs no gradient. See make_op() (custom_op.hpp).
template <class T>
using GradFunction = std::function<std::vector<Var<T>>(const BackwardContext<T>&)>;

/// One value in the graph with what backward() needs to push its gradient further.
///
/// Ownership runs one way only, from a result to its inputs (`parents`): a node never owns
/// itself or anything downstream, so the graph has no cycles and is freed when the last
/// Var referring to its result goes away. The backward functions receive the node as an
/// argument instead of capturing it, for the same reason. (The one exception is a
/// gradient kept as a graph after backward() with create_graph: see `grad_graph`.)
///
/// An op records up to two backward functions, side by side in its source: `backward`
/// works on matrices and is what training runs; `grad_fn` is built from xgrad ops and is
/// what a create_graph pass records, for second derivatives. An op with only `grad_fn`
/// (every op made with make_op()) runs it without recording when no graph is asked for.
template <class T>
struct Node {
  /// The op's result (or the leaf's data).
  Matrix<T> value;
  /// ∂(root)/∂(value), meaningful only while `has_grad`. For a leaf it accumulates across
  /// backward passes until zero_grad(), and the buffer is kept across zero_grad() so that
  /// parameters reuse it every step. For a non-leaf it is the current pass's scratch.
  Matrix<T> grad;
  /// Whether `grad` holds a gradient.
  bool has_grad = false;
  /// Set while a leaf's gradient is held as the product grad_leftᵀ·grad_right of two
  /// factors instead of in `grad` (see Var::accept_factored_grad()): `has_grad` is true and
  /// `grad` is not written yet. Whatever reads or adds to `grad` calls materialize_grad()
  /// first; an optimizer that can use the factors directly (SGD) reads them instead.
  bool grad_factored = false;
  /// The left factor, m × (value's rows): the m input rows of the product.
  Matrix<T> grad_left;
  /// The right factor, m × (value's columns): the gradient of the product's m rows.
  Matrix<T> grad_right;
  /// The most rows (m) of factors a backward pass may leave this leaf's gradient as; 0, the
  /// default, for never.
  std::size_t factored_grad_max_rows = 0;
  /// A non-leaf's gradient accumulated across passes after retain_grad() (as PyTorch's).
  Matrix<T> retained_grad;
  /// Whether `retained_grad` holds a gradient.
  bool has_retained_grad = false;
  /// The kept gradient (of a leaf, or of a non-leaf after retain_grad()) as a graph, after
  /// backward() with create_graph, so that it can be differentiated again. It may refer to
  /// this very node (∂(x²)/∂x = 2x), a cycle that zero_grad() breaks.
  std::shared_ptr<Node> grad_graph;
  /// During a create_graph pass: this pass's gradient as a graph (then dropped).
  std::shared_ptr<Node> pass_grad_graph;
  /// Whether backward() computes ∂(root)/∂(value) for this node.
  bool requires_grad = false;
  /// Keep the gradient of this non-leaf node after backward() (leaves always keep theirs).
  bool retains_grad = false;
  /// Set once backward() has freed this node's tape; a second pass through it throws.
  bool released = false;
  /// Name of the op that produced the value ("leaf" for inputs and parameters).
  const char* op = "leaf";
  /// The op's inputs (owned: a result keeps its inputs alive, never the reverse).
  std::vector<std::shared_ptr<Node>> parents;
  /// Adds this node's gradient, chained through the op, into the parents' gradients
  /// (matrices; not recorded). May be empty when `grad_fn` is set.
  std::function<void(Node&)> backward;
  /// The op's differentiable backward (see GradFunction); empty for an op that cannot be
  /// differentiated twice.
  GradFunction<T> grad_fn;
  /// Scratch mark used by the topological sort.
  unsigned long long visit_mark = 0;

  /// A node made from data rather than recorded by an op.
  bool is_leaf() const noexcept { return !backward && !grad_fn && !released; }

  Node() = default;                        ///< an empty leaf
  Node(const Node&) = delete;              ///< nodes are shared, never copied
  Node& operator=(const Node&) = delete;   ///< nodes are shared, never copied
  /// Frees long parent chains iteratively so that deep graphs cannot overflow the stack.
  ~Node();
};

namespace detail {
/// n.grad = n.grad_leftᵀ·n.grad_right, and n.grad_factored cleared (materialize_grad()); the
/// factors' buffers stay for the next pass.
template <class T>
void multiply_grad_factors(Node<T>& n);
}  // namespace detail

/// Writes a gradient held as factors into n.grad (one GEMM); no effect on a gradient held
/// as a matrix, or on none.
template <class T>
void materialize_grad(Node<T>& n) {
  if (n.grad_factored) detail::multiply_grad_factors(n);
}

/// Adds `g` (same shape as the node's value) into n.grad, allocating the buffer on first use.
template <class T, class E>
void accumulate_grad(Node<T>& n, const E& g) {
  materialize_grad(n);
  if (n.has_grad) {
    n.grad += g;
  } else {
    n.grad = g;  // xtensor resizes only when the shape differs: zero_grad()'s buffer is reused
    n.has_grad = true;
  }
}

/// accumulate_grad() of a matrix the caller is done with: the first gradient of a pass is
/// moved in rather than copied.
template <class T>
void accumulate_grad(Node<T>& n, Matrix<T>&& g) {
  materialize_grad(n);
  if (n.has_grad) {
    n.grad += g;
  } else {
    n.grad = std::move(g);
    n.has_grad = true;
  }
}

/// Adds `g`, whose shape is the broadcast result shape, into n.grad after summing over the
/// dimensions along which n's value was broadcast (rows when it has 1 row, columns when it
/// has 1 column).
template <class T>
void accumulate_broadcast_grad(Node<T>& n, const Matrix<T>& g);

/// accumulate_grad() when the expression `g` already has n's shape (no temporary),
/// accumulate_broadcast_grad() of its evaluation otherwise.
template <class T, class E>
void accumulate_reduced(Node<T>& n, const E& g) {
  if (g.shape()[0] == n.value.shape()[0] && g.shape()[1] == n.value.shape()[1]) {
    accumulate_grad(n, g);
  } else {
    accumulate_broadcast_grad(n, Matrix<T>(g));
  }
}

}  // namespace xgrad
