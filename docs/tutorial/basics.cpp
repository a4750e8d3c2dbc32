// The tutorial's first program (docs/TUTORIAL.md, "Values and Var", "Composing ops",
// "backward()"): the regions between the `// [name]` lines are what the tutorial shows.
// CTest runs it (Tutorial.basics); it checks the gradients against a derivation by hand
// and that a gradient step lowers the loss, and exits 1 otherwise.

#include <cmath>
#include <cstdio>

// [include]
#include <xgrad/xgrad.hpp>  // everything; or one header, e.g. <xgrad/autograd/var.hpp>
using namespace xgrad;
// [include]

int main() {
  // [var]
  Matrix<double> data{{1.0, 2.0}, {3.0, 4.0}};  // xt::xtensor<double, 2>: 2 examples × 2
  Vard x(data);                                  // an input: a leaf without gradient
  Vard w(Matrix<double>{{0.5}, {-0.25}}, true);  // a parameter: requires_grad = true
  Vard b = Vard::scalar(0.1, true);              // 1 × 1, broadcast over the rows
  // [var]

  // [ops]
  Vard z = matmul(x, w) + b;          // (2×2)·(2×1) + (1×1) → 2×1, computed right away
  Vard a = tanh(z);
  Vard loss = mean(square(a - 1.0));  // a 1×1 Var: (1/m) Σ (a − 1)²
  std::printf("z = [%g, %g], loss = %g\n", z.value()(0, 0), z.value()(1, 0), loss.item());
  // [ops]

  // [backward]
  loss.backward();  // seeds ∂loss/∂loss = 1, sweeps back, then frees the graph
  std::printf("dloss/dw = [%g, %g], dloss/db = %g\n", w.grad()(0, 0), w.grad()(1, 0),
              b.grad()(0, 0));
  // [backward]

  // By hand: ∂loss/∂z_i = (2/m)(a_i − 1)(1 − a_i²), ∂loss/∂w_j = Σ_i x_ij ∂loss/∂z_i,
  // ∂loss/∂b = Σ_i ∂loss/∂z_i.
  double dw0 = 0, dw1 = 0, db = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const double ai = std::tanh(data(i, 0) * 0.5 - data(i, 1) * 0.25 + 0.1);
    const double dz = (2.0 / 2) * (ai - 1) * (1 - ai * ai);
    dw0 += data(i, 0) * dz;
    dw1 += data(i, 1) * dz;
    db += dz;
  }
  const auto close = [](double u, double v) { return std::abs(u - v) <= 1e-12 * (1 + std::abs(v)); };
  if (!close(w.grad()(0, 0), dw0) || !close(w.grad()(1, 0), dw1) || !close(b.grad()(0, 0), db)) {
    std::fprintf(stderr, "FAIL: gradients differ from the derivation: [%g, %g], %g\n", dw0, dw1, db);
    return 1;
  }

  // [step]
  {
    NoGrad no_grad;  // nothing in this scope is recorded
    w.mutable_value() -= 0.1 * w.grad();
    b.mutable_value() -= 0.1 * b.grad();
  }
  w.zero_grad();  // gradients add up over backward() calls until cleared
  b.zero_grad();
  Vard after = mean(square(tanh(matmul(x, w) + b) - 1.0));
  std::printf("loss after one step: %g\n", after.item());
  // [step]
  if (!(after.item() < loss.item()) || w.has_grad()) {
    std::fprintf(stderr, "FAIL: the step did not lower the loss, or the gradient survived\n");
    return 1;
  }
  return 0;
}
