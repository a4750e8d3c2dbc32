#include "xgrad/autograd/softmax.hpp"

#include <xtensor/xmath.hpp>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/reduction.hpp"
#include "kernels.hpp"

namespace xgrad {

template <class T>
Var<T> softmax(const Var<T>& z) {
  return detail::make_result<T>(detail::row_softmax(z.value()), "softmax", {&z}, [](Node<T>& self) {
    // ∂/∂z_ik = a_ik (G_ik − Σ_j G_ij a_ij)
    const Matrix<T>& out = self.value;
    const std::size_t m = out.shape()[0], n = out.shape()[1];
    Matrix<T> dz = xt::empty<T>({m, n});
    for (std::size_t i = 0; i < m; ++i) {
      T dot = 0;
      for (std::size_t j = 0; j < n; ++j) dot += self.grad(i, j) * out(i, j);
      for (std::size_t j = 0; j < n; ++j) dz(i, j) = out(i, j) * (self.grad(i, j) - dot);
    }
    accumulate_grad(*self.parents[0], std::move(dz));
  }, [](const BackwardContext<T>& c) -> Grads<T> {
    const Var<T>& g = c.grad_output;
    return {c.output * (g - sum(g * c.output, 1))};
  });
}

template <class T>
Var<T> log_softmax(const Var<T>& z) {
  return detail::make_result<T>(
      detail::row_log_softmax(z.value()), "log_softmax", {&z}, [](Node<T>& self) {
        // ∂/∂z_ik = G_ik − softmax_ik Σ_j G_ij, with softmax = e^(saved output).
        const Matrix<T>& out = self.value;
        const std::size_t m = out.shape()[0], n = out.shape()[1];
        Matrix<T> dz = xt::empty<T>({m, n});
        for (std::size_t i = 0; i < m; ++i) {
          T total = 0;
          for (std::size_t j = 0; j < n; ++j) total += self.grad(i, j);
          for (std::size_t j = 0; j < n; ++j) {
            dz(i, j) = self.grad(i, j) - std::exp(out(i, j)) * total;
          }
        }
        accumulate_grad(*self.parents[0], std::move(dz));
      }, [](const BackwardContext<T>& c) -> Grads<T> {
        const Var<T>& g = c.grad_output;
        return {g - exp(c.output) * sum(g, 1)};
      });
}

#define XGRAD_INSTANTIATE(T)                 \
  template Var<T> softmax<T>(const Var<T>&); \
  template Var<T> log_softmax<T>(const Var<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
