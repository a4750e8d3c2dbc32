#pragma once
// Small data files written by the tests: IDX images/labels (raw or gzip), text files, and a
// per-test temporary directory that is removed afterwards.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

namespace xgrad::test {

namespace fs = std::filesystem;

using Bytes = std::vector<std::uint8_t>;

// A fresh directory for the running test, removed when it goes out of scope.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            (std::string("xgrad-") + info->test_suite_name() + "-" + info->name() + "-" +
             std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

// IDX header + payload. Images: dims = {count, rows, cols}; labels: dims = {count}.
inline Bytes idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                       const Bytes& payload) {
  Bytes out;
  put_u32(out, magic);
  for (std::uint32_t d : dims) put_u32(out, d);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// `count` images of rows×cols whose pixel k of image i is (i * 7 + k) % 256.
inline Bytes image_payload(std::size_t count, std::size_t rows, std::size_t cols) {
  Bytes p(count * rows * cols);
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t k = 0; k < rows * cols; ++k) p[i * rows * cols + k] = std::uint8_t((i * 7 + k) % 256);
  return p;
}

inline Bytes images_file(std::size_t count, std::size_t rows = 28, std::size_t cols = 28) {
  return idx_bytes(0x803, {std::uint32_t(count), std::uint32_t(rows), std::uint32_t(cols)},
                   image_payload(count, rows, cols));
}

// Labels 0,1,…,classes−1,0,1,…
inline Bytes labels_file(std::size_t count, std::size_t classes = 10) {
  Bytes p(count);
  for (std::size_t i = 0; i < count; ++i) p[i] = std::uint8_t(i % classes);
  return idx_bytes(0x801, {std::uint32_t(count)}, p);
}

inline Bytes gzip(const Bytes& raw) {
  uLongf size = compressBound(uLong(raw.size())) + 64;
  Bytes out(size);
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  s.next_in = const_cast<Bytef*>(raw.data());
  s.avail_in = uInt(raw.size());
  s.next_out = out.data();
  s.avail_out = uInt(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

inline void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

// Writes `bytes` to path, gzip-compressed when the name ends in ".gz".
inline void write_idx(const std::string& path, const Bytes& bytes) {
  const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  write_file(path, gz ? gzip(bytes) : bytes);
}

// Runs `f`, expects exception E, and checks that its message contains every fragment.
template <class E, class F>
void expect_error(F&& f, std::initializer_list<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const E& e) {
    const std::string what = e.what();
    for (const std::string& fragment : fragments) {
      EXPECT_NE(what.find(fragment), std::string::npos)
          << "message lacks \"" << fragment << "\": " << what;
    }
  }
}

}  // namespace xgrad::test
