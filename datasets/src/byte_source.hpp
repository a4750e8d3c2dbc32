#pragma once
// Sequential bytes of a file, raw or gzip-compressed (decompressed by zlib as it is read).
// Private to the datasets module: the IDX reader and the checksum-free parsers build on it.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace xgrad::detail {

class ByteSource {
 public:
  // Opens `path`. A file is read as gzip when it starts with the gzip magic bytes 1f 8b;
  // a file whose name ends in ".gz" but does not start with them is an error. Throws
  // DataError naming the path when the file cannot be opened or is not a regular file.
  explicit ByteSource(std::string path);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Reads up to n bytes into dst and returns how many were read: fewer only at the end of
  // the (decompressed) data. Throws DataError on corrupt or truncated gzip data and on
  // bytes after the end of the last gzip member that do not start another member.
  std::size_t read(std::uint8_t* dst, std::size_t n);
  // Skips up to n bytes; returns how many were skipped.
  std::uint64_t skip(std::uint64_t n);
  // Starts again from the first byte.
  void rewind();

  const std::string& path() const { return path_; }
  bool compressed() const { return gzip_; }
  // Size of the file on disk (compressed size for gzip).
  std::uint64_t file_size() const { return file_size_; }

 private:
  std::size_t read_raw(std::uint8_t* dst, std::size_t n);
  std::size_t read_gzip(std::uint8_t* dst, std::size_t n);
  bool refill();  // more compressed input; false at end of file

  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t file_size_ = 0;
  bool gzip_ = false;
  struct Inflater;
  std::unique_ptr<Inflater> z_;
};

}  // namespace xgrad::detail
