// The float32 σ and cross-entropy kernels give the same bits whichever instruction set runs
// them: the library picks the widest the CPU has (target_clones), so a result that depended
// on it would differ from machine to machine. Each set's build (vector_math_*.cpp) is
// compared with the baseline one on a sample of every float bit pattern.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../../autograd/src/vector_math.hpp"

namespace xgrad {
#define XGRAD_DECLARE_KERNELS(ns)                                                     \
  namespace ns {                                                                      \
  void sigmoid(const float* z, float* a, std::size_t n);                              \
  void binary_cross_entropy_terms(const float* z, const float* y, float* c, float* r, \
                                  std::size_t n);                                     \
  }
XGRAD_DECLARE_KERNELS(vector_math_baseline)
XGRAD_DECLARE_KERNELS(vector_math_avx2)
XGRAD_DECLARE_KERNELS(vector_math_avx512)
#undef XGRAD_DECLARE_KERNELS

namespace {

struct Kernels {
  std::string name;
  void (*sigmoid)(const float*, float*, std::size_t);
  void (*terms)(const float*, const float*, float*, float*, std::size_t);
};

// Every 997th bit pattern (4.3 million floats: both signs, subnormals, NaNs), and the
// special values the stride may miss.
std::vector<float> sample_of_all_floats() {
  using limits = std::numeric_limits<float>;
  std::vector<float> z = {0.0f, -0.0f, limits::infinity(), -limits::infinity(),
                          limits::quiet_NaN(), limits::min(), -limits::min(),
                          limits::denorm_min(), -limits::denorm_min(), limits::max(),
                          -limits::max()};
  for (std::uint64_t bits = 0; bits < (std::uint64_t(1) << 32); bits += 997) {
    const auto b = static_cast<std::uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, sizeof f);
    z.push_back(f);
  }
  return z;
}

// Empty when a and b hold the same bits, else the first difference and its input. A NaN
// matches any NaN: IEEE 754 does not say which sign or payload an operation's NaN carries,
// and the sanitizers' build, which vectorises less, gave −NaN where the others gave +NaN.
std::string first_difference(const std::vector<float>& a, const std::vector<float>& b,
                             const std::vector<float>& z) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
      std::uint32_t bits_a, bits_b, bits_z;
      std::memcpy(&bits_a, &a[i], 4);
      std::memcpy(&bits_b, &b[i], 4);
      std::memcpy(&bits_z, &z[i], 4);
      char text[160];
      std::snprintf(text, sizeof text,
                    "at z = %a (bits %08x): %a (bits %08x) against %a (bits %08x)", double(z[i]),
                    bits_z, double(a[i]), bits_a, double(b[i]), bits_b);
      return text;
    }
  }
  return {};
}

TEST(VectorMath, every_instruction_set_computes_the_same_bits) {
  __builtin_cpu_init();
  std::vector<Kernels> sets = {
      {"the library's choice", detail::sigmoid, detail::binary_cross_entropy_terms}};
  if (__builtin_cpu_supports("avx2")) {
    sets.push_back(
        {"AVX2", vector_math_avx2::sigmoid, vector_math_avx2::binary_cross_entropy_terms});
  }
  if (__builtin_cpu_supports("avx512f")) {
    sets.push_back(
        {"AVX-512", vector_math_avx512::sigmoid, vector_math_avx512::binary_cross_entropy_terms});
  }
  const std::vector<float> z = sample_of_all_floats();
  std::vector<float> y(z.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.25f * static_cast<float>(i % 5);  // 0 … 1
  const std::size_t n = z.size();
  std::vector<float> a(n), c(n), r(n), a_set(n), c_set(n), r_set(n);
  vector_math_baseline::sigmoid(z.data(), a.data(), n);
  vector_math_baseline::binary_cross_entropy_terms(z.data(), y.data(), c.data(), r.data(), n);
  for (const Kernels& k : sets) {
    k.sigmoid(z.data(), a_set.data(), n);
    k.terms(z.data(), y.data(), c_set.data(), r_set.data(), n);
    EXPECT_EQ(first_difference(a, a_set, z), "") << k.name << ": σ differs from the baseline";
    EXPECT_EQ(first_difference(c, c_set, z), "") << k.name << ": the costs differ from the baseline";
    EXPECT_EQ(first_difference(r, r_set, z), "")
        << k.name << ": the residuals differ from the baseline";
  }
  // The sample is not degenerate: σ spans (0, 1) and NaN stays NaN.
  EXPECT_EQ(a[0], 0.5f);  // σ(+0)
  EXPECT_EQ(a[2], 1.0f);  // σ(+∞)
  EXPECT_EQ(a[3], 0.0f);  // σ(−∞)
  EXPECT_GT(std::count_if(a.begin(), a.end(), [](float v) { return v > 0.99f; }), 1000);
  EXPECT_GT(std::count_if(a.begin(), a.end(), [](float v) { return v != v; }), 1000);
}

}  // namespace
}  // namespace xgrad
