#pragma once
// Array kernels for the float32 transcendentals of the sigmoid and of the fused binary
// cross-entropy, written so that the compiler vectorises them (the scalar expf and log1pf
// of libm were about 15% of a [784,30,10] training step at batch 10). float64 keeps libm.
//
// Each kernel is compiled for the baseline x86-64 (SSE2, 4 floats) and, with GCC on
// x86-64, also for AVX2 (8 floats) and AVX-512 (16), picked by the loader where the CPU has
// it. None contracts into FMA (the file is compiled with -ffp-contract=off) and the kernels
// use only correctly rounded IEEE operations and exact integer ones, so all compute the same
// bits: a result does not depend on the CPU (a NaN's sign may, as IEEE leaves it open).

#include <cstddef>

namespace xgrad::detail {

// a[i] = σ(z[i]) = 1/(1 + e^(−z[i])) through e = e^(−|z|), as stable_sigmoid: 1/(1 + e) for
// z ≥ 0, e/(1 + e) below, so that it is finite for any z. a may be z. e^x is within 1.3 ulp
// and σ within 2.2 ulp of long double (measured over z ∈ [−110, 110] in steps of 7·10⁻⁴,
// subnormal results included; σ through libm's expf: 2.1 ulp).
void sigmoid(const float* z, float* a, std::size_t n);

// The fused binary cross-entropy's elementwise part, from logits z and targets y: the costs
// c[i] = (max(z, 0) − z·y) + ln(1 + e^(−|z|)) and the residuals r[i] = σ(z) − y, taken as
// (1 − y) − σ(−z) for z ≥ 0 so that y = 1 keeps full precision (σ(−|z|) = e/(1 + e)).
// ln(1 + e) is within 2.7 ulp of long double for e ∈ [0, 1] (log1pf: 0.8), with e's relative
// precision for tiny e. c may not alias r.
void binary_cross_entropy_terms(const float* z, const float* y, float* c, float* r,
                                std::size_t n);

}  // namespace xgrad::detail
