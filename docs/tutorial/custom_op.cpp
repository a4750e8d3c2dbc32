// The tutorial's "Your own op and gradcheck" program (docs/TUTORIAL.md): an op composed of
// xgrad's ops, the same op as a new primitive with its own backward (make_op), both
// checked with gradcheck() — the primitive's second derivative with gradgradcheck() too —
// and a broken variant that gradcheck catches. CTest runs it (Tutorial.custom_op); it
// exits 1 unless the correct ops pass and the broken one fails.

#include <cmath>
#include <cstdio>
#include <vector>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

// [op]
// softplus(x) = ln(1 + eˣ), in a form that cannot overflow: max(x, 0) + ln(1 + e^−|x|).
template <class T>
Var<T> softplus(const Var<T>& x) {
  return relu(x) + log(T(1) + exp(-abs(x)));
}
// [op]

// [primitive]
// The same function as a new primitive: the forward computes the value directly, and the
// backward, written with xgrad ops, says ∂softplus/∂x = σ(x). One node instead of six,
// and because the backward is made of ops, it can be differentiated again.
Vard softplus_op(const Vard& x) {
  Matrix<double> value = xt::maximum(x.value(), 0.0) + xt::log1p(xt::exp(-xt::abs(x.value())));
  return make_op<double>("softplus", std::move(value), {x},
                         [](const BackwardContext<double>& c) -> Grads<double> {
                           return {c.grad_output * sigmoid(c.inputs[0])};
                         });
}
// [primitive]

// [broken]
// The classic mistake: part of the op computed on the raw matrix (x.value()), which leaves
// the graph, so backward() misses the gradient through e^−|x|.
template <class T>
Var<T> softplus_broken(const Var<T>& x) {
  const Var<T> abs_x(Matrix<T>(xt::abs(x.value())));  // a constant, not an op on x
  return relu(x) + log(T(1) + exp(-abs_x));
}
// [broken]

int main() {
  // [gradcheck]
  // Away from 0, where relu and abs have no derivative; float64, central differences.
  const std::vector<Matrix<double>> inputs{{{-30.0, -1.5, -0.25}, {0.5, 2.0, 40.0}}};
  const GradcheckResult good = gradcheck(
      [](const std::vector<Vard>& in) { return softplus(in[0]); }, inputs, "softplus");
  std::printf("%s\n", good.message.c_str());
  // [gradcheck]
  const GradcheckResult bad = gradcheck(
      [](const std::vector<Vard>& in) { return softplus_broken(in[0]); }, inputs,
      "softplus_broken");
  std::printf("%s\n", bad.message.c_str());

  // [check-primitive]
  const auto f = [](const std::vector<Vard>& in) { return softplus_op(in[0]); };
  const GradcheckResult first = gradcheck(f, inputs, "softplus_op");
  const GradcheckResult second = gradgradcheck(f, inputs, "softplus_op");
  std::printf("%s\n%s\n", first.message.c_str(), second.message.c_str());
  // [check-primitive]

  // softplus must also agree with ln(1 + eˣ) where that is exact enough.
  const Matrix<double> y = softplus(Vard(inputs[0])).value();
  const double direct = std::log(1 + std::exp(0.5));
  const Matrix<double> y_op = softplus_op(Vard(inputs[0])).value();
  if (!good || bad || !first || !second || std::abs(y(1, 0) - direct) > 1e-15 ||
      y(1, 2) != 40.0 || std::abs(y_op(1, 0) - direct) > 1e-15) {
    std::fprintf(stderr, "FAIL: gradcheck should pass softplus and softplus_op, gradgradcheck "
                         "softplus_op, and gradcheck should fail softplus_broken\n");
    return 1;
  }
  return 0;
}
