#include "xgrad/autograd/custom_op.hpp"

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad {

template <class T>
Var<T> make_op(const char* name, Matrix<T> value, const std::vector<Var<T>>& inputs,
               GradFunction<T> backward) {
  if (name == nullptr || *name == '\0') throw GraphError("make_op(): the op needs a name");
  if (!backward) throw GraphError(fmt::format("make_op('{}'): no backward function", name));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) {
      throw GraphError(fmt::format("make_op('{}'): input {} is an empty Var", name, i));
    }
  }
  auto node = std::make_shared<Node<T>>();
  node->value = std::move(value);
  node->op = name;
  if (grad_enabled()) {
    for (const Var<T>& in : inputs) node->requires_grad = node->requires_grad || in.requires_grad();
  }
  if (node->requires_grad) {  // otherwise a constant: nothing to keep for backward
    node->parents.reserve(inputs.size());
    for (const Var<T>& in : inputs) node->parents.push_back(in.node());
    node->grad_fn = std::move(backward);
  }
  return Var<T>(std::move(node));
}

#define XGRAD_INSTANTIATE(T)                                                          \
  template Var<T> make_op<T>(const char*, Matrix<T>, const std::vector<Var<T>>&,     \
                             GradFunction<T>);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
