#include "xgrad/datasets/mnist.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad::mnist {
namespace {

namespace fs = std::filesystem;

std::string require_file(const std::string& dir, const char* name) {
  std::string path = find_file(dir, name);
  if (path.empty()) {
    throw DataError(fmt::format("{}: no {} or {}.gz (expected the four MNIST-format IDX files: "
                                "train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                                "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz)",
                                dir, name, name));
  }
  return path;
}

// An images reader and a labels reader that agree with each other and the MNIST format.
struct Pair {
  idx::Reader images, labels;
  Pair(const std::string& dir, const char* images_name, const char* labels_name)
      : images(require_file(dir, images_name), idx::Kind::images),
        labels(require_file(dir, labels_name), idx::Kind::labels) {
    if (images.rows() != image_side || images.cols() != image_side) {
      throw DataError(fmt::format("{}: images are {}×{} pixels, expected {}×{} (MNIST format)",
                                  images.path(), images.rows(), images.cols(), image_side,
                                  image_side));
    }
    if (images.count() != labels.count()) {
      throw DataError(fmt::format("{} has {} images but {} has {} labels (expected one label "
                                  "per image)",
                                  images.path(), images.count(), labels.path(), labels.count()));
    }
  }
};

std::size_t take(std::size_t wanted, std::size_t available, const char* what,
                 const std::string& file) {
  if (wanted == all_items) return available;
  if (wanted > available) {
    throw DataError(fmt::format("{} size {} requested, but {} has only {}", what, wanted, file,
                                available));
  }
  return wanted;
}

// The next n examples of `pair`.
template <class T>
Dataset<T> read_examples(Pair& pair, std::size_t n) {
  Matrix<T> x = idx::read_images<T>(pair.images, n);
  std::vector<std::size_t> labels;
  idx::read_labels(pair.labels, n, num_classes, labels);
  return Dataset<T>::classification(std::move(x), std::move(labels), num_classes);
}

}  // namespace

const char* const file_names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

std::string find_file(const std::string& dir, const std::string& name) {
  std::error_code ec;
  for (const std::string& candidate : {name, name + ".gz"}) {
    const fs::path p = fs::path(dir) / candidate;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

bool has_files(const std::string& dir) {
  for (const char* name : file_names)
    if (find_file(dir, name).empty()) return false;
  return true;
}

template <class T>
Split<T> load(const std::string& dir, const LoadOptions& options) {
  // Open and validate all four files before keeping anything.
  Pair train(dir, file_names[0], file_names[1]);
  Pair test(dir, file_names[2], file_names[3]);
  const std::size_t count = train.images.count();
  if (count <= options.split_at) {
    throw DataError(fmt::format("{} has {} images, but the split needs more than {} (training "
                                "0–{}, validation {}–end)",
                                train.images.path(), count, options.split_at,
                                options.split_at - 1, options.split_at));
  }
  const std::size_t n_train = take(options.training_size, options.split_at, "training",
                                   train.images.path() + " before the split");
  const std::size_t n_valid = take(options.validation_size, count - options.split_at,
                                   "validation", train.images.path() + " after the split");
  const std::size_t n_test = take(options.test_size, test.images.count(), "test",
                                  test.images.path());
  Split<T> split;
  split.training = read_examples<T>(train, n_train);
  train.images.skip(options.split_at - n_train);
  train.labels.skip(options.split_at - n_train);
  split.validation = read_examples<T>(train, n_valid);
  split.test = read_examples<T>(test, n_test);
  return split;
}

#define XGRAD_INSTANTIATE(T) \
  template Split<T> load<T>(const std::string&, const LoadOptions&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad::mnist
