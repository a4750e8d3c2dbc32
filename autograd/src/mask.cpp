#include "xgrad/autograd/mask.hpp"

#include <memory>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
Var<T> apply_mask(const Var<T>& a, const Matrix<T>& mask) {
  if (shape_of(mask) != a.shape()) {
    throw ShapeError(fmt::format("apply_mask: mask has shape {} but the input has shape {}",
                                 shape_string(shape_of(mask)), shape_string(a.shape())));
  }
  // The mask is copied, once, for both backward functions: the caller may reuse its buffer
  // for the next batch.
  auto saved = std::make_shared<const Matrix<T>>(mask);
  return detail::make_result<T>(
      a.value() * mask, "apply_mask", {&a},
      [saved](Node<T>& self) { accumulate_grad(*self.parents[0], self.grad * *saved); },
      [saved](const BackwardContext<T>& c) -> Grads<T> {
        return {apply_mask(c.grad_output, *saved)};
      });
}

#define XGRAD_INSTANTIATE(T) template Var<T> apply_mask<T>(const Var<T>&, const Matrix<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
