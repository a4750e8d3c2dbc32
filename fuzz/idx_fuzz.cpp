// Fuzz target: the IDX reader (idx::Reader, read_images, read_labels) on raw and gzip files.
//
// The first input byte picks the case; the rest is the file:
//   bit 0  images (idx3) instead of labels (idx1)
//   bit 1  gzip-compress the rest before writing it (so the fuzzer explores IDX structure
//          behind the gzip path; without it, gzip inputs are read as given, corrupt or not)
//   bit 2  name the file "*.gz" (a raw file so named must be refused)
//   bits 4–7  how many items to read (0: all), through the whole-file functions and the
//          Reader's skip()/read()
// The only acceptable failure is DataError; results must have the declared shape and
// pixels must lie in [0, 1], labels below 10.

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <xgrad/datasets/errors.hpp>
#include <xgrad/datasets/idx.hpp>

namespace {

// A private directory for the input file, removed at exit. Never destroyed itself: the
// atexit handler runs after static destructors.
const std::string& scratch_dir() {
  static const std::string* dir = [] {
    const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string templ = std::string(base) + "/xgrad-fuzz-idx-XXXXXX";
    if (!::mkdtemp(templ.data())) std::abort();
    auto* path = new std::string(templ);
    std::atexit([] { std::filesystem::remove_all(scratch_dir()); });
    return path;
  }();
  return *dir;
}

std::vector<std::uint8_t> gzip(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> out(compressBound(uLong(size)) + 64);
  z_stream s{};
  if (deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  s.next_in = const_cast<Bytef*>(data);
  s.avail_in = uInt(size);
  s.next_out = out.data();
  s.avail_out = uInt(out.size());
  if (deflate(&s, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

void write(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

void check(bool ok) {
  if (!ok) std::abort();
}

void read_file(const std::string& path, bool images, std::size_t max_count) {
  using namespace xgrad;
  idx::Reader reader(path, images ? idx::Kind::images : idx::Kind::labels);
  const std::size_t n = std::min(max_count, reader.count());
  if (images) {
    const Matrix<float> pixels = idx::read_images<float>(path, max_count);
    check(pixels.shape()[0] == n && pixels.shape()[1] == reader.item_size());
    for (float p : pixels) check(p >= 0.0f && p <= 1.0f);
    // The same bytes through the Reader: skip half, read the rest.
    reader.skip(n / 2);
    std::vector<std::uint8_t> bytes((n - n / 2) * reader.item_size());
    reader.read(bytes.data(), n - n / 2);
    for (std::size_t k = 0; k < bytes.size(); ++k) {
      check(pixels.flat((n / 2) * reader.item_size() + k) == float(bytes[k]) / 255.0f);
    }
  } else {
    const std::vector<std::size_t> labels = idx::read_labels(path, 10, max_count);
    check(labels.size() == n);
    for (std::size_t label : labels) check(label < 10);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const bool images = mode & 1, compress = mode & 2, gz_name = mode & 4;
  const std::size_t max_count = (mode >> 4) == 0 ? xgrad::all_items : std::size_t(mode >> 4);
  const std::string path = scratch_dir() + (gz_name ? "/input.gz" : "/input");
  if (compress) {
    const std::vector<std::uint8_t> z = gzip(data + 1, size - 1);
    write(path, z.data(), z.size());
  } else {
    write(path, data + 1, size - 1);
  }
  try {
    read_file(path, images, max_count);
  } catch (const xgrad::DataError&) {
    // A documented rejection of bad input.
  }
  std::remove(path.c_str());
  return 0;
}
