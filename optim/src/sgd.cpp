#include "xgrad/optim/sgd.hpp"

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/target_clones.hpp"
#include "outer_product_update.hpp"

namespace xgrad {
namespace {

// w ← keep·w − η·g over n elements: the whole SGD step. xgrad is compiled for the baseline
// x86-64 (SSE2), which does this 4 floats at a time; on x86-64 with GCC the loop is also
// compiled for AVX2 (8) and AVX-512 (16), and the loader picks the widest the CPU has (an
// ifunc). The file is compiled without floating-point contraction (optim/CMakeLists.txt):
// AVX-512 brings FMA, which would fuse keep·w − η·g into one rounding; so every clone rounds
// each product and the difference, and the results are the same bits whichever runs.
// Measured, BM_train_epoch<float> per step, 6 interleaved rounds (medians): [784,30,10]
// 11.47 → 11.35 µs, [784,100,10] 31.0 → 30.2 µs against the AVX2 clone alone.
#define XGRAD_SGD_CLONES XGRAD_TARGET_CLONES("avx512f", "avx2", "default")

template <class T>
inline __attribute__((always_inline)) void sgd_loop(T* w, const T* g, std::size_t n, T keep,
                                                     T eta) {
  for (std::size_t i = 0; i < n; ++i) w[i] = keep * w[i] - eta * g[i];
}

XGRAD_SGD_CLONES void sgd_kernel(float* w, const float* g, std::size_t n, float keep, float eta) {
  sgd_loop(w, g, n, keep, eta);
}

XGRAD_SGD_CLONES void sgd_kernel(double* w, const double* g, std::size_t n, double keep,
                                 double eta) {
  sgd_loop(w, g, n, keep, eta);
}

}  // namespace

template <class T>
SGD<T>::SGD(std::vector<Parameter<T>> parameters, double learning_rate, WeightDecay decay)
    : Optimizer<T>("SGD", std::move(parameters), learning_rate, decay) {
  // The weight gradients of dense layers may then stay as factors (update_from_factors()),
  // up to 16 rows: BM_train_epoch (…/1 against …/0, 8–10 randomly interleaved repetitions)
  // measured at [784,100,10] batch 10, 16 and 32 −4.7%, −7% and +0.5%, and at [784,30,10]
  // batch 10, 16, 32 and 100 −2%, −0.5%, +7% and +8%: x's m rows, read strided, no longer
  // stream well, and copying x costs more. With AVX2 (BM_sgd_weight_update, AVX2 code on
  // AVX-512 Zen, the GEMM too with LIBXSMM_TARGET=hsw): W's update at [784 × 30] took 5.8
  // against 10.3 µs unfolded at batch 10 and 8.8 against 15.5 µs at 16.
  if (detail::outer_product_update_available()) {
    for (const Parameter<T>& p : this->parameters()) {
      p.var.accept_factored_grad(detail::kFoldedUpdateMaxRows);
    }
  }
}

template <class T>
void SGD<T>::update(std::size_t, Matrix<T>& value, const Matrix<T>& grad, T keep) {
  sgd_kernel(value.data(), grad.data(), value.size(), keep, static_cast<T>(this->learning_rate()));
}

template <class T>
bool SGD<T>::update_from_factors(std::size_t, Matrix<T>& value, const Matrix<T>& left,
                                 const Matrix<T>& right, T keep) {
  // value (k × n) ← keep·value − η·leftᵀ·right, left m × k and right m × n.
  detail::outer_product_update(value.data(), value.shape()[0], value.shape()[1], left.data(),
                               right.data(), left.shape()[0], keep,
                               static_cast<T>(this->learning_rate()));
  return true;
}

#define XGRAD_INSTANTIATE(T) template class SGD<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
