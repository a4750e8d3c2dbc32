#include "xgrad/datasets/data_location.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad::mnist {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string normal(const fs::path& p) { return p.lexically_normal().string(); }

// The one command that fetches the data: the checkout's own script when the checkout is
// known, so that it can be run from anywhere.
std::string fetch_command(const std::string& checkout) {
  return checkout.empty() ? std::string("scripts/get-mnist (in xgrad's source tree)")
                          : normal(fs::path(checkout) / "scripts" / "get-mnist");
}

}  // namespace

std::string LocateOptions::default_checkout() {
#ifdef XGRAD_SOURCE_DIR
  return XGRAD_SOURCE_DIR;
#else
  return {};
#endif
}

DataSource locate(const LocateOptions& options) {
  const auto explicit_dir = [&](const std::string& dir, const std::string& why) {
    if (!has_files(dir)) {
      throw DataError(fmt::format("{} (from {}) does not hold the four MNIST-format files "
                                  "train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                                  "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz); "
                                  "{} fetches them",
                                  dir, why, fetch_command(options.checkout)));
    }
    return DataSource{dir, fmt::format("MNIST-format IDX files in {} ({})", dir, why)};
  };
  if (!options.dir.empty()) return explicit_dir(options.dir, "--data");
  std::vector<std::string> looked;
  if (!options.env_var.empty()) {
    if (const std::string dir = env(options.env_var.c_str()); !dir.empty()) {
      return explicit_dir(dir, "$" + options.env_var);
    }
    looked.push_back("$" + options.env_var + " (unset)");
  }
  if (!options.checkout.empty()) {
    const std::string own = normal(fs::path(options.checkout) / "data" / "mnist");
    if (has_files(own)) {
      return DataSource{own, fmt::format("MNIST-format IDX files in {} (the checkout's data/mnist/)", own)};
    }
    looked.push_back(own);
  }
  throw DataError(fmt::format(
      "no MNIST data found; looked in: {}. Run {} to fetch it (55 MB, checksums verified), "
      "or pass --data DIR or set {} to a directory holding the four IDX files",
      looked.empty() ? std::string("nowhere (no --data, no environment variable, no checkout)")
                     : fmt::format("{}", fmt::join(looked, ", ")),
      fetch_command(options.checkout), options.env_var.empty() ? "XGRAD_DATA" : options.env_var));
}

template <class T>
Split<T> load(const DataSource& source, const LoadOptions& options) {
  return load<T>(source.path, options);
}

#define XGRAD_INSTANTIATE(T) \
  template Split<T> load<T>(const DataSource&, const LoadOptions&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad::mnist
