#include "xgrad/autograd/var.hpp"

#include <atomic>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/grad_mode.hpp"

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
  for (std::size_t i = 0; i < grows; ++i) {
    for (std::size_t j = 0; j < gcols; ++j) {
      into(rows == 1 ? 0 : i, cols == 1 ? 0 : j) += g(i, j);
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
const Matrix<T>& Var<T>::grad() const {
  const Node<T>& n = checked();
  if (!n.has_grad) {
    throw GraphError(fmt::format(
        "grad(): this Var ({} {}) has no gradient: {}", n.op, shape_string(shape_of(n.value)),
        !n.requires_grad ? "it does not require grad"
        : n.is_leaf()    ? "backward() has not reached it since the last zero_grad()"
                         : "non-leaf gradients are kept only after retain_grad()"));
  }
  return n.grad;
}

template <class T>
Matrix<T>& Var<T>::mutable_grad() const {
  (void)grad();  // same checks
  return node_->grad;
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
  checked().has_grad = false;
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

template <class T>
void Var<T>::backward(const Matrix<T>& seed, BackwardOptions options) const {
  Node<T>& root = checked();
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
  if (seed.shape() != root.value.shape()) {
    throw ShapeError(fmt::format("backward(): seed has shape {} but the Var has shape {}",
                                 shape_string(shape_of(seed)),
                                 shape_string(shape_of(root.value))));
  }
  const std::vector<std::shared_ptr<Node<T>>> order = topological_order(node_);
  // Gradients of intermediate results are per pass; only leaves accumulate across passes.
  for (const auto& n : order) {
    if (n->backward) n->has_grad = false;
  }
  accumulate_grad(root, seed);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node<T>& n = **it;
    if (!n.backward) continue;  // a leaf
    if (n.has_grad) n.backward(n);
    if (!options.retain_graph) {
      // Free the tape: drop the closure and the links to inputs, and the gradient of an
      // intermediate result nobody asked to keep.
      n.backward = nullptr;
      n.parents.clear();
      n.released = true;
      if (!n.retains_grad && &n != &root) {
        n.has_grad = false;
        n.grad = Matrix<T>();
      }
    }
  }
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
  backward(Matrix<T>({{T(1)}}), options);
}

namespace detail {

template <class T>
Var<T> make_result(Matrix<T>&& value, const char* op, std::initializer_list<const Var<T>*> inputs,
                   std::function<void(Node<T>&)> fn) {
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
                                         std::function<void(Node<T>&)>);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
