// write_png produces a valid 8-bit grayscale PNG whose pixels decompress back exactly.

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <zlib.h>

#include <xgrad/datasets/png.hpp>

#include "files.hpp"

namespace xgrad {
namespace {

std::uint32_t be32(const test::Bytes& b, std::size_t at) {
  return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 |
         std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}

TEST(Png, writes_a_valid_grayscale_image) {
  test::TempDir dir;
  const std::vector<std::uint8_t> pixels = {0, 64, 128, 255, 1, 2};
  write_png(dir / "img.png", pixels, 3, 2);
  std::ifstream f(dir / "img.png", std::ios::binary);
  const test::Bytes png((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_GT(png.size(), 8u + 25 + 12 + 12);
  EXPECT_EQ(test::Bytes(png.begin(), png.begin() + 8),
            (test::Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}));
  // Walk the chunks, checking each CRC; collect IHDR and IDAT.
  std::size_t at = 8;
  test::Bytes idat;
  std::vector<std::string> types;
  while (at < png.size()) {
    const std::uint32_t length = be32(png, at);
    const std::string type(png.begin() + std::ptrdiff_t(at + 4), png.begin() + std::ptrdiff_t(at + 8));
    types.push_back(type);
    const std::uint32_t crc = std::uint32_t(crc32(0, png.data() + at + 4, length + 4));
    EXPECT_EQ(be32(png, at + 8 + length), crc) << type;
    if (type == "IHDR") {
      EXPECT_EQ(be32(png, at + 8), 3u);
      EXPECT_EQ(be32(png, at + 12), 2u);
      EXPECT_EQ(png[at + 16], 8);  // bit depth
      EXPECT_EQ(png[at + 17], 0);  // grayscale
    }
    if (type == "IDAT") idat.insert(idat.end(), png.begin() + std::ptrdiff_t(at + 8), png.begin() + std::ptrdiff_t(at + 8 + length));
    at += 12 + length;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  test::Bytes raw(8);
  uLongf size = raw.size();
  ASSERT_EQ(uncompress(raw.data(), &size, idat.data(), uLong(idat.size())), Z_OK);
  EXPECT_EQ(raw, (test::Bytes{0, 0, 64, 128, 0, 255, 1, 2}));
}

TEST(Png, errors) {
  test::TempDir dir;
  test::expect_error<DataError>([&] { write_png(dir / "a.png", {1, 2, 3}, 2, 2); },
                                {"3 pixels for an image of 2×2"});
  test::expect_error<DataError>([&] { write_png(dir / "no/such/dir.png", {1}, 1, 1); },
                                {"cannot write", "no/such/dir.png"});
}

}  // namespace
}  // namespace xgrad
