#include "outer_product_update.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define XGRAD_OUTER_PRODUCT_SIMD 1
#include <immintrin.h>
#endif

namespace xgrad::detail {

#ifdef XGRAD_OUTER_PRODUCT_SIMD

// AVX-512F: 32 vector registers, so tiles of 5–8 rows of up to 4 vectors. Rows per tile,
// measured with w of [784 × 100] and [784 × 30] (a standalone probe, m = 10, AVX-512 Zen): 5
// for 4-vector strips, 6 for 3-vector strips and 8 for narrower ones keep 16–24
// accumulators in the registers; 4 rows of 3 vectors ran 8% slower, 8 rows 5%, 4 or 6 rows
// of 4 vectors 12%.
namespace avx512 {
#define XGRAD_KERNEL __attribute__((target("avx512f"), always_inline)) inline
#define XGRAD_KERNEL_ENTRY __attribute__((target("avx512f")))

template <class T>
struct Simd;

template <>
struct Simd<float> {
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int lanes = 16, max_vectors = 4;
  static constexpr int rows(int vectors) { return vectors == 4 ? 5 : vectors == 3 ? 6 : 8; }
  XGRAD_KERNEL static Mask tail_mask(std::size_t n) { return static_cast<Mask>((1u << n) - 1); }
  XGRAD_KERNEL static V load(const float* p) { return _mm512_loadu_ps(p); }
  XGRAD_KERNEL static V load(Mask k, const float* p) { return _mm512_maskz_loadu_ps(k, p); }
  XGRAD_KERNEL static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  XGRAD_KERNEL static void store(Mask k, float* p, V v) { _mm512_mask_storeu_ps(p, k, v); }
  XGRAD_KERNEL static V broadcast(float a) { return _mm512_set1_ps(a); }
  XGRAD_KERNEL static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  XGRAD_KERNEL static V minus_product(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
};

template <>
struct Simd<double> {
  using V = __m512d;
  using Mask = __mmask8;
  static constexpr int lanes = 8, max_vectors = 4;
  static constexpr int rows(int vectors) { return Simd<float>::rows(vectors); }
  XGRAD_KERNEL static Mask tail_mask(std::size_t n) { return static_cast<Mask>((1u << n) - 1); }
  XGRAD_KERNEL static V load(const double* p) { return _mm512_loadu_pd(p); }
  XGRAD_KERNEL static V load(Mask k, const double* p) { return _mm512_maskz_loadu_pd(k, p); }
  XGRAD_KERNEL static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  XGRAD_KERNEL static void store(Mask k, double* p, V v) { _mm512_mask_storeu_pd(p, k, v); }
  XGRAD_KERNEL static V broadcast(double a) { return _mm512_set1_pd(a); }
  XGRAD_KERNEL static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  XGRAD_KERNEL static V minus_product(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
};

#include "outer_product_kernel.inc"
#undef XGRAD_KERNEL
#undef XGRAD_KERNEL_ENTRY
}  // namespace avx512

// AVX2 with FMA: 16 vector registers, so strips of at most 2 vectors in tiles of 5 rows (8
// for 1 vector), and masks as vectors. Measured (BM_sgd_weight_update, AVX-512 Zen running
// the AVX2 code, m = 10): [784 × 30] 9.1 µs with strips of up to 4 vectors in tiles of 2–8
// rows, 5.8 µs so; [784 × 100] 30.0 → 18.3 µs; tiles of 6 rows (12 for 1 vector) ran 1–17%
// slower.
namespace avx2 {
#define XGRAD_KERNEL __attribute__((target("avx2,fma"), always_inline)) inline
#define XGRAD_KERNEL_ENTRY __attribute__((target("avx2,fma")))

template <class T>
struct Simd;

template <>
struct Simd<float> {
  using V = __m256;
  using Mask = __m256i;
  static constexpr int lanes = 8, max_vectors = 2;
  static constexpr int rows(int vectors) { return vectors == 2 ? 5 : 8; }
  XGRAD_KERNEL static Mask tail_mask(std::size_t n) {  // lanes below n all ones
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  XGRAD_KERNEL static V load(const float* p) { return _mm256_loadu_ps(p); }
  XGRAD_KERNEL static V load(Mask k, const float* p) { return _mm256_maskload_ps(p, k); }
  XGRAD_KERNEL static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  XGRAD_KERNEL static void store(Mask k, float* p, V v) { _mm256_maskstore_ps(p, k, v); }
  XGRAD_KERNEL static V broadcast(float a) { return _mm256_set1_ps(a); }
  XGRAD_KERNEL static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  XGRAD_KERNEL static V minus_product(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
};

template <>
struct Simd<double> {
  using V = __m256d;
  using Mask = __m256i;
  static constexpr int lanes = 4, max_vectors = 2;
  static constexpr int rows(int vectors) { return Simd<float>::rows(vectors); }
  XGRAD_KERNEL static Mask tail_mask(std::size_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(n)),
                              _mm256_setr_epi64x(0, 1, 2, 3));
  }
  XGRAD_KERNEL static V load(const double* p) { return _mm256_loadu_pd(p); }
  XGRAD_KERNEL static V load(Mask k, const double* p) { return _mm256_maskload_pd(p, k); }
  XGRAD_KERNEL static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  XGRAD_KERNEL static void store(Mask k, double* p, V v) { _mm256_maskstore_pd(p, k, v); }
  XGRAD_KERNEL static V broadcast(double a) { return _mm256_set1_pd(a); }
  XGRAD_KERNEL static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  XGRAD_KERNEL static V minus_product(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
};

#include "outer_product_kernel.inc"
#undef XGRAD_KERNEL
#undef XGRAD_KERNEL_ENTRY
}  // namespace avx2

OuterProductKernel best_outer_product_kernel() {
  static const OuterProductKernel best =
      __builtin_cpu_supports("avx512f")                                    ? OuterProductKernel::avx512
      : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? OuterProductKernel::avx2
                                                                         : OuterProductKernel::none;
  return best;
}

namespace {

template <class T>
void run(T* w, std::size_t k, std::size_t n, const T* x, const T* g, std::size_t m, T keep,
         T eta, OuterProductKernel kernel) {
  if (kernel == OuterProductKernel::none) {
    throw std::logic_error("outer_product_update: no kernel (see best_outer_product_kernel())");
  }
  if (kernel > best_outer_product_kernel()) {
    throw std::invalid_argument(fmt::format(
        "outer_product_update: the {} kernel does not run on this CPU",
        kernel == OuterProductKernel::avx512 ? "AVX-512" : "AVX2"));
  }
  // ηg once (m × n, small), so that each term is x·(ηg) rounded once by the fused product.
  thread_local std::vector<T> eta_g;
  eta_g.resize(m * n);
  for (std::size_t e = 0; e < m * n; ++e) eta_g[e] = eta * g[e];
  if (kernel == OuterProductKernel::avx512) {
    avx512::update(w, k, n, x, eta_g.data(), m, keep);
  } else {
    avx2::update(w, k, n, x, eta_g.data(), m, keep);
  }
}

}  // namespace

#else  // no SIMD kernel in this build: SGD never asks for factored gradients

OuterProductKernel best_outer_product_kernel() { return OuterProductKernel::none; }

namespace {

template <class T>
void run(T*, std::size_t, std::size_t, const T*, const T*, std::size_t, T, T,
         OuterProductKernel) {
  throw std::logic_error("outer_product_update: not built for this target");
}

}  // namespace

#endif

bool outer_product_update_available() {
  return best_outer_product_kernel() != OuterProductKernel::none;
}

void outer_product_update(float* w, std::size_t k, std::size_t n, const float* x,
                          const float* g, std::size_t m, float keep, float eta,
                          OuterProductKernel kernel) {
  run(w, k, n, x, g, m, keep, eta, kernel);
}

void outer_product_update(double* w, std::size_t k, std::size_t n, const double* x,
                          const double* g, std::size_t m, double keep, double eta,
                          OuterProductKernel kernel) {
  run(w, k, n, x, g, m, keep, eta, kernel);
}

}  // namespace xgrad::detail
