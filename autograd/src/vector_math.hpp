#pragma once
// Array kernels for the float32 transcendentals of the sigmoid and of the fused binary
// cross-entropy, written so that the compiler vectorises them (the scalar expf and log1pf
// of libm were about 15% of a [784,30,10] training step at batch 10). float64 keeps libm.
//
// Each kernel is compiled for the baseline x86-64 (SSE2, 4 floats) and, with GCC on
// x86-64, also for AVX2 (8 floats), picked by the loader where the CPU has it. Neither
// target has FMA and the kernels use only correctly rounded IEEE operations and exact
// integer ones, so both compute the same bits: a result does not depend on the CPU.

#include <cstddef>

namespace xgrad::detail {

// e[i] = e^(−|z[i]|) ∈ [0, 1], within 2 ulp of the exact value (subnormal results included,
// 0 below e^(−103.97)); NaN stays NaN. e may be z.
void exp_negative_abs(const float* z, float* e, std::size_t n);

// a[i] = σ(z[i]) = 1/(1 + e^(−z[i])) through e = e^(−|z|), as stable_sigmoid: 1/(1 + e) for
// z ≥ 0, e/(1 + e) below, so that it is finite for any z. a may be z.
void sigmoid(const float* z, float* a, std::size_t n);

// l[i] = ln(1 + e[i]) for e[i] ∈ [0, 1], within 3 ulp, with e's relative precision for tiny e
// (as log1p). l may be e.
void log1p_unit(const float* e, float* l, std::size_t n);

}  // namespace xgrad::detail
