#pragma once
/// @file
/// A classification Dataset from a CSV file: one example per line, one column holding the
/// integer class label, every other column a numeric input.

#include <string>

#include <xgrad/datasets/dataset.hpp>

namespace xgrad {

/// Whether the first line of a CSV file names the columns.
enum class CsvHeader {
  detect,   ///< a header if any field of the first line is not a number
  present,  ///< the first line is a header
  absent,   ///< the first line is data
};

/// How read_csv() reads a file.
struct CsvOptions {
  /// Field separator.
  char delimiter = ',';
  /// Whether there is a header line.
  CsvHeader header = CsvHeader::detect;
  /// Column of the class label, 0-based; negative counts from the end (−1 = last).
  long label_column = 0;
  /// The label column's name in the header; when not empty it overrides label_column.
  std::string label_name;
  /// Number of classes; 0 means the largest label + 1.
  std::size_t num_classes = 0;
  /// Every input value is multiplied by this (e.g. 1/255 for pixel values).
  double input_scale = 1.0;
};

/// Reads `path` (plain text, or gzip-compressed) into a classification Dataset: the label
/// column gives the labels (non-negative integers) and one-hot targets, the other columns
/// in order the inputs. Blank lines are skipped, fields are trimmed of spaces and of
/// surrounding double quotes, lines may end in CRLF.
///
/// Throws DataError naming the file and line (and column) of the first problem: a field
/// that is not a number, a row with another number of fields than the first, a label that
/// is not a non-negative integer or not below num_classes, an unknown label column, or a
/// file with no data rows.
template <class T>
Dataset<T> read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace xgrad
