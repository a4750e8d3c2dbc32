#pragma once
/// @file
/// MNIST (and Fashion-MNIST, which has the same files and format) in the book's split:
/// training = official training images 0–49,999, validation = official training images
/// 50,000–59,999, test = the official 10,000 t10k images. Pixels in [0, 1], one-hot
/// targets and integer labels.

#include <cstddef>
#include <string>

#include <xgrad/datasets/dataset.hpp>
#include <xgrad/datasets/idx.hpp>

namespace xgrad::mnist {

/// The three data sets of the book's split.
template <class T>
struct Split {
  Dataset<T> training;    ///< official training images [0, split_at)
  Dataset<T> validation;  ///< official training images [split_at, end)
  Dataset<T> test;        ///< official test images
};

/// What load() reads.
struct LoadOptions {
  /// Take only the first N training / validation / test examples (all by default).
  /// Asking for more than there are is an error.
  std::size_t training_size = all_items;
  std::size_t validation_size = all_items;  ///< take only the first N validation images
  std::size_t test_size = all_items;  ///< take only the first N test images
  /// Where the official training file is cut into training and validation (the book: 50,000).
  std::size_t split_at = 50000;
};

/// Image side of the MNIST format (28 × 28 pixels, 784 inputs).
inline constexpr std::size_t image_side = 28;
/// Number of classes (digits 0–9, or Fashion-MNIST's ten kinds of clothing).
inline constexpr std::size_t num_classes = 10;

/// The four file names without ".gz": train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.
extern const char* const file_names[4];

/// The path of `name` in `dir`: `dir/name` if it exists, else `dir/name.gz` if that exists,
/// else an empty string.
std::string find_file(const std::string& dir, const std::string& name);

/// True when `dir` holds all four files (raw or .gz).
bool has_files(const std::string& dir);

/// Reads the four IDX files in `dir` (each raw or gzip) and returns the split. Every file
/// is validated completely before anything is kept, and all are read before this returns.
/// Throws DataError when a file is missing or corrupt, images are not 28×28, image and
/// label counts differ, a label is not 0–9, or a requested size exceeds what there is.
template <class T>
Split<T> load(const std::string& dir, const LoadOptions& options = {});

}  // namespace xgrad::mnist
