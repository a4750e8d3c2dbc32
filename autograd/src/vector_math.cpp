// Vectorisable float32 e^(−|z|), σ(z) and ln(1 + e) (see vector_math.hpp).
//
// e^x for x ≤ 0: x = n·ln2 + r with n = round(x/ln2) and |r| ≤ ln2/2 (Cody–Waite: ln2 split
// into a part with few bits, so that n·ln2_hi is exact, and the rest), e^r by its Taylor
// series to r⁷ (truncation below 0.05 ulp), then scaled by 2ⁿ as two exact powers of two so
// that results down to the subnormals come out right.
// ln(1 + e) for e ∈ [0, 1]: 2·atanh(s) with s = e/(2 + e) ∈ [0, 1/3], by its series to s¹³
// (truncation below 0.2 ulp); for tiny e it is 2s ≈ e with e's relative precision.

#include "vector_math.hpp"

#include <cstdint>
#include <cstring>

#include "xgrad/autograd/target_clones.hpp"

// AVX-512 and AVX2 clones; this file is compiled with -ffp-contract=off (autograd's
// CMakeLists.txt) so that the AVX-512 one, whose target brings FMA, does not contract the
// polynomials: every clone computes the same bits (checked over all 2³² float inputs of σ
// once, and by VectorMath.every_instruction_set_computes_the_same_bits on a sample). AVX-512
// halves σ's time: 0.71 → 0.37 ns per element on the development Zen. A test compiles this
// file once per instruction set, in a namespace of its own, by defining both macros first.
#ifndef XGRAD_VECTOR_CLONES
#define XGRAD_VECTOR_CLONES XGRAD_TARGET_CLONES("avx512f", "avx2", "default")
#define XGRAD_VECTOR_MATH_NAMESPACE detail
#endif

namespace xgrad::XGRAD_VECTOR_MATH_NAMESPACE {
namespace {

inline float from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// 2^k for k ∈ [−126, 127].
inline float power_of_two(std::int32_t k) {
  return from_bits(static_cast<std::uint32_t>(k + 127) << 23);
}

// e^x for x ≤ 0 (or NaN, which stays NaN).
inline __attribute__((always_inline)) float exp_nonpositive(float x) {
  x = x < -104.0f ? -104.0f : x;  // e^(−104) rounds to 0; n stays ≥ −150
  const float shifter = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer
  const float n = (x * 1.44269504088896341f + shifter) - shifter;
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  const float p =
      1.0f + r +
      r * r *
          (0.5f + r * (1.66666672e-1f +
                       r * (4.16666679e-2f +
                            r * (8.33333377e-3f + r * (1.38888892e-3f + r * 1.98412701e-4f)))));
  const std::int32_t k = static_cast<std::int32_t>(n);  // in [−150, 0]
  const std::int32_t half = k >> 1;
  return p * power_of_two(half) * power_of_two(k - half);
}

// ln(1 + e) for e ∈ [0, 1].
inline __attribute__((always_inline)) float log1p_of_unit(float e) {
  const float s = e / (2.0f + e);
  const float s2 = s * s;
  const float series =
      1.0f +
      s2 * (3.33333343e-1f +
            s2 * (2.00000003e-1f +
                  s2 * (1.42857149e-1f +
                        s2 * (1.11111112e-1f + s2 * (9.09090936e-2f + s2 * 7.69230798e-2f)))));
  return (s + s) * series;
}

}  // namespace

XGRAD_VECTOR_CLONES void sigmoid(const float* z, float* a, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float zi = z[i];
    const float e = exp_nonpositive(-__builtin_fabsf(zi));
    a[i] = (zi >= 0.0f ? 1.0f : e) / (1.0f + e);
  }
}

XGRAD_VECTOR_CLONES void binary_cross_entropy_terms(const float* z, const float* y, float* c,
                                                    float* r, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float zi = z[i], yi = y[i];
    const float e = exp_nonpositive(-__builtin_fabsf(zi));
    c[i] = ((zi < 0.0f ? 0.0f : zi) - zi * yi) + log1p_of_unit(e);  // max(z, 0) as std::max
    const float s = e / (1.0f + e);
    r[i] = zi >= 0.0f ? (1.0f - yi) - s : s - yi;
  }
}

}  // namespace xgrad::XGRAD_VECTOR_MATH_NAMESPACE
