#include "byte_source.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <zlib.h>

#include "xgrad/datasets/errors.hpp"

namespace xgrad::detail {
namespace {

constexpr std::size_t kInputChunk = 1 << 16;

bool ends_with(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

struct ByteSource::Inflater {
  z_stream stream{};
  std::vector<std::uint8_t> input = std::vector<std::uint8_t>(kInputChunk);
  std::uint64_t consumed = 0;  // compressed bytes handed to zlib so far (file offset)
  bool member_done = false;    // the current gzip member has ended
  bool at_end = false;         // no more data at all

  Inflater() {
    // 16 + MAX_WBITS: gzip wrapper only (zlib checks the header, CRC-32 and length).
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~Inflater() { inflateEnd(&stream); }
  void reset() {
    inflateReset(&stream);
    stream.avail_in = 0;
    consumed = 0;
    member_done = at_end = false;
  }
};

ByteSource::ByteSource(std::string path) : path_(std::move(path)) {
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) {
    throw DataError(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
  }
  struct stat st {};
  if (fstat(fileno(file_), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fclose(file_);
    file_ = nullptr;
    throw DataError(fmt::format("{}: not a regular file", path_));
  }
  file_size_ = static_cast<std::uint64_t>(st.st_size);
  unsigned char magic[2] = {0, 0};
  const std::size_t got = std::fread(magic, 1, 2, file_);
  std::rewind(file_);
  gzip_ = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (!gzip_ && ends_with(path_, ".gz")) {
    std::fclose(file_);
    file_ = nullptr;
    throw DataError(fmt::format(
        "{}: not a gzip file (it starts with {}, expected the gzip magic bytes 1f 8b); "
        "decompress it or drop the .gz from its name",
        path_,
        got == 0 ? std::string("nothing: the file is empty")
                 : fmt::format("bytes {:02x} {:02x}", magic[0], got > 1 ? magic[1] : 0)));
  }
  if (gzip_) z_ = std::make_unique<Inflater>();
}

ByteSource::~ByteSource() {
  if (file_) std::fclose(file_);
}

void ByteSource::rewind() {
  std::rewind(file_);
  if (z_) z_->reset();
}

std::size_t ByteSource::read(std::uint8_t* dst, std::size_t n) {
  return gzip_ ? read_gzip(dst, n) : read_raw(dst, n);
}

std::uint64_t ByteSource::skip(std::uint64_t n) {
  std::uint8_t scratch[8192];
  std::uint64_t done = 0;
  while (done < n) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n - done, sizeof scratch));
    const std::size_t got = read(scratch, want);
    done += got;
    if (got < want) break;
  }
  return done;
}

std::size_t ByteSource::read_raw(std::uint8_t* dst, std::size_t n) {
  const std::size_t got = std::fread(dst, 1, n, file_);
  if (got < n && std::ferror(file_)) {
    throw DataError(fmt::format("{}: read error: {}", path_, std::strerror(errno)));
  }
  return got;
}

bool ByteSource::refill() {
  Inflater& z = *z_;
  const std::size_t got = read_raw(z.input.data(), z.input.size());
  z.stream.next_in = z.input.data();
  z.stream.avail_in = static_cast<uInt>(got);
  return got > 0;
}

std::size_t ByteSource::read_gzip(std::uint8_t* dst, std::size_t n) {
  Inflater& z = *z_;
  std::size_t produced = 0;
  while (produced < n && !z.at_end) {
    if (z.member_done) {
      // After a member: the end of the file, another member, or garbage.
      if (z.stream.avail_in == 0 && !refill()) {
        z.at_end = true;
        break;
      }
      if (z.stream.avail_in < 2 && z.stream.next_in[0] == 0x1f) {
        // The next member's magic may straddle the buffer boundary: keep the byte, refill.
        const std::uint8_t first = z.stream.next_in[0];
        const std::size_t got = read_raw(z.input.data() + 1, z.input.size() - 1);
        z.input[0] = first;
        z.stream.next_in = z.input.data();
        z.stream.avail_in = static_cast<uInt>(got + 1);
      }
      if (z.stream.avail_in < 2 || z.stream.next_in[0] != 0x1f || z.stream.next_in[1] != 0x8b) {
        throw DataError(fmt::format(
            "{}: trailing garbage after the gzip stream (at byte {} of {}; expected the end "
            "of the file or another gzip member)",
            path_, z.consumed, file_size_));
      }
      inflateReset(&z.stream);
      z.member_done = false;
    }
    if (z.stream.avail_in == 0 && !refill()) {
      throw DataError(fmt::format(
          "{}: truncated gzip file: the compressed data ends at byte {} before the end of "
          "its gzip stream",
          path_, file_size_));
    }
    const uInt before_in = z.stream.avail_in;
    z.stream.next_out = dst + produced;
    const std::size_t room = std::min<std::size_t>(n - produced, 1u << 30);
    z.stream.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&z.stream, Z_NO_FLUSH);
    z.consumed += before_in - z.stream.avail_in;
    produced += room - z.stream.avail_out;
    if (rc == Z_STREAM_END) {
      z.member_done = true;
    } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
      throw DataError(fmt::format("{}: corrupt gzip data near byte {} of {} (zlib: {})", path_,
                                  z.consumed, file_size_,
                                  z.stream.msg ? z.stream.msg : "invalid data"));
    } else if (rc == Z_MEM_ERROR) {
      throw std::bad_alloc();
    }
    // Z_OK / Z_BUF_ERROR: made progress or needs more input; the loop refills.
  }
  return produced;
}

}  // namespace xgrad::detail
