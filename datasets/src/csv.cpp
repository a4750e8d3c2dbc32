#include "xgrad/datasets/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "byte_source.hpp"
#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {
namespace {

// Lines of a ByteSource without their line ending.
class LineReader {
 public:
  explicit LineReader(const std::string& path) : source_(path) {}
  bool next(std::string& line) {
    line.clear();
    for (;;) {
      if (pos_ == end_) {
        end_ = source_.read(buffer_, sizeof buffer_);
        pos_ = 0;
        if (end_ == 0) return !line.empty();  // an unterminated last line, or the end
      }
      const auto* start = buffer_ + pos_;
      const auto* nl = static_cast<const std::uint8_t*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t n = nl ? std::size_t(nl - start) : end_ - pos_;
      line.append(reinterpret_cast<const char*>(start), n);
      pos_ += n;
      if (nl) {
        ++pos_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
    }
  }
  const std::string& path() const { return source_.path(); }

 private:
  detail::ByteSource source_;
  std::uint8_t buffer_[1 << 14];
  std::size_t pos_ = 0, end_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

void split(const std::string& line, char delimiter, std::vector<std::string_view>& fields) {
  fields.clear();
  std::string_view rest(line);
  for (;;) {
    const std::size_t at = rest.find(delimiter);
    fields.push_back(trim(rest.substr(0, at)));
    if (at == std::string_view::npos) return;
    rest.remove_prefix(at + 1);
  }
}

std::optional<double> number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

bool all_numbers(const std::vector<std::string_view>& fields) {
  for (std::string_view f : fields)
    if (!number(f)) return false;
  return true;
}

}  // namespace

template <class T>
Dataset<T> read_csv(const std::string& path, const CsvOptions& options) {
  LineReader lines(path);
  std::string line;
  std::vector<std::string_view> fields;
  std::size_t line_no = 0, width = 0, width_line = 0, label_col = 0;
  std::vector<std::string> names;
  std::vector<T> inputs;
  std::vector<std::size_t> labels;
  bool first = true;
  while (lines.next(line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    split(line, options.delimiter, fields);
    if (first) {
      first = false;
      width = fields.size();
      width_line = line_no;
      const bool header = options.header == CsvHeader::present ||
                          (options.header == CsvHeader::detect && !all_numbers(fields));
      if (header) names.assign(fields.begin(), fields.end());
      if (!options.label_name.empty()) {
        if (!header) {
          throw DataError(fmt::format("{}: label column '{}' asked by name, but the file has no "
                                      "header line",
                                      path, options.label_name));
        }
        const auto it = std::find(names.begin(), names.end(), options.label_name);
        if (it == names.end()) {
          throw DataError(fmt::format("{}:{}: no column named '{}' in the header (columns: {})",
                                      path, line_no, options.label_name,
                                      fmt::join(names, ", ")));
        }
        label_col = std::size_t(it - names.begin());
      } else {
        const long c = options.label_column < 0 ? long(width) + options.label_column
                                                : options.label_column;
        if (c < 0 || c >= long(width)) {
          throw DataError(fmt::format("{}:{}: label column {} does not exist (the rows have {} "
                                      "fields)",
                                      path, line_no, options.label_column, width));
        }
        label_col = std::size_t(c);
      }
      if (width < 2) {
        throw DataError(fmt::format("{}:{}: 1 field per row, expected a label and at least one "
                                    "input (is the delimiter '{}' right?)",
                                    path, line_no, options.delimiter));
      }
      if (header) continue;
    }
    if (fields.size() != width) {
      throw DataError(fmt::format("{}:{}: {} fields, expected {} (as on line {})", path, line_no,
                                  fields.size(), width, width_line));
    }
    for (std::size_t c = 0; c < width; ++c) {
      const std::optional<double> v = number(fields[c]);
      const std::string column =
          names.empty() ? fmt::format("column {}", c + 1)
                        : fmt::format("column {} ('{}')", c + 1, names[c]);
      if (c == label_col) {
        if (!v || *v < 0 || *v != std::floor(*v) || *v >= 1e15) {
          throw DataError(fmt::format("{}:{}: label '{}' in {} is not a non-negative integer",
                                      path, line_no, fields[c], column));
        }
        labels.push_back(std::size_t(*v));
        if (options.num_classes != 0 && labels.back() >= options.num_classes) {
          throw DataError(fmt::format("{}:{}: label {} in {} is out of range (expected 0 to {})",
                                      path, line_no, labels.back(), column,
                                      options.num_classes - 1));
        }
      } else {
        if (!v) {
          throw DataError(fmt::format("{}:{}: '{}' in {} is not a number", path, line_no,
                                      fields[c], column));
        }
        inputs.push_back(static_cast<T>(*v * options.input_scale));
      }
    }
  }
  if (labels.empty()) throw DataError(fmt::format("{}: no data rows", path));
  const std::size_t classes = options.num_classes != 0
                                  ? options.num_classes
                                  : *std::max_element(labels.begin(), labels.end()) + 1;
  Matrix<T> x = xt::empty<T>({labels.size(), width - 1});
  std::copy(inputs.begin(), inputs.end(), x.data());
  return Dataset<T>::classification(std::move(x), std::move(labels), classes);
}

#define XGRAD_INSTANTIATE(T) template Dataset<T> read_csv<T>(const std::string&, const CsvOptions&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
