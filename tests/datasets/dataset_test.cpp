// Dataset construction from the user's arrays, and its errors.

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

}  // namespace
}  // namespace xgrad
