#pragma once
/// @file
/// Reader for the IDX format of MNIST and Fashion-MNIST: unsigned-byte images (idx3,
/// magic 0x00000803: count, rows, columns) and labels (idx1, magic 0x00000801: count),
/// big-endian header followed by the raw bytes, either as is or gzip-compressed.
///
/// Every file is validated completely before anything is allocated for its contents: magic
/// number, dimensions, and the declared length against the actual length (for gzip, by a
/// first decompression pass that keeps nothing). So a truncated file, trailing garbage or a
/// header that declares far more data than the file holds is an error, never a huge
/// allocation — even when only the first few items are requested.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/autograd/tensor.hpp>
#include <xgrad/datasets/errors.hpp>

namespace xgrad {
namespace detail {
class ByteSource;
}

/// "All of them" for the `max_count`-style arguments of the loaders.
inline constexpr std::size_t all_items = std::numeric_limits<std::size_t>::max();

namespace idx {

/// What an IDX file holds.
enum class Kind {
  images,  ///< idx3-ubyte: magic 0x00000803, dimensions (count, rows, columns)
  labels,  ///< idx1-ubyte: magic 0x00000801, dimension (count)
};

/// The magic number of a kind (0x00000803 for images, 0x00000801 for labels).
std::uint32_t magic_number(Kind kind);

/// A validated IDX file, read sequentially item by item (an item is one image or label).
///
/// The constructor checks the header and the whole file's length, so every read() and
/// skip() within count() succeeds unless the file changes underneath.
class Reader {
 public:
  /// Opens and validates `path` (raw, or gzip when it starts with the gzip magic bytes).
  /// Throws DataError naming the file, what is wrong and what was expected.
  Reader(const std::string& path, Kind kind);
  ~Reader();
  Reader(Reader&&) noexcept;  ///< moves the open file
  Reader& operator=(Reader&&) noexcept;  ///< moves the open file

  /// Number of items the header declares (and the file holds).
  std::size_t count() const { return count_; }
  /// Image height (1 for labels).
  std::size_t rows() const { return rows_; }
  /// Image width (1 for labels).
  std::size_t cols() const { return cols_; }
  /// Bytes per item: rows() × cols().
  std::size_t item_size() const { return rows_ * cols_; }
  /// Items already read or skipped.
  std::size_t position() const { return position_; }
  Kind kind() const { return kind_; }  ///< images or labels
  const std::string& path() const { return path_; }  ///< the file being read
  /// True when the file is gzip-compressed.
  bool compressed() const;

  /// Reads the next `items` items (items × item_size() bytes) into dst.
  /// Throws std::out_of_range when fewer than `items` remain.
  void read(std::uint8_t* dst, std::size_t items);
  /// Reads the next `items` items as T in [0, 1] (byte / 255) into dst, without a
  /// full-size byte buffer in between.
  template <class T>
  void read_scaled(T* dst, std::size_t items);
  /// Skips the next `items` items.
  void skip(std::size_t items);

 private:
  void check_room(std::size_t items) const;
  std::string path_;
  Kind kind_;
  std::size_t count_ = 0, rows_ = 1, cols_ = 1, position_ = 0;
  std::unique_ptr<detail::ByteSource> source_;
};

/// Images of an idx3 file as a (count × rows·cols) matrix with pixels byte / 255 in [0, 1],
/// one image per row (row-major pixels). Reads the first `max_count` images (all by
/// default); the whole file is validated regardless.
template <class T>
Matrix<T> read_images(const std::string& path, std::size_t max_count = all_items);

/// Labels of an idx1 file. Each must be below `num_classes`, otherwise DataError names the
/// label and its index. Reads the first `max_count` labels (all by default); the whole file
/// is validated regardless.
std::vector<std::size_t> read_labels(const std::string& path, std::size_t num_classes = 10,
                                     std::size_t max_count = all_items);

/// The next `n` images of `reader` as an (n × rows·cols) matrix with pixels byte / 255, read
/// into memory advised for huge pages (advise_huge_pages(): a data set is large and filled
/// once). Throws std::out_of_range when fewer than `n` remain.
template <class T>
Matrix<T> read_images(Reader& reader, std::size_t n);

/// Reads the next `n` labels of `reader` into out (appending), checking each is below
/// `num_classes`.
void read_labels(Reader& reader, std::size_t n, std::size_t num_classes,
                 std::vector<std::size_t>& out);

}  // namespace idx
}  // namespace xgrad
