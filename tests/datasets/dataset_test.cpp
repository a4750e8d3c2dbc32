// Dataset construction from the user's arrays, and its errors.

#include <cmath>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include <xgrad/datasets/dataset.hpp>

#include "files.hpp"

namespace xgrad {
namespace {

using test::expect_error;

TEST(Dataset, classification_builds_one_hot_targets) {
  const auto d = Dataset<float>::classification(Matrix<float>{{1, 2}, {3, 4}, {5, 6}}, {2, 0, 1}, 3);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.input_size(), 2u);
  EXPECT_EQ(d.target_size(), 3u);
  EXPECT_TRUE(d.has_labels());
  EXPECT_EQ(d.num_classes(), 3u);
  EXPECT_EQ(d.targets(), (Matrix<float>{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}));
  EXPECT_EQ(d.labels(), (std::vector<std::size_t>{2, 0, 1}));
}

TEST(Dataset, from_rows_matches_matrices) {
  const auto d = Dataset<double>::from_rows({{1, 2}, {3, 4}}, {1, 0}, 2);
  EXPECT_EQ(d.inputs(), (Matrix<double>{{1, 2}, {3, 4}}));
  EXPECT_EQ(d.targets(), (Matrix<double>{{0, 1}, {1, 0}}));
  const auto r = Dataset<double>::from_rows({{1}, {2}, {3}}, {{0.5, 1}, {1.5, 2}, {2.5, 3}});
  EXPECT_FALSE(r.has_labels());
  EXPECT_EQ(r.num_classes(), 0u);
  EXPECT_EQ(r.targets()(2, 1), 3.0);
}

TEST(Dataset, head_copies_the_first_rows) {
  const auto d = Dataset<float>::from_rows({{1}, {2}, {3}}, {0, 1, 0}, 2);
  const auto h = d.head(2);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.inputs(), (Matrix<float>{{1}, {2}}));
  EXPECT_EQ(h.labels(), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(d.head(10).size(), 3u);
}

TEST(Dataset, errors_name_the_problem) {
  expect_error<DataError>(
      [] { Dataset<float>(Matrix<float>{{1}, {2}}, Matrix<float>{{1}}); },
      {"2 input rows but 1 target rows"});
  expect_error<DataError>(
      [] { Dataset<float>::classification(Matrix<float>{{1}, {2}}, {0}, 2); },
      {"2 input rows but 1 labels"});
  expect_error<DataError>(
      [] { Dataset<float>::classification(Matrix<float>{{1}, {2}}, {0, 7}, 3); },
      {"label 7 of example 1 is out of range (expected 0 to 2 for 3 classes)"});
  expect_error<DataError>([] { Dataset<float>::from_rows({{1, 2}, {3}}, {0, 1}, 2); },
                          {"input row 1 has 1 values, expected 2"});
}

// Inputs k / 255 for bytes k spread over 0 … 255, as MNIST's scaled pixels.
template <class T>
Matrix<T> byte_valued(std::size_t rows, std::size_t cols) {
  Matrix<T> x = xt::empty<T>({rows, cols});
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = T((i * 37) % 256) / T(255);
  return x;
}

template <class T>
void expect_byte_inputs_decode_bit_for_bit() {
  const Dataset<T> data(byte_valued<T>(7, 300), xt::zeros<T>({std::size_t(7), std::size_t(1)}));
  const std::uint8_t* bytes = data.byte_inputs();
  ASSERT_NE(bytes, nullptr);
  for (std::size_t i = 0; i < data.inputs().size(); ++i) {
    EXPECT_EQ(bytes[i], (i * 37) % 256);
    const T decoded = T(bytes[i]) / T(255);
    EXPECT_EQ(std::memcmp(&decoded, data.inputs().data() + i, sizeof(T)), 0) << i;
  }
  EXPECT_EQ(data.byte_inputs(), bytes);  // found once and kept
  const Dataset<T> copy = data;
  EXPECT_EQ(copy.byte_inputs(), bytes);  // shared by copies
}

TEST(Dataset, byte_inputs_hold_pixel_values_bit_for_bit) {
  expect_byte_inputs_decode_bit_for_bit<float>();
  expect_byte_inputs_decode_bit_for_bit<double>();
}

TEST(Dataset, byte_inputs_are_off_when_one_value_is_not_a_byte_over_255) {
  const float not_bytes[] = {0.5f, -0.0f, 2.0f / 255.0f + 1e-7f, 1.0000001f, -1.0f / 255.0f,
                             256.0f / 255.0f, std::nanf(""), 3.0f / 256.0f};
  for (const float v : not_bytes) {
    Matrix<float> x = byte_valued<float>(4, 50);
    x(3, 49) = v;
    const Dataset<float> data(std::move(x), xt::zeros<float>({std::size_t(4), std::size_t(1)}));
    EXPECT_EQ(data.byte_inputs(), nullptr) << v;
  }
  // The float nearest 1/255 in float64 is not double(1)/255.
  Matrix<double> x = byte_valued<double>(2, 3);
  x(0, 0) = double(1.0f / 255.0f);
  EXPECT_EQ(Dataset<double>(std::move(x), xt::zeros<double>({std::size_t(2), std::size_t(1)}))
                .byte_inputs(),
            nullptr);
  EXPECT_EQ(Dataset<float>().byte_inputs(), nullptr);
}

TEST(Dataset, mutable_inputs_turns_byte_inputs_off_for_good) {
  Dataset<float> data(byte_valued<float>(3, 20), xt::zeros<float>({std::size_t(3), std::size_t(1)}));
  const Dataset<float> before = data;
  ASSERT_NE(data.byte_inputs(), nullptr);
  Matrix<float>& x = data.mutable_inputs();
  EXPECT_EQ(data.byte_inputs(), nullptr);
  x(0, 0) = 0.25f;  // a write the bytes could not have followed
  EXPECT_EQ(data.byte_inputs(), nullptr);
  EXPECT_NE(before.byte_inputs(), nullptr);  // a copy made before keeps its own values
}

TEST(Dataset, copy_input_rows_reads_the_bytes_or_the_values_alike) {
  const Dataset<float> bytes(byte_valued<float>(9, 33), xt::zeros<float>({std::size_t(9), std::size_t(1)}));
  Dataset<float> values = bytes;
  values.mutable_inputs();
  ASSERT_NE(bytes.byte_inputs(), nullptr);
  ASSERT_EQ(values.byte_inputs(), nullptr);
  std::vector<float> a(4 * 33), b(4 * 33);
  bytes.copy_input_rows(5, 4, a.data());
  values.copy_input_rows(5, 4, b.data());
  EXPECT_EQ(std::memcmp(a.data(), bytes.inputs().data() + 5 * 33, a.size() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(b.data(), bytes.inputs().data() + 5 * 33, b.size() * sizeof(float)), 0);
  bytes.copy_input_rows(9, 0, a.data());  // nothing, at the end: fine
  expect_error<DataError>([&] { bytes.copy_input_rows(6, 4, a.data()); },
                          {"copy_input_rows", "rows 6 to 10", "9 rows"});
}

}  // namespace
}  // namespace xgrad
