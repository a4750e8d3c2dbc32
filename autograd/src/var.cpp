#include "xgrad/autograd/var.hpp"

#include <atomic>
#include <optional>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/reduction.hpp"

namespace xgrad {

template <class T>
Node<T>::~Node() {
  // Destroying a parent whose last owner is this node would recurse once per link of a
  // chain; instead move such parents to a local stack and let them go one at a time.
  std::vector<std::shared_ptr<Node>> pending = std::move(parents);
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    if (n && n.use_count() == 1) {
      for (auto& p : n->parents) pending.push_back(std::move(p));
      n->parents.clear();
    }
  }
}

template <class T>
void accumulate_broadcast_grad(Node<T>& n, const Matrix<T>& g) {
  materialize_grad(n);
  const std::size_t rows = n.value.shape()[0], cols = n.value.shape()[1];
  const std::size_t grows = g.shape()[0], gcols = g.shape()[1];
  if (rows == grows && cols == gcols) {
    accumulate_grad(n, g);
    return;
  }
  // The first gradient of a pass is summed straight into the node's buffer (a parameter's
  // is kept across steps); a later one is reduced first, then added, as accumulate_grad().
  Matrix<T> reduced;
  Matrix<T>& into = n.has_grad ? reduced : n.grad;
  if (into.shape()[0] != rows || into.shape()[1] != cols) into.resize({rows, cols});
  into.fill(T(0));
  if (rows == 1 && cols == gcols) {  // a bias row: column sums, row after row, as below
    T* out = into.data();
    const T* in = g.data();
    for (std::size_t i = 0; i < grows; ++i) {
      for (std::size_t j = 0; j < gcols; ++j) out[j] += in[i * gcols + j];
    }
  } else {
    for (std::size_t i = 0; i < grows; ++i) {
      for (std::size_t j = 0; j < gcols; ++j) {
        into(rows == 1 ? 0 : i, cols == 1 ? 0 : j) += g(i, j);
      }
    }
  }
  if (n.has_grad) {
    n.grad += reduced;
  } else {
    n.has_grad = true;
  }
}

template <class T>
Var<T>::Var(Matrix<T> value, bool requires_grad) : node_(std::make_shared<Node<T>>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

template <class T>
Var<T> Var<T>::scalar(T v, bool requires_grad) {
  return Var(Matrix<T>({{v}}), requires_grad);
}

template <class T>
Node<T>& Var<T>::checked() const {
  if (!node_) throw GraphError("use of an empty Var (default-constructed or moved from)");
  return *node_;
}

template <class T>
bool Var<T>::has_grad() const {
  const Node<T>& n = checked();
  return n.is_leaf() ? n.has_grad : n.has_retained_grad;
}

template <class T>
const Matrix<T>& Var<T>::grad() const {
  Node<T>& n = checked();
  if (!has_grad()) {
    throw GraphError(fmt::format(
        "grad(): this Var ({} {}) has no gradient: {}", n.op, shape_string(shape_of(n.value)),
        !n.requires_grad ? "it does not require grad"
        : n.is_leaf()    ? "backward() has not reached it since the last zero_grad()"
        : n.retains_grad ? "backward() has not reached it since retain_grad() or zero_grad()"
                         : "non-leaf gradients are kept only after retain_grad()"));
  }
  materialize_grad(n);
  return n.is_leaf() ? n.grad : n.retained_grad;
}

template <class T>
Matrix<T>& Var<T>::mutable_grad() const {
  return const_cast<Matrix<T>&>(grad());  // same checks; the node is ours to change
}

template <class T>
void Var<T>::set_grad(Matrix<T> g) const {
  Node<T>& n = checked();
  if (g.shape() != n.value.shape()) {
    throw ShapeError(fmt::format("set_grad(): gradient of shape {} for a Var of shape {}",
                                 shape_string(shape_of(g)), shape_string(shape_of(n.value))));
  }
  n.grad_graph.reset();
  if (n.is_leaf()) {
    n.grad = std::move(g);
    n.has_grad = true;
    n.grad_factored = false;
  } else {
    n.retained_grad = std::move(g);
    n.has_retained_grad = true;
  }
}

template <class T>
const Var<T>& Var<T>::accept_factored_grad(std::size_t max_rows) const {
  Node<T>& n = checked();
  if (max_rows == 0) materialize_grad(n);
  n.factored_grad_max_rows = max_rows;
  return *this;
}

template <class T>
std::pair<const Matrix<T>*, const Matrix<T>*> Var<T>::grad_factors() const {
  const Node<T>& n = checked();
  if (!n.grad_factored) return {nullptr, nullptr};
  return {&n.grad_left, &n.grad_right};
}

template <class T>
Var<T> Var<T>::grad_var() const {
  const Matrix<T>& g = grad();
  if (node_->grad_graph) return Var(node_->grad_graph);
  return Var(Matrix<T>(g));
}

template <class T>
T Var<T>::item() const {
  const Node<T>& n = checked();
  if (n.value.size() != 1) {
    throw ShapeError(fmt::format("item(): expected a 1×1 Var, got {}",
                                 shape_string(shape_of(n.value))));
  }
  return n.value(0, 0);
}

template <class T>
const Var<T>& Var<T>::set_requires_grad(bool on) const {
  Node<T>& n = checked();
  if (!n.is_leaf()) {
    throw GraphError(fmt::format("set_requires_grad(): only leaves can change it; this Var is "
                                 "the result of '{}'",
                                 n.op));
  }
  n.requires_grad = on;
  return *this;
}

template <class T>
void Var<T>::zero_grad() const {
  Node<T>& n = checked();
  n.has_grad = false;
  n.grad_factored = false;
  n.has_retained_grad = false;
  n.retained_grad = Matrix<T>();
  n.grad_graph.reset();
}

template <class T>
Var<T> Var<T>::detach() const {
  return Var(Matrix<T>(checked().value), false);
}

namespace {

std::atomic<unsigned long long> next_visit_mark{1};

// Post-order DFS over the nodes that take part in backward, iteratively so that deep graphs
// cannot overflow the stack. The result lists every node after all of its parents, and owns
// them: backward() frees the tape as it goes, which would otherwise destroy nodes still due.
template <class T>
std::vector<std::shared_ptr<Node<T>>> topological_order(const std::shared_ptr<Node<T>>& root) {
  const unsigned long long mark = next_visit_mark.fetch_add(1);
  std::vector<std::shared_ptr<Node<T>>> order;
  std::vector<std::pair<std::shared_ptr<Node<T>>, std::size_t>> stack;  // node, next parent
  order.reserve(16);  // one allocation each for small graphs (a training step's) instead of
  stack.reserve(16);  // one per doubling
  root->visit_mark = mark;
  stack.emplace_back(root, 0);
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->parents.size()) {
      const std::shared_ptr<Node<T>>& p = node->parents[next++];
      if (p->requires_grad && p->visit_mark != mark) {
        if (p->released) {
          throw GraphError(fmt::format(
              "backward(): the graph through '{}' was already freed by an earlier backward(); "
              "pass BackwardOptions{{.retain_graph = true}} to the first call to go through "
              "it twice",
              p->op));
        }
        p->visit_mark = mark;
        stack.emplace_back(p, 0);
      }
    } else {
      order.push_back(std::move(node));
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace

namespace detail {

// Sums a gradient of a broadcast result back to the shape of the operand it came from, with
// recorded ops (a create_graph pass), or throws naming the op when it cannot.
template <class T>
Var<T> reduce_to_shape(const Var<T>& g, const Shape& shape, const char* op) {
  const Shape gs = g.shape();
  if (gs == shape) return g;
  const bool rows_ok = shape[0] == gs[0] || shape[0] == 1;
  const bool cols_ok = shape[1] == gs[1] || shape[1] == 1;
  if (!rows_ok || !cols_ok) {
    throw ShapeError(fmt::format("backward of '{}': a gradient of shape {} for an input of "
                                 "shape {}",
                                 op, shape_string(gs), shape_string(shape)));
  }
  Var<T> r = g;
  if (shape[0] == 1 && gs[0] != 1) r = sum(r, 0);
  if (shape[1] == 1 && gs[1] != 1) r = sum(r, 1);
  return r;
}

template <class T>
BackwardContext<T> context_of(const std::shared_ptr<Node<T>>& self, Var<T> grad_output) {
  BackwardContext<T> c{std::move(grad_output), Var<T>(self), {}};
  c.inputs.reserve(self->parents.size());
  for (const auto& p : self->parents) c.inputs.emplace_back(p);
  return c;
}

// Calls the op's differentiable backward and checks what it returns.
template <class T>
std::vector<Var<T>> call_grad_fn(const std::shared_ptr<Node<T>>& self, Var<T> grad_output) {
  Node<T>& n = *self;
  std::vector<Var<T>> grads = n.grad_fn(context_of(self, std::move(grad_output)));
  if (grads.size() != n.parents.size()) {
    throw GraphError(fmt::format("backward of '{}' returned {} gradients for {} inputs", n.op,
                                 grads.size(), n.parents.size()));
  }
  return grads;
}

// One node's step of a pass that records nothing: the matrix backward, or else the
// differentiable one run without recording.
template <class T>
void backward_values(const std::shared_ptr<Node<T>>& self) {
  Node<T>& n = *self;
  if (n.backward) {
    n.backward(n);
    return;
  }
  NoGrad no_grad;
  const std::vector<Var<T>> grads = call_grad_fn(self, Var<T>(std::move(n.grad)));
  for (std::size_t i = 0; i < grads.size(); ++i) {
    Node<T>& p = *n.parents[i];
    if (!p.requires_grad || !grads[i].defined()) continue;
    reduce_to_shape(grads[i], shape_of(p.value), n.op);  // checks the shape
    accumulate_broadcast_grad(p, grads[i].value());
  }
}

// One node's step of a create_graph pass: the differentiable backward, recorded.
template <class T>
void backward_graph(const std::shared_ptr<Node<T>>& self) {
  Node<T>& n = *self;
  if (!n.grad_fn) {
    throw GraphError(fmt::format("backward() with create_graph: the op '{}' has no "
                                 "differentiable backward, so its gradient cannot be "
                                 "differentiated again",
                                 n.op));
  }
  const std::vector<Var<T>> grads = call_grad_fn(self, Var<T>(n.pass_grad_graph));
  for (std::size_t i = 0; i < grads.size(); ++i) {
    Node<T>& p = *n.parents[i];
    if (!p.requires_grad || !grads[i].defined()) continue;
    const Var<T> g = reduce_to_shape(grads[i], shape_of(p.value), n.op);
    p.pass_grad_graph = p.pass_grad_graph ? add(Var<T>(p.pass_grad_graph), g).node() : g.node();
  }
}

template <class T>
void run_backward(const Var<T>& root_var, const Var<T>& seed, const BackwardPass<T>& pass) {
  const std::shared_ptr<Node<T>>& root_ptr = root_var.node();
  Node<T>& root = *root_ptr;
  if (!root.requires_grad) {
    throw GraphError(fmt::format(
        "backward(): this Var ('{}', {}) does not require grad: no input of its graph is a "
        "parameter (set requires_grad on a leaf), or it was computed under NoGrad",
        root.op, shape_string(shape_of(root.value))));
  }
  if (root.released) {
    throw GraphError(fmt::format(
        "backward(): the graph of this Var ('{}') was already freed by an earlier backward(); "
        "pass BackwardOptions{{.retain_graph = true}} to the first call to run it twice",
        root.op));
  }
  if (seed.shape() != shape_of(root.value)) {
    throw ShapeError(fmt::format("backward(): seed has shape {} but the Var has shape {}",
                                 shape_string(seed.shape()), shape_string(shape_of(root.value))));
  }
  const bool graph = pass.create_graph;
  const bool retain = pass.retain_graph || graph;
  std::optional<EnableGrad> recording;  // a create_graph pass records even under NoGrad
  if (graph) recording.emplace();
  const std::vector<std::shared_ptr<Node<T>>> order = topological_order(root_ptr);

  // What this pass computes starts from nothing: a non-leaf's gradient is per pass, and
  // when gradients are captured (grad()) the leaves' own are set aside and restored after.
  struct Kept {
    Matrix<T> grad;
    bool has_grad;
  };
  std::vector<Kept> set_aside;
  for (const auto& n : order) {
    if (!n->is_leaf()) {
      n->has_grad = false;
    } else if (pass.capture) {
      materialize_grad(*n);  // this pass's own gradient may come as factors
      set_aside.push_back({std::move(n->grad), n->has_grad});
      n->grad = Matrix<T>();
      n->has_grad = false;
    } else if (!graph) {
      n->grad_graph.reset();  // a pass without a graph makes a kept graph stale
    }
    n->pass_grad_graph.reset();
  }
  const auto captured = [&](const Node<T>* n) -> Var<T>* {
    if (!pass.capture) return nullptr;
    for (std::size_t i = 0; i < pass.capture->inputs.size(); ++i) {
      if (pass.capture->inputs[i].node().get() == n) return &pass.capture->results[i];
    }
    return nullptr;
  };
  const auto take = [&](Node<T>& n, Var<T>* into) {
    if (graph ? !n.pass_grad_graph : !n.has_grad) return;
    materialize_grad(n);
    *into = graph ? Var<T>(n.pass_grad_graph) : Var<T>(Matrix<T>(n.grad));
  };

  if (graph) {
    root.pass_grad_graph = seed.node();
  } else {
    accumulate_grad(root, seed.value());
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::shared_ptr<Node<T>>& self = *it;
    Node<T>& n = *self;
    if (n.is_leaf()) continue;
    const bool reached = graph ? static_cast<bool>(n.pass_grad_graph) : n.has_grad;
    if (reached) {
      if (Var<T>* into = captured(&n)) take(n, into);
      if (n.retains_grad && !pass.capture) {
        const Matrix<T>& g = graph ? n.pass_grad_graph->value : n.grad;
        if (n.has_retained_grad) {
          n.retained_grad += g;
        } else {
          n.retained_grad = g;
          n.has_retained_grad = true;
        }
        if (graph) {
          n.grad_graph = n.grad_graph ? add(Var<T>(n.grad_graph), Var<T>(n.pass_grad_graph)).node()
                                      : n.pass_grad_graph;
        }
      }
      if (graph) {
        backward_graph(self);
      } else {
        backward_values(self);
      }
    }
    // The gradient of an intermediate result is this pass's scratch.
    n.has_grad = false;
    n.grad = Matrix<T>();
    n.pass_grad_graph.reset();
    if (!retain) {  // free the tape: the closures and the links to inputs
      n.backward = nullptr;
      n.grad_fn = nullptr;
      n.parents.clear();
      n.released = true;
    }
  }

  // The leaves: their gradients are complete now.
  std::size_t aside = 0;
  for (const auto& self : order) {
    Node<T>& n = *self;
    if (!n.is_leaf()) continue;
    if (pass.capture) {
      if (Var<T>* into = captured(&n)) take(n, into);
      n.grad = std::move(set_aside[aside].grad);
      n.grad_factored = false;
      n.has_grad = set_aside[aside].has_grad;
      ++aside;
    } else if (graph && n.pass_grad_graph) {
      materialize_grad(n);
      const Var<T> g(n.pass_grad_graph);
      if (n.grad_graph) {
        n.grad_graph = add(Var<T>(n.grad_graph), g).node();
      } else if (n.has_grad) {
        n.grad_graph = add(Var<T>(Matrix<T>(n.grad)), g).node();
      } else {
        n.grad_graph = g.node();
      }
      accumulate_grad(n, g.value());
    }
    n.pass_grad_graph.reset();
  }
}

}  // namespace detail

namespace {

template <class T>
detail::BackwardPass<T> pass_of(BackwardOptions options) {
  detail::BackwardPass<T> pass;
  pass.retain_graph = options.retain_graph;
  pass.create_graph = options.create_graph;
  return pass;
}

}  // namespace

template <class T>
void Var<T>::backward(const Matrix<T>& seed, BackwardOptions options) const {
  checked();
  detail::run_backward(*this, Var<T>(Matrix<T>(seed)), pass_of<T>(options));
}

template <class T>
void Var<T>::backward(BackwardOptions options) const {
  const Node<T>& root = checked();
  if (root.value.size() != 1) {
    throw GraphError(fmt::format(
        "backward(): called on a Var of shape {} ('{}'); without a seed it must be 1×1 (a "
        "scalar loss). Reduce it (e.g. sum/mean) or pass a seed of the same shape",
        shape_string(shape_of(root.value)), root.op));
  }
  detail::run_backward(*this, Var<T>(Matrix<T>({{T(1)}})), pass_of<T>(options));  // one seed, not a copy
}

namespace detail {

template <class T>
Var<T> make_result(Matrix<T>&& value, const char* op, std::initializer_list<const Var<T>*> inputs,
                   std::function<void(Node<T>&)> fn, GradFunction<T> grad_fn) {
  auto node = std::make_shared<Node<T>>();
  node->value = std::move(value);
  node->op = op;
  if (grad_enabled()) {
    for (const Var<T>* in : inputs) {
      if (in->requires_grad()) {
        node->requires_grad = true;
        break;
      }
    }
  }
  if (node->requires_grad) {
    node->parents.reserve(inputs.size());
    for (const Var<T>* in : inputs) node->parents.push_back(in->node());
    node->backward = std::move(fn);
    node->grad_fn = std::move(grad_fn);
  }
  return Var<T>(std::move(node));
}

}  // namespace detail

#define XGRAD_INSTANTIATE(T)                                                               \
  template struct Node<T>;                                                                 \
  template class Var<T>;                                                                   \
  template void accumulate_broadcast_grad<T>(Node<T>&, const Matrix<T>&);                  \
  template Var<T> detail::make_result<T>(Matrix<T>&&, const char*,                         \
                                         std::initializer_list<const Var<T>*>,             \
                                         std::function<void(Node<T>&)>, GradFunction<T>); \
  template void detail::run_backward<T>(const Var<T>&, const Var<T>&,                    \
                                        const detail::BackwardPass<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
