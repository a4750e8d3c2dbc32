// The IDX reader on small files written by the test: correct files raw and gzip, and each
// kind of corrupt file, whose error must say what is wrong, where and what was expected.

#include <gtest/gtest.h>

#include <xtensor/xview.hpp>

#include <xgrad/datasets/idx.hpp>

#include "alloc_tracker.hpp"
#include "files.hpp"

namespace xgrad {
namespace {

using test::Bytes;
using test::expect_error;
using test::TempDir;

TEST(Idx, reads_raw_images_scaled_to_unit_interval) {
  TempDir dir;
  test::write_idx(dir / "img", test::images_file(3, 2, 4));
  const Matrix<double> x = idx::read_images<double>(dir / "img");
  ASSERT_EQ(shape_of(x), (Shape{3, 8}));
  const Bytes payload = test::image_payload(3, 2, 4);
  for (std::size_t k = 0; k < x.size(); ++k) EXPECT_EQ(x.flat(k), payload[k] / 255.0);
  EXPECT_EQ(idx::read_images<float>(dir / "img")(2, 7), float(payload[23]) / 255.0f);
}

TEST(Idx, gzip_reads_the_same_as_raw) {
  TempDir dir;
  test::write_idx(dir / "img", test::images_file(50, 28, 28));
  test::write_idx(dir / "img.gz", test::images_file(50, 28, 28));
  EXPECT_EQ(idx::read_images<float>(dir / "img"), idx::read_images<float>(dir / "img.gz"));
  idx::Reader reader(dir / "img.gz", idx::Kind::images);
  EXPECT_TRUE(reader.compressed());
  EXPECT_EQ(reader.count(), 50u);
  EXPECT_EQ(reader.rows(), 28u);
  EXPECT_EQ(reader.cols(), 28u);
}

TEST(Idx, gzip_with_several_members_is_read_whole) {
  TempDir dir;
  const Bytes whole = test::labels_file(30);
  const Bytes first(whole.begin(), whole.begin() + 20), second(whole.begin() + 20, whole.end());
  Bytes two = test::gzip(first);
  const Bytes tail = test::gzip(second);
  two.insert(two.end(), tail.begin(), tail.end());
  test::write_file(dir / "labels.gz", two);
  const auto labels = idx::read_labels(dir / "labels.gz");
  ASSERT_EQ(labels.size(), 30u);
  for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(labels[i], i % 10);
}

TEST(Idx, reads_the_first_n_and_skips) {
  TempDir dir;
  test::write_idx(dir / "img.gz", test::images_file(10, 3, 3));
  const Matrix<double> all = idx::read_images<double>(dir / "img.gz");
  const Matrix<double> head = idx::read_images<double>(dir / "img.gz", 4);
  ASSERT_EQ(head.shape()[0], 4u);
  EXPECT_EQ(head, xt::view(all, xt::range(0, 4), xt::all()));
  idx::Reader reader(dir / "img.gz", idx::Kind::images);
  reader.skip(7);
  std::vector<double> row(9);
  reader.read_scaled(row.data(), 1);
  for (std::size_t k = 0; k < 9; ++k) EXPECT_EQ(row[k], all(7, k));
  EXPECT_EQ(reader.position(), 8u);
  EXPECT_THROW(reader.skip(3), InvalidArgument);
}

TEST(Idx, reads_labels) {
  TempDir dir;
  test::write_idx(dir / "labels", test::labels_file(25, 10));
  const auto labels = idx::read_labels(dir / "labels", 10);
  ASSERT_EQ(labels.size(), 25u);
  EXPECT_EQ(labels[13], 3u);
  EXPECT_EQ(idx::read_labels(dir / "labels", 10, 5).size(), 5u);
}

TEST(Idx, wrong_magic_number) {
  TempDir dir;
  test::write_idx(dir / "train-images-idx3-ubyte.gz",
                  test::idx_bytes(0x802, {1, 28, 28}, test::image_payload(1, 28, 28)));
  expect_error<DataError>([&] { idx::read_images<float>(dir / "train-images-idx3-ubyte.gz"); },
                          {"train-images-idx3-ubyte.gz: magic number 0x00000802, expected "
                           "0x00000803 (images)"});
  test::write_idx(dir / "labels", test::labels_file(4));
  expect_error<DataError>([&] { idx::read_images<float>(dir / "labels"); },
                          {"magic number 0x00000801, expected 0x00000803 (images)",
                           "this is a labels file (idx1)"});
  test::write_idx(dir / "images", test::images_file(2));
  expect_error<DataError>([&] { idx::read_labels(dir / "images"); },
                          {"magic number 0x00000803, expected 0x00000801 (labels)",
                           "this is an images file (idx3)"});
}

TEST(Idx, wrong_dimensions) {
  TempDir dir;
  test::write_idx(dir / "img", test::idx_bytes(0x803, {5, 0, 28}, {}));
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img"); },
                          {"img: images of 0×28 pixels, expected both dimensions to be positive"});
}

TEST(Idx, truncated_header) {
  TempDir dir;
  test::write_file(dir / "img", {0, 0, 8, 3, 0, 0, 0, 9});
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img"); },
                          {"IDX header truncated: 8 bytes, expected 16"});
  test::write_file(dir / "empty", {});
  expect_error<DataError>([&] { idx::read_labels(dir / "empty"); },
                          {"empty: 0 bytes, too short for an IDX header", "0x00000801"});
}

TEST(Idx, truncated_data_raw) {
  TempDir dir;
  Bytes bytes = test::images_file(60, 28, 28);
  bytes.resize(16 + 1000);
  test::write_idx(dir / "img", bytes);
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img"); },
                          {"declared 60 images of 28×28 = 47040 bytes but only 1000 bytes "
                           "follow the header"});
}

TEST(Idx, truncated_data_gzip) {
  TempDir dir;
  Bytes bytes = test::labels_file(100);
  bytes.resize(8 + 37);
  test::write_idx(dir / "labels.gz", bytes);
  expect_error<DataError>([&] { idx::read_labels(dir / "labels.gz"); },
                          {"labels.gz: declared 100 labels = 100 bytes but only 37 bytes follow "
                           "the header (after decompression)"});
}

TEST(Idx, truncated_gzip_stream) {
  TempDir dir;
  Bytes gz = test::gzip(test::images_file(20, 28, 28));
  gz.resize(gz.size() / 2);
  test::write_file(dir / "img.gz", gz);
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img.gz"); },
                          {"img.gz: truncated gzip file",
                           "ends at byte " + std::to_string(gz.size())});
}

TEST(Idx, corrupt_gzip_data) {
  TempDir dir;
  Bytes gz = test::gzip(test::images_file(20, 28, 28));
  gz[gz.size() - 6] ^= 0xff;  // in the CRC-32 / length trailer
  test::write_file(dir / "img.gz", gz);
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img.gz"); },
                          {"img.gz: corrupt gzip data", "zlib: incorrect data check"});
}

TEST(Idx, trailing_garbage_raw) {
  TempDir dir;
  Bytes bytes = test::labels_file(10);
  bytes.insert(bytes.end(), {1, 2, 3});
  test::write_idx(dir / "labels", bytes);
  expect_error<DataError>([&] { idx::read_labels(dir / "labels"); },
                          {"labels: trailing garbage: 3 bytes more than the 10 labels = 10 bytes "
                           "that the header declares"});
}

TEST(Idx, trailing_garbage_inside_gzip) {
  TempDir dir;
  Bytes bytes = test::images_file(2, 4, 4);
  bytes.insert(bytes.end(), 5, 0);
  test::write_idx(dir / "img.gz", bytes);
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img.gz"); },
                          {"trailing garbage: 5 bytes more than the 2 images of 4×4 = 32 bytes"});
}

TEST(Idx, trailing_garbage_after_gzip_stream) {
  TempDir dir;
  Bytes gz = test::gzip(test::labels_file(10));
  const std::size_t end = gz.size();
  gz.insert(gz.end(), {'j', 'u', 'n', 'k'});
  test::write_file(dir / "labels.gz", gz);
  expect_error<DataError>([&] { idx::read_labels(dir / "labels.gz"); },
                          {"labels.gz: trailing garbage after the gzip stream (at byte " +
                           std::to_string(end) + " of " + std::to_string(end + 4)});
}

TEST(Idx, subset_still_validates_the_whole_file) {
  TempDir dir;
  Bytes bytes = test::images_file(10, 28, 28);
  bytes.resize(bytes.size() - 1);
  test::write_idx(dir / "img.gz", bytes);
  expect_error<DataError>([&] { idx::read_images<float>(dir / "img.gz", 1); },
                          {"declared 10 images of 28×28 = 7840 bytes but only 7839 bytes"});
  Bytes labels = test::labels_file(10);
  labels.push_back(0);
  test::write_idx(dir / "labels", labels);
  expect_error<DataError>([&] { idx::read_labels(dir / "labels", 10, 2); },
                          {"trailing garbage: 1 bytes"});
}

// A header declaring 4 billion images must be refused from the file's length, not by
// trying to allocate 3 TB.
TEST(Idx, declared_count_far_larger_than_file_allocates_nothing_big) {
  TempDir dir;
  const Bytes bytes = test::idx_bytes(0x803, {0xffffffffu, 28, 28}, test::image_payload(2, 28, 28));
  test::write_idx(dir / "img", bytes);
  test::write_idx(dir / "img.gz", bytes);
  for (const char* name : {"img", "img.gz"}) {
    test::reset_largest_allocation();
    expect_error<DataError>([&] { idx::read_images<float>(dir / name); },
                            {"declared 4294967295 images of 28×28 = 3367254359280 bytes but "
                             "only 1568 bytes follow the header"});
    EXPECT_LT(test::largest_allocation(), std::size_t(1) << 20) << name;
  }
  test::write_idx(dir / "labels.gz", test::idx_bytes(0x801, {0xfffffff0u}, {1, 2, 3}));
  test::reset_largest_allocation();
  expect_error<DataError>([&] { idx::read_labels(dir / "labels.gz", 10, 3); },
                          {"declared 4294967280 labels = 4294967280 bytes but only 3 bytes"});
  EXPECT_LT(test::largest_allocation(), std::size_t(1) << 20);
}

TEST(Idx, labels_out_of_range) {
  TempDir dir;
  test::write_idx(dir / "labels.gz", test::idx_bytes(0x801, {5}, {1, 9, 0, 12, 3}));
  expect_error<DataError>([&] { idx::read_labels(dir / "labels.gz", 10); },
                          {"labels.gz: label 12 at index 3 is out of range (expected 0 to 9)"});
  EXPECT_EQ(idx::read_labels(dir / "labels.gz", 13).size(), 5u);
}

TEST(Idx, non_gzip_file_named_gz) {
  TempDir dir;
  test::write_file(dir / "train-images-idx3-ubyte.gz", test::images_file(1));
  expect_error<DataError>(
      [&] { idx::read_images<float>(dir / "train-images-idx3-ubyte.gz"); },
      {"train-images-idx3-ubyte.gz: not a gzip file (it starts with bytes 00 00, expected the "
       "gzip magic bytes 1f 8b)"});
  test::write_file(dir / "empty.gz", {});
  expect_error<DataError>([&] { idx::read_labels(dir / "empty.gz"); },
                          {"empty.gz: not a gzip file", "the file is empty"});
}

TEST(Idx, unreadable_path) {
  TempDir dir;
  expect_error<DataError>([&] { idx::read_images<float>(dir / "missing.gz"); },
                          {"missing.gz: cannot open: No such file or directory"});
  expect_error<DataError>([&] { idx::read_labels(dir.path().string()); },
                          {dir.path().string() + ": not a regular file"});
}

}  // namespace
}  // namespace xgrad
