#pragma once
// Inputs held as bytes (Dataset::byte_inputs()): the values b / 255 of bytes b, as MNIST's
// pixels are once scaled, found in a pass over the values and decoded back bit for bit.

#include <cstddef>
#include <cstdint>

namespace xgrad::detail {

// Whether every one of the n values is exactly T(b) / T(255) for a byte b (so not −0, NaN,
// or anything between those steps); if so, bytes[0 … n) holds each b, else their content
// is unspecified.
bool find_byte_inputs(const float* values, std::size_t n, std::uint8_t* bytes);
bool find_byte_inputs(const double* values, std::size_t n, std::uint8_t* bytes);

// out[i] = T(bytes[i]) / T(255) for i < n: the values find_byte_inputs() saw, bit for bit
// (IEEE division is correctly rounded, so every vector width gives the same quotient).
void decode_byte_inputs(const std::uint8_t* bytes, float* out, std::size_t n);
void decode_byte_inputs(const std::uint8_t* bytes, double* out, std::size_t n);

}  // namespace xgrad::detail
