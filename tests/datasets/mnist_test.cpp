// The MNIST split on small synthetic files (layout, sizes, and every cross-file error), and
// on the real files when they are present: checksums, counts, first labels, class counts.
// Fashion-MNIST loads through the same code (Debian package dataset-fashion-mnist).

#include <array>
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include <xgrad/datasets/data_location.hpp>
#include <xgrad/datasets/mnist.hpp>

#include "files.hpp"
#include "real_data.hpp"

namespace xgrad {
namespace {

using test::expect_error;
using test::TempDir;

// A synthetic MNIST directory: 12 training and 5 test images (28×28), labels i % 10.
void write_mnist(const TempDir& dir, std::size_t train = 12, std::size_t test = 5) {
  test::write_idx(dir / "train-images-idx3-ubyte.gz", test::images_file(train));
  test::write_idx(dir / "train-labels-idx1-ubyte.gz", test::labels_file(train));
  test::write_idx(dir / "t10k-images-idx3-ubyte", test::images_file(test));
  test::write_idx(dir / "t10k-labels-idx1-ubyte.gz", test::labels_file(test));
}

mnist::LoadOptions split_at(std::size_t n) {
  mnist::LoadOptions o;
  o.split_at = n;
  return o;
}

TEST(Mnist, book_split_of_synthetic_files) {
  TempDir dir;
  write_mnist(dir);
  const auto all = idx::read_images<float>(dir / "train-images-idx3-ubyte.gz");
  const auto split = mnist::load<float>(dir.path().string(), split_at(8));
  EXPECT_EQ(split.training.size(), 8u);
  EXPECT_EQ(split.validation.size(), 4u);
  EXPECT_EQ(split.test.size(), 5u);
  EXPECT_EQ(split.training.input_size(), 784u);
  EXPECT_EQ(split.training.num_classes(), 10u);
  for (std::size_t k = 0; k < 784; ++k) {
    EXPECT_EQ(split.training.inputs()(7, k), all(7, k));
    EXPECT_EQ(split.validation.inputs()(0, k), all(8, k));
  }
  EXPECT_EQ(split.validation.labels(), (std::vector<std::size_t>{8, 9, 0, 1}));
  EXPECT_EQ(split.test.labels(), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(split.validation.targets()(1, 9), 1.0f);
}

TEST(Mnist, first_n_of_each) {
  TempDir dir;
  write_mnist(dir);
  auto options = split_at(8);
  options.training_size = 3;
  options.validation_size = 2;
  options.test_size = 1;
  const auto split = mnist::load<double>(dir.path().string(), options);
  const auto full = mnist::load<double>(dir.path().string(), split_at(8));
  EXPECT_EQ(split.training.inputs(), full.training.head(3).inputs());
  EXPECT_EQ(split.validation.inputs(), full.validation.head(2).inputs());
  EXPECT_EQ(split.test.labels(), (std::vector<std::size_t>{0}));
  options.validation_size = 5;
  expect_error<DataError>([&] { mnist::load<double>(dir.path().string(), options); },
                          {"validation size 5 requested", "has only 4"});
}

TEST(Mnist, images_and_labels_count_mismatch) {
  TempDir dir;
  write_mnist(dir);
  test::write_idx(dir / "train-labels-idx1-ubyte.gz", test::labels_file(11));
  expect_error<DataError>([&] { mnist::load<float>(dir.path().string(), split_at(8)); },
                          {"train-images-idx3-ubyte.gz has 12 images but",
                           "train-labels-idx1-ubyte.gz has 11 labels (expected one label per "
                           "image)"});
}

TEST(Mnist, wrong_image_dimensions) {
  TempDir dir;
  write_mnist(dir);
  test::write_idx(dir / "t10k-images-idx3-ubyte", test::images_file(5, 27, 28));
  expect_error<DataError>([&] { mnist::load<float>(dir.path().string(), split_at(8)); },
                          {"t10k-images-idx3-ubyte: images are 27×28 pixels, expected 28×28"});
}

TEST(Mnist, labels_out_of_range) {
  TempDir dir;
  write_mnist(dir);
  test::write_idx(dir / "t10k-labels-idx1-ubyte.gz", test::idx_bytes(0x801, {5}, {0, 1, 10, 3, 4}));
  expect_error<DataError>([&] { mnist::load<float>(dir.path().string(), split_at(8)); },
                          {"t10k-labels-idx1-ubyte.gz: label 10 at index 2 is out of range "
                           "(expected 0 to 9)"});
}

TEST(Mnist, too_few_images_for_the_split) {
  TempDir dir;
  write_mnist(dir);
  expect_error<DataError>([&] { mnist::load<float>(dir.path().string()); },
                          {"has 12 images, but the split needs more than 50000"});
}

TEST(Mnist, missing_file_and_corrupt_file_are_reported_before_reading) {
  TempDir dir;
  write_mnist(dir);
  std::filesystem::remove(dir / "t10k-labels-idx1-ubyte.gz");
  expect_error<DataError>([&] { mnist::load<float>(dir.path().string(), split_at(8)); },
                          {"no t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz"});
  write_mnist(dir);
  test::write_file(dir / "t10k-labels-idx1-ubyte.gz", {1, 2, 3});
  expect_error<DataError>([&] { mnist::load<float>(dir.path().string(), split_at(8)); },
                          {"t10k-labels-idx1-ubyte.gz: not a gzip file"});
}

// ---- The real files (see real_data.hpp: skipped where absent, required in CI) ---------

std::string md5sum(const std::string& path) {
  std::string command = "md5sum '" + path + "'";
  std::FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 33> digest{};
  if (!pipe) return {};
  const std::size_t got = std::fread(digest.data(), 1, 32, pipe);
  pclose(pipe);
  return std::string(digest.data(), got);
}

std::vector<std::size_t> class_counts(const std::vector<std::size_t>& labels) {
  std::vector<std::size_t> counts(10);
  for (std::size_t l : labels) ++counts[l];
  return counts;
}

// The files found are the official ones: uncompressed as scripts/get-mnist stores them, or
// the published .gz files.
TEST(MnistReal, official_checksums) {
  std::string why;
  const std::string dir = test::real_mnist_dir(why);
  XGRAD_REQUIRE_DATA(dir, why);
  const std::array<const char*, 4> raw_md5 = {
      "6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624",
      "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"};
  const std::array<const char*, 4> gz_md5 = {
      "f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
      "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string path = mnist::find_file(dir, mnist::file_names[i]);
    const bool gz = path.size() > 3 && path.substr(path.size() - 3) == ".gz";
    EXPECT_EQ(md5sum(path), gz ? gz_md5[i] : raw_md5[i]) << path;
  }
}

TEST(MnistReal, book_split_counts_labels_and_classes) {
  std::string why;
  const std::string dir = test::real_mnist_dir(why);
  XGRAD_REQUIRE_DATA(dir, why);
  const auto split = mnist::load<float>(dir);
  EXPECT_EQ(split.training.size(), 50000u);
  EXPECT_EQ(split.validation.size(), 10000u);
  EXPECT_EQ(split.test.size(), 10000u);
  EXPECT_EQ(split.training.input_size(), 784u);
  const auto& train = split.training.labels();
  const auto& test = split.test.labels();
  EXPECT_EQ(std::vector<std::size_t>(train.begin(), train.begin() + 10),
            (std::vector<std::size_t>{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}));
  EXPECT_EQ(std::vector<std::size_t>(test.begin(), test.begin() + 10),
            (std::vector<std::size_t>{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}));
  std::vector<std::size_t> official = class_counts(train);
  const auto valid = class_counts(split.validation.labels());
  for (std::size_t c = 0; c < 10; ++c) official[c] += valid[c];
  EXPECT_EQ(official, (std::vector<std::size_t>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265,
                                                5851, 5949}));
  EXPECT_EQ(class_counts(test),
            (std::vector<std::size_t>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
  EXPECT_EQ(xt::amin(split.training.inputs())(), 0.0f);
  EXPECT_EQ(xt::amax(split.training.inputs())(), 1.0f);
  // Pixels b / 255: the Batcher gathers them as bytes (a quarter of the memory traffic).
  EXPECT_NE(split.training.byte_inputs(), nullptr);
}

TEST(MnistReal, subsets_and_dtypes_agree_with_the_full_load) {
  std::string why;
  const std::string dir = test::real_mnist_dir(why);
  XGRAD_REQUIRE_DATA(dir, why);
  mnist::LoadOptions options;
  options.training_size = 1000;
  options.validation_size = 100;
  options.test_size = 10;
  const auto small = mnist::load<double>(dir, options);
  const auto full = mnist::load<float>(dir);
  EXPECT_EQ(small.training.size(), 1000u);
  for (std::size_t k = 0; k < 784; ++k) {
    EXPECT_EQ(float(small.training.inputs()(999, k)), full.training.inputs()(999, k));
    EXPECT_EQ(float(small.validation.inputs()(99, k)), full.validation.inputs()(99, k));
    EXPECT_EQ(float(small.test.inputs()(9, k)), full.test.inputs()(9, k));
  }
  EXPECT_NE(small.training.byte_inputs(), nullptr);  // in float64 too
}

TEST(FashionMnist, loads_through_the_same_code) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  XGRAD_REQUIRE_DATA(mnist::has_files(dir) ? dir : std::string(),
                     "Debian package dataset-fashion-mnist not installed (scripts/setup.sh installs it)");
  const auto split = mnist::load<float>(dir);
  EXPECT_EQ(split.training.size(), 50000u);
  EXPECT_EQ(split.validation.size(), 10000u);
  EXPECT_EQ(split.test.size(), 10000u);
  const auto& train = split.training.labels();
  EXPECT_EQ(std::vector<std::size_t>(train.begin(), train.begin() + 5),
            (std::vector<std::size_t>{9, 0, 0, 3, 0}));  // ankle boot, T-shirt, T-shirt, dress, T-shirt
  std::vector<std::size_t> counts = class_counts(train);
  const auto valid = class_counts(split.validation.labels());
  for (std::size_t c = 0; c < 10; ++c) EXPECT_EQ(counts[c] + valid[c], 6000u);
  EXPECT_EQ(class_counts(split.test.labels()), std::vector<std::size_t>(10, 1000));
}

}  // namespace
}  // namespace xgrad
