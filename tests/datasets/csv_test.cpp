// The CSV reader: header detection, label column by index or name, and errors with line
// numbers.

#include <gtest/gtest.h>

#include <xgrad/datasets/csv.hpp>

#include "files.hpp"

namespace xgrad {
namespace {

using test::expect_error;
using test::TempDir;

TEST(Csv, detects_header_and_reads_label_by_name) {
  TempDir dir;
  test::write_text(dir / "iris.csv",
                   "sepal, petal ,species\r\n1.5,2,1\r\n\r\n-3,4e-1,0\r\n 5 , 6,2\r\n");
  CsvOptions options;
  options.label_name = "species";
  const auto d = read_csv<double>(dir / "iris.csv", options);
  EXPECT_EQ(d.inputs(), (Matrix<double>{{1.5, 2}, {-3, 0.4}, {5, 6}}));
  EXPECT_EQ(d.labels(), (std::vector<std::size_t>{1, 0, 2}));
  EXPECT_EQ(d.num_classes(), 3u);
}

TEST(Csv, no_header_label_first_and_last) {
  TempDir dir;
  test::write_text(dir / "d.csv", "3,0.5,255\n1,1,0");  // no final newline
  const auto first = read_csv<float>(dir / "d.csv");
  EXPECT_EQ(first.labels(), (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(first.num_classes(), 4u);
  EXPECT_EQ(first.inputs(), (Matrix<float>{{0.5f, 255}, {1, 0}}));
  CsvOptions options;
  options.label_column = -1;
  options.num_classes = 256;
  options.input_scale = 0.5;
  const auto last = read_csv<float>(dir / "d.csv", options);
  EXPECT_EQ(last.labels(), (std::vector<std::size_t>{255, 0}));
  EXPECT_EQ(last.inputs(), (Matrix<float>{{1.5f, 0.25f}, {0.5f, 0.5f}}));
  EXPECT_EQ(last.num_classes(), 256u);
}

TEST(Csv, gzip_and_other_delimiter) {
  TempDir dir;
  const std::string text = "label;x\n1;2\n0;3\n";
  test::write_file(dir / "d.csv.gz", test::gzip(test::Bytes(text.begin(), text.end())));
  CsvOptions options;
  options.delimiter = ';';
  const auto d = read_csv<double>(dir / "d.csv.gz", options);
  EXPECT_EQ(d.inputs(), (Matrix<double>{{2}, {3}}));
}

TEST(Csv, errors_name_file_line_and_column) {
  TempDir dir;
  const std::string path = dir / "bad.csv";
  test::write_text(path, "label,a,b\n1,2,3\n0,4\n");
  expect_error<DataError>([&] { read_csv<float>(path); },
                          {"bad.csv:3: 2 fields, expected 3 (as on line 1)"});
  test::write_text(path, "1,2,3\n0,4,x5\n");
  expect_error<DataError>([&] { read_csv<float>(path); },
                          {"bad.csv:2: 'x5' in column 3 is not a number"});
  test::write_text(path, "y,a\n1,2\n2.5,4\n");
  expect_error<DataError>([&] { read_csv<float>(path); },
                          {"bad.csv:3: label '2.5' in column 1 ('y') is not a non-negative integer"});
  test::write_text(path, "1,2\n-1,4\n");
  expect_error<DataError>([&] { read_csv<float>(path); }, {"bad.csv:2: label '-1'"});
  CsvOptions classes;
  classes.num_classes = 2;
  test::write_text(path, "1,2\n\n7,4\n");
  expect_error<DataError>([&] { read_csv<float>(path, classes); },
                          {"bad.csv:3: label 7 in column 1 is out of range (expected 0 to 1)"});
  CsvOptions named;
  named.label_name = "target";
  test::write_text(path, "a,b\n1,2\n");
  expect_error<DataError>([&] { read_csv<float>(path, named); },
                          {"bad.csv:1: no column named 'target' in the header (columns: a, b)"});
  test::write_text(path, "1,2\n");
  expect_error<DataError>([&] { read_csv<float>(path, named); }, {"has no header line"});
  CsvOptions column;
  column.label_column = 5;
  expect_error<DataError>([&] { read_csv<float>(path, column); },
                          {"bad.csv:1: label column 5 does not exist (the rows have 2 fields)"});
  test::write_text(path, "a,b\n");
  expect_error<DataError>([&] { read_csv<float>(path); }, {"bad.csv: no data rows"});
  expect_error<DataError>([&] { read_csv<float>(dir / "missing.csv"); },
                          {"missing.csv: cannot open"});
}

}  // namespace
}  // namespace xgrad
