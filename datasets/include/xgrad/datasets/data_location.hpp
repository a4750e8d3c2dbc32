#pragma once
/// @file
/// Where the MNIST data comes from, so that every program finds it the same way and can say
/// where it came from.
///
/// In order:
/// 1. an explicit directory (a program's `--data DIR`);
/// 2. the environment variable `XGRAD_DATA`;
/// 3. `data/mnist/` in the checkout xgrad was built from (git-ignored; `scripts/setup.sh`
///    fills it through `scripts/get-mnist`).
///
/// A directory given explicitly or by `XGRAD_DATA` must hold the four files: if it does
/// not, that is an error rather than a silent fall-back to other data. The library only
/// reads: it downloads nothing and runs no external program; `scripts/get-mnist` fetches
/// the data.

#include <string>

#include <xgrad/datasets/mnist.hpp>

namespace xgrad::mnist {

/// Where the data was found.
struct DataSource {
  /// The directory holding the four IDX files (raw or .gz).
  std::string path;
  /// One line for the user: where the data came from and why.
  std::string description;
};

/// How locate() searches.
struct LocateOptions {
  /// An explicit directory (`--data DIR`); empty for none.
  std::string dir;
  /// Name of the environment variable consulted second; empty to skip it.
  std::string env_var = "XGRAD_DATA";
  /// The checkout whose `data/mnist/` is consulted last; defaults to the source directory
  /// xgrad was built from (CMake's `XGRAD_DATA_CHECKOUT`; an installed library keeps that
  /// path, which is simply skipped once it no longer exists). Empty to skip it.
  std::string checkout = default_checkout();

  /// The source directory xgrad was built from (`XGRAD_DATA_CHECKOUT`), or an empty string
  /// if the library was built with it empty.
  static std::string default_checkout();
};

/// Finds the data (see the file comment for the order). Throws DataError when an explicit
/// or `XGRAD_DATA` directory lacks the files, or when nothing is found; the message lists
/// every place looked at and the command that fetches the data.
DataSource locate(const LocateOptions& options = {});

/// Loads the split from a located source (see mnist::load).
template <class T>
Split<T> load(const DataSource& source, const LoadOptions& options = {});

}  // namespace xgrad::mnist
