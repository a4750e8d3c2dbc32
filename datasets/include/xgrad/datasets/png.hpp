#pragma once
/// @file
/// Writing 8-bit grayscale PNG images (zlib-compressed, no other dependency), e.g. to look
/// at digits and their distortions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <xgrad/datasets/errors.hpp>

namespace xgrad {

/// Writes `pixels` (height × width bytes, row-major, 0 black … 255 white) to `path` as an
/// 8-bit grayscale PNG. Throws DataError when the sizes disagree or the file cannot be
/// written.
void write_png(const std::string& path, const std::vector<std::uint8_t>& pixels,
               std::size_t width, std::size_t height);

}  // namespace xgrad
