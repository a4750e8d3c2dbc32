#pragma once
// SGD's update with a weight gradient kept as its two factors (Var::accept_factored_grad()).

#include <cstddef>

namespace xgrad::detail {

// Whether outer_product_update() runs here: x86-64 with AVX-512F, built by GCC or Clang.
bool outer_product_update_available();

// w ← keep·w − η·xᵀ·g for w (k × n), x (m × k) and g (m × n), all row-major and dense: one
// pass over w, where forming the gradient xᵀ·g first and then updating takes three (write
// the gradient; read it and w; write w). Each element is keep·w, then minus η·g[p][j]·x[p][i]
// for p = 0 … m−1 in order, each product fused (one rounding per term), so the result is the
// same on every run. Requires outer_product_update_available().
void outer_product_update(float* w, std::size_t k, std::size_t n, const float* x,
                          const float* g, std::size_t m, float keep, float eta);
void outer_product_update(double* w, std::size_t k, std::size_t n, const double* x,
                          const double* g, std::size_t m, double keep, double eta);

}  // namespace xgrad::detail
