// xgrad-fma-peak: the one-core float32 FMA peak of this machine, measured rather than taken
// from a data sheet. Runs independent chains of fused multiply-adds in registers (no memory
// traffic) with the widest vectors the CPU has (AVX-512, else AVX2+FMA), a few times, and
// prints the best rate:
//
//   fma peak: 163.2 GFLOP/s f32 on one core (avx512f, 16 lanes, 24 chains)
//
// bench/compare divides the GFLOP of a training epoch by xgrad's time and by this to report
// the fraction of peak.

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace {

constexpr int kChains = 24;  // enough independent FMAs to cover latency × throughput
constexpr long kIterations = 20'000'000;

double gflops(int lanes, std::chrono::steady_clock::time_point start) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return 2.0 * lanes * kChains * double(kIterations) / seconds / 1e9;
}

// The same loop for each vector width (a template would lose the target attribute).
#define XGRAD_FMA_LOOP(V, SET1, FMADD, CVT, LANES)                             \
  V acc[kChains];                                                              \
  for (int c = 0; c < kChains; ++c) acc[c] = SET1(1.0f + 1e-3f * float(c));    \
  const V mul = SET1(0.999999f), add = SET1(1e-7f);                            \
  const auto start = std::chrono::steady_clock::now();                        \
  for (long i = 0; i < kIterations; ++i) {                                     \
    _Pragma("GCC unroll 32") /* all chains in registers */                     \
    for (int c = 0; c < kChains; ++c) acc[c] = FMADD(acc[c], mul, add);        \
  }                                                                            \
  const double rate = gflops(LANES, start);                                    \
  for (int c = 1; c < kChains; ++c) acc[0] = FMADD(acc[0], mul, acc[c]);       \
  *sink += CVT(acc[0]);                                                        \
  return rate;

__attribute__((target("avx512f"))) double avx512(float* sink) {
  XGRAD_FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_cvtss_f32, 16)
}

__attribute__((target("avx2,fma"))) double avx2(float* sink) {
  XGRAD_FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_cvtss_f32, 8)
}

}  // namespace

int main() {
  __builtin_cpu_init();
  const bool has512 = __builtin_cpu_supports("avx512f");
  if (!has512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    std::printf("fma peak: unknown (no AVX2/FMA)\n");
    return 1;
  }
  float sink = 0;
  double best = 0;
  for (int round = 0; round < 5; ++round) best = std::max(best, has512 ? avx512(&sink) : avx2(&sink));
  std::printf("fma peak: %.1f GFLOP/s f32 on one core (%s, %d lanes, %d chains)%s\n", best,
              has512 ? "avx512f" : "avx2+fma", has512 ? 16 : 8, kChains, sink == 0 ? " " : "");
  return 0;
}
