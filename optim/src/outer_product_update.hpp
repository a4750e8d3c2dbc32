#pragma once
// SGD's update with a weight gradient kept as its two factors (Var::accept_factored_grad()).

#include <cstddef>

namespace xgrad::detail {

// The instruction sets outer_product_update() is written for (x86-64, GCC or Clang).
enum class OuterProductKernel { none, avx2, avx512 };

// The widest kernel this CPU runs: AVX-512F, else AVX2 with FMA, else none.
OuterProductKernel best_outer_product_kernel();

// Whether outer_product_update() runs here (best_outer_product_kernel() is not none).
bool outer_product_update_available();

// The most rows (mini-batch size) SGD folds its weight gradients for (measured: sgd.cpp);
// xgrad-floor follows the same rule.
constexpr std::size_t kFoldedUpdateMaxRows = 16;

// w ← keep·w − η·xᵀ·g for w (k × n), x (m × k) and g (m × n), all row-major and dense: one
// pass over w, where forming the gradient xᵀ·g first and then updating takes three (write
// the gradient; read it and w; write w). Each element is keep·w, then minus η·g[p][j]·x[p][i]
// for p = 0 … m−1 in order, each product fused (one rounding per term), so the result is the
// same on every run and with either kernel. `kernel` (tests compare them) must run on this
// CPU, else std::invalid_argument; none throws std::logic_error.
void outer_product_update(float* w, std::size_t k, std::size_t n, const float* x,
                          const float* g, std::size_t m, float keep, float eta,
                          OuterProductKernel kernel = best_outer_product_kernel());
void outer_product_update(double* w, std::size_t k, std::size_t n, const double* x,
                          const double* g, std::size_t m, double keep, double eta,
                          OuterProductKernel kernel = best_outer_product_kernel());

}  // namespace xgrad::detail
