#include "xgrad/datasets/png.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <zlib.h>

#include "xgrad/datasets/errors.hpp"

namespace xgrad {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

// length, type, data, CRC-32 of type and data.
void chunk(std::vector<std::uint8_t>& out, const char* type, const std::vector<std::uint8_t>& data) {
  put_u32(out, std::uint32_t(data.size()));
  const std::size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_u32(out, std::uint32_t(crc32(0, out.data() + start, uInt(out.size() - start))));
}

}  // namespace

void write_png(const std::string& path, const std::vector<std::uint8_t>& pixels,
               std::size_t width, std::size_t height) {
  if (width == 0 || height == 0 || pixels.size() != width * height || width > 0x7fffffff ||
      height > 0x7fffffff) {
    throw DataError(fmt::format("write_png: {}: {} pixels for an image of {}×{} (expected "
                                "width × height, both positive)",
                                path, pixels.size(), width, height));
  }
  // Each scanline is preceded by its filter type (0: none).
  std::vector<std::uint8_t> raw;
  raw.reserve(height * (width + 1));
  for (std::size_t r = 0; r < height; ++r) {
    raw.push_back(0);
    raw.insert(raw.end(), pixels.begin() + std::ptrdiff_t(r * width),
               pixels.begin() + std::ptrdiff_t((r + 1) * width));
  }
  uLongf size = compressBound(uLong(raw.size()));
  std::vector<std::uint8_t> idat(size);
  if (compress2(idat.data(), &size, raw.data(), uLong(raw.size()), 9) != Z_OK) {
    throw DataError(fmt::format("write_png: {}: zlib failed to compress the image", path));
  }
  idat.resize(size);

  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<std::uint8_t> header;
  put_u32(header, std::uint32_t(width));
  put_u32(header, std::uint32_t(height));
  header.insert(header.end(), {8, 0, 0, 0, 0});  // 8-bit grayscale, deflate, no interlace
  chunk(png, "IHDR", header);
  chunk(png, "IDAT", idat);
  chunk(png, "IEND", {});
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
  if (!file.flush()) {
    throw DataError(fmt::format("write_png: cannot write {}: {}", path, std::strerror(errno)));
  }
}

}  // namespace xgrad
