#include "xgrad/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "xgrad/autograd/errors.hpp"

namespace xgrad {
namespace {

// The test seam's limit: the number in XGRAD_TEST_FAIL_WRITE_AFTER_BYTES, or "no limit".
std::size_t simulated_failure_after() {
  const char* text = std::getenv("XGRAD_TEST_FAIL_WRITE_AFTER_BYTES");
  if (text == nullptr || *text == '\0') return std::numeric_limits<std::size_t>::max();
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text, &end, 10);
  if (*end != '\0') return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(n);
}

[[noreturn]] void throw_errno(int error, const std::string& path, const std::string& step) {
  throw IoError(std::error_code(error, std::generic_category()),
                fmt::format("cannot write {}: {}", path, step));
}

// Owns the temporary file until it has been renamed: closes and removes it otherwise.
class TempFile {
 public:
  explicit TempFile(const std::string& target) {
    const std::size_t slash = target.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
      path_ = fmt::format("{}.{}.tmp-{}-{}", dir, name, ::getpid(), counter++);
      // O_EXCL: never reuse (or follow a link at) an existing name; 0666 less the umask,
      // as any newly created file.
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ >= 0 || errno != EEXIST) break;
    }
    if (fd_ < 0) {
      const int error = errno;
      path_.clear();
      throw_errno(error, target, "cannot create a temporary file beside it");
    }
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Closes the descriptor; returns 0 or the errno of a failed close.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  // The file now lives under another name: nothing to remove.
  void release() { path_.clear(); }

 private:
  std::string path_;
  int fd_ = -1;
};

void write_all(TempFile& file, std::string_view contents, const std::string& target) {
  const std::size_t fail_after = simulated_failure_after();
  std::size_t written = 0;
  while (written < contents.size()) {
    std::size_t chunk = contents.size() - written;
    if (written >= fail_after) {
      throw_errno(EIO, target,
                  fmt::format("simulated write failure after {} bytes "
                              "(XGRAD_TEST_FAIL_WRITE_AFTER_BYTES)", written));
    }
    if (fail_after - written < chunk) chunk = fail_after - written;
    const ssize_t n = ::write(file.fd(), contents.data() + written, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, target, fmt::format("write to {} failed", file.path()));
    }
    written += static_cast<std::size_t>(n);
  }
}

// Makes the rename durable. Best effort: some file systems refuse fsync on directories.
void sync_directory(const std::string& target) {
  const std::size_t slash = target.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash + 1);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  if (path.empty()) throw_errno(ENOENT, "\"\"", "the path is empty");
  TempFile file(path);
  write_all(file, contents, path);
  while (::fsync(file.fd()) != 0) {
    if (errno != EINTR) throw_errno(errno, path, fmt::format("fsync of {} failed", file.path()));
  }
  if (const int error = file.close()) {
    throw_errno(error, path, fmt::format("close of {} failed", file.path()));
  }
  if (::rename(file.path().c_str(), path.c_str()) != 0) {
    throw_errno(errno, path, fmt::format("rename of {} over it failed", file.path()));
  }
  file.release();
  sync_directory(path);
}

}  // namespace xgrad
