// Where the data comes from: explicit directory, environment variable, then the checkout's
// data/mnist/; nothing else, and an error that says how to fetch the data.

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include <xgrad/datasets/data_location.hpp>

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

mnist::LocateOptions isolated(const TempDir& dir) {
  mnist::LocateOptions o;
  o.env_var = "XGRAD_TEST_DATA_UNSET";
  o.checkout = (dir.path() / "repo").string();
  return o;
}

TEST(DataLocation, order_of_precedence) {
  TempDir dir;
  auto o = isolated(dir);
  // Nothing beside the checkout is looked at, however it is named.
  write_mnist_files(dir.path() / "shared" / "data" / "mnist");
  write_mnist_files(dir.path() / "data" / "mnist");
  EXPECT_THROW(mnist::locate(o), DataError);

  write_mnist_files(dir.path() / "repo" / "data" / "mnist");
  mnist::DataSource s = mnist::locate(o);
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
                          {dir / "nowhere", "(from --data) does not hold the four",
                           dir / "repo/scripts/get-mnist fetches them"});
  o.dir.clear();
  ::setenv("XGRAD_TEST_DATA", (dir / "repo").c_str(), 1);
  o.env_var = "XGRAD_TEST_DATA";
  expect_error<DataError>([&] { mnist::locate(o); }, {"(from $XGRAD_TEST_DATA) does not hold"});
  ::unsetenv("XGRAD_TEST_DATA");
}

TEST(DataLocation, nothing_found_lists_every_place) {
  TempDir dir;
  expect_error<DataError>([&] { mnist::locate(isolated(dir)); },
                          {"no MNIST data found; looked in: $XGRAD_TEST_DATA_UNSET (unset), " +
                               dir / "repo/data/mnist. Run " + dir / "repo/scripts/get-mnist",
                           "checksums verified", "--data DIR"});
  mnist::LocateOptions none;
  none.env_var.clear();
  none.checkout.clear();
  expect_error<DataError>([&] { mnist::locate(none); },
                          {"looked in: nowhere", "scripts/get-mnist (in xgrad's source tree)"});
}

// The library reads only: with nothing found it neither downloads nor creates anything.
TEST(DataLocation, creates_nothing_when_nothing_is_found) {
  TempDir dir;
  fs::create_directories(dir.path() / "repo");
  EXPECT_THROW(mnist::locate(isolated(dir)), DataError);
  EXPECT_TRUE(fs::is_empty(dir.path() / "repo"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace xgrad
