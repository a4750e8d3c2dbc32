#include "byte_inputs.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "xgrad/autograd/target_clones.hpp"

namespace xgrad::detail {

// The decoding runs once per gathered value: compiled for AVX2 and AVX-512 too (division is
// exact, so every clone gives the same bits).
#define XGRAD_BYTE_CLONES XGRAD_TARGET_CLONES("avx512f", "avx2", "default")

namespace {

template <class T>
inline __attribute__((always_inline)) void decode(const std::uint8_t* bytes, T* out,
                                                  std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(bytes[i]) / T(255);
}

// The bytes of values[0 … n), in blocks whose loop vectorises (with -fno-trapping-math, see
// datasets/CMakeLists.txt): each value's nearest byte b (clamped first, NaN to 0, so that
// the conversion is defined for any value), then whether T(b) / T(255) has the value's very
// bits (which rules out −0, NaN and every value between the steps).
template <class T>
inline __attribute__((always_inline)) bool find(const T* values, std::size_t n,
                                                std::uint8_t* out) {
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr std::size_t block = 4096;
  for (std::size_t first = 0; first < n; first += block) {
    const std::size_t last = std::min(n, first + block);
    std::size_t mismatches = 0;
    for (std::size_t i = first; i < last; ++i) {
      const T v = values[i];
      T nearest = v * T(255) + T(0.5);
      nearest = nearest > T(0) ? nearest : T(0);  // false for NaN
      nearest = nearest < T(255) ? nearest : T(255);
      const auto b = static_cast<std::uint8_t>(nearest);
      const T decoded = static_cast<T>(b) / T(255);
      Bits vb, db;
      std::memcpy(&vb, &v, sizeof(T));
      std::memcpy(&db, &decoded, sizeof(T));
      mismatches += vb != db;
      out[i] = b;
    }
    if (mismatches != 0) return false;
  }
  return true;
}

}  // namespace

XGRAD_BYTE_CLONES bool find_byte_inputs(const float* values, std::size_t n, std::uint8_t* bytes) {
  return find(values, n, bytes);
}

XGRAD_BYTE_CLONES bool find_byte_inputs(const double* values, std::size_t n,
                                        std::uint8_t* bytes) {
  return find(values, n, bytes);
}

XGRAD_BYTE_CLONES void decode_byte_inputs(const std::uint8_t* bytes, float* out, std::size_t n) {
  decode(bytes, out, n);
}

XGRAD_BYTE_CLONES void decode_byte_inputs(const std::uint8_t* bytes, double* out,
                                          std::size_t n) {
  decode(bytes, out, n);
}

}  // namespace xgrad::detail
