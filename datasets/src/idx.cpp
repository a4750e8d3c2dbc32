#include "xgrad/datasets/idx.hpp"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "byte_source.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/memory.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad::idx {
namespace {

constexpr std::size_t kChunk = 1 << 14;

const char* kind_name(Kind kind) { return kind == Kind::images ? "images" : "labels"; }

std::uint32_t big_endian(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 |
         std::uint32_t(p[3]);
}

}  // namespace

std::uint32_t magic_number(Kind kind) { return kind == Kind::images ? 0x803u : 0x801u; }

Reader::Reader(const std::string& path, Kind kind)
    : path_(path), kind_(kind), source_(std::make_unique<detail::ByteSource>(path)) {
  const std::size_t ndims = kind == Kind::images ? 3 : 1;
  const std::size_t header_size = 4 + 4 * ndims;
  std::array<std::uint8_t, 16> header{};
  const std::size_t got = source_->read(header.data(), header_size);
  const std::uint32_t expected = magic_number(kind);
  if (got < 4) {
    throw DataError(fmt::format("{}: {} bytes, too short for an IDX header (expected a {}-byte "
                                "header starting with magic number 0x{:08x} ({}))",
                                path_, got, header_size, expected, kind_name(kind)));
  }
  const std::uint32_t magic = big_endian(header.data());
  if (magic != expected) {
    const Kind other = kind == Kind::images ? Kind::labels : Kind::images;
    throw DataError(fmt::format("{}: magic number 0x{:08x}, expected 0x{:08x} ({}){}", path_,
                                magic, expected, kind_name(kind),
                                magic == magic_number(other)
                                    ? std::string(other == Kind::images
                                                      ? " — this is an images file (idx3)"
                                                      : " — this is a labels file (idx1)")
                                    : std::string()));
  }
  if (got < header_size) {
    throw DataError(fmt::format("{}: IDX header truncated: {} bytes, expected {} (magic and {} "
                                "dimension{})",
                                path_, got, header_size, ndims, ndims > 1 ? "s" : ""));
  }
  count_ = big_endian(header.data() + 4);
  if (kind == Kind::images) {
    rows_ = big_endian(header.data() + 8);
    cols_ = big_endian(header.data() + 12);
    if (rows_ == 0 || cols_ == 0) {
      throw DataError(fmt::format("{}: images of {}×{} pixels, expected both dimensions to be "
                                  "positive",
                                  path_, rows_, cols_));
    }
  }
  // Both factors are below 2^32 and the item size below 2^64, so only the count can overflow.
  const std::uint64_t item = std::uint64_t(rows_) * cols_;
  if (count_ != 0 && item > std::numeric_limits<std::uint64_t>::max() / count_) {
    throw DataError(fmt::format("{}: declared {} {} of {}×{} overflow 64-bit sizes", path_,
                                count_, kind_name(kind), rows_, cols_));
  }
  const std::uint64_t declared = item * count_;
  const std::string what =
      kind == Kind::images
          ? fmt::format("{} images of {}×{} = {} bytes", count_, rows_, cols_, declared)
          : fmt::format("{} labels = {} bytes", count_, declared);

  // The actual length after the header: from the file size when raw, by decompressing
  // (keeping nothing, and stopping a little past the declared size) when gzip.
  std::uint64_t actual = 0;
  bool at_least = false;
  if (!source_->compressed()) {
    actual = source_->file_size() - header_size;
  } else {
    const std::uint64_t cap = declared + kChunk;
    actual = source_->skip(cap);
    at_least = actual == cap;
    source_->rewind();
    source_->skip(header_size);
  }
  if (actual < declared) {
    throw DataError(fmt::format("{}: declared {} but only {} bytes follow the header{}", path_,
                                what, actual,
                                source_->compressed() ? " (after decompression)" : ""));
  }
  if (actual > declared) {
    throw DataError(fmt::format("{}: trailing garbage: {}{} bytes more than the {} that the "
                                "header declares",
                                path_, at_least ? "at least " : "", actual - declared, what));
  }
}

Reader::~Reader() = default;
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;

bool Reader::compressed() const { return source_->compressed(); }

void Reader::check_room(std::size_t items) const {
  if (items > count_ - position_) {
    throw InvalidArgument(fmt::format("{}: {} {} requested at position {}, but the file has "
                                        "{}",
                                        path_, items, kind_name(kind_), position_, count_));
  }
}

void Reader::read(std::uint8_t* dst, std::size_t items) {
  check_room(items);
  const std::size_t bytes = items * item_size();
  if (source_->read(dst, bytes) != bytes) {
    throw DataError(fmt::format("{}: the file changed while being read (it ended early)", path_));
  }
  position_ += items;
}

template <class T>
void Reader::read_scaled(T* dst, std::size_t items) {
  check_room(items);
  static const std::array<T, 256> scale = [] {
    std::array<T, 256> s{};
    for (std::size_t b = 0; b < 256; ++b) s[b] = static_cast<T>(b) / T(255);
    return s;
  }();
  std::array<std::uint8_t, kChunk> buffer;
  std::size_t left = items * item_size();
  while (left > 0) {
    const std::size_t n = std::min(left, buffer.size());
    if (source_->read(buffer.data(), n) != n) {
      throw DataError(fmt::format("{}: the file changed while being read (it ended early)", path_));
    }
    for (std::size_t k = 0; k < n; ++k) dst[k] = scale[buffer[k]];
    dst += n;
    left -= n;
  }
  position_ += items;
}

void Reader::skip(std::size_t items) {
  check_room(items);
  const std::uint64_t bytes = std::uint64_t(items) * item_size();
  if (source_->skip(bytes) != bytes) {
    throw DataError(fmt::format("{}: the file changed while being read (it ended early)", path_));
  }
  position_ += items;
}

template <class T>
Matrix<T> read_images(Reader& reader, std::size_t n) {
  Matrix<T> out = xt::empty<T>({n, reader.item_size()});
  advise_huge_pages(out.data(), out.size() * sizeof(T));  // before the first touch
  reader.read_scaled(out.data(), n);
  return out;
}

template <class T>
Matrix<T> read_images(const std::string& path, std::size_t max_count) {
  Reader reader(path, Kind::images);
  return read_images<T>(reader, std::min(max_count, reader.count()));
}

void read_labels(Reader& reader, std::size_t n, std::size_t num_classes,
                 std::vector<std::size_t>& out) {
  std::array<std::uint8_t, kChunk> buffer;
  out.reserve(out.size() + n);
  for (std::size_t done = 0; done < n;) {
    const std::size_t first = reader.position();
    const std::size_t k = std::min(n - done, buffer.size());
    reader.read(buffer.data(), k);
    for (std::size_t i = 0; i < k; ++i) {
      if (buffer[i] >= num_classes) {
        throw DataError(fmt::format("{}: label {} at index {} is out of range (expected 0 to {})",
                                    reader.path(), buffer[i], first + i, num_classes - 1));
      }
      out.push_back(buffer[i]);
    }
    done += k;
  }
}

std::vector<std::size_t> read_labels(const std::string& path, std::size_t num_classes,
                                     std::size_t max_count) {
  Reader reader(path, Kind::labels);
  std::vector<std::size_t> labels;
  read_labels(reader, std::min(max_count, reader.count()), num_classes, labels);
  return labels;
}

#define XGRAD_INSTANTIATE(T)                                             \
  template void Reader::read_scaled<T>(T*, std::size_t);                 \
  template Matrix<T> read_images<T>(Reader&, std::size_t);              \
  template Matrix<T> read_images<T>(const std::string&, std::size_t);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad::idx
