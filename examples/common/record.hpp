#pragma once
// A result of an example program's task as text, to travel between MPI processes: numbers
// and strings one after another, read back in the same order. Doubles are written in
// hexadecimal (%a), so they come back bit for bit.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace xgrad::examples {

/// Writes values into a string, one field after another.
class RecordWriter {
 public:
  /// A double, exactly (hexadecimal; inf and nan as such).
  RecordWriter& put(double v) { return field(fmt::format("{:a}", v)); }
  /// An unsigned integer.
  RecordWriter& put(std::uint64_t v) { return field(fmt::format("{}", v)); }
  /// A string (any bytes), length first.
  RecordWriter& put(const std::string& s) {
    text_ += fmt::format("{}:", s.size());
    text_ += s;
    return *this;
  }
  /// An optional value: a flag, then the value if there is one.
  template <class V>
  RecordWriter& put(const std::optional<V>& v) {
    put(std::uint64_t(v.has_value()));
    if (v) put(*v);
    return *this;
  }
  /// What was written.
  const std::string& text() const { return text_; }

 private:
  RecordWriter& field(const std::string& s) {
    text_ += s;
    text_ += ' ';
    return *this;
  }
  std::string text_;
};

/// Reads what a RecordWriter wrote, in the same order; throws std::runtime_error on a
/// malformed or short record.
class RecordReader {
 public:
  /// Reads `text` from its start.
  explicit RecordReader(const std::string& text) : text_(text) {}
  /// The next double.
  double real() {
    const std::string f = field();
    char* end = nullptr;
    const double v = std::strtod(f.c_str(), &end);
    if (end != f.c_str() + f.size()) bad();
    return v;
  }
  /// The next unsigned integer.
  std::uint64_t natural() {
    const std::string f = field();
    char* end = nullptr;
    const unsigned long long v = std::strtoull(f.c_str(), &end, 10);
    if (f.empty() || end != f.c_str() + f.size()) bad();
    return v;
  }
  /// The next string.
  std::string string() {
    const std::size_t colon = text_.find(':', at_);
    if (colon == std::string::npos) bad();
    const std::size_t n = std::strtoull(text_.c_str() + at_, nullptr, 10);
    if (colon + 1 + n > text_.size()) bad();
    std::string s = text_.substr(colon + 1, n);
    at_ = colon + 1 + n;
    return s;
  }
  /// The next optional double.
  std::optional<double> optional_real() {
    if (natural() == 0) return std::nullopt;
    return real();
  }
  /// The next optional unsigned integer.
  std::optional<std::size_t> optional_natural() {
    if (natural() == 0) return std::nullopt;
    return std::size_t(natural());
  }

 private:
  std::string field() {
    const std::size_t space = text_.find(' ', at_);
    if (space == std::string::npos) bad();
    std::string f = text_.substr(at_, space - at_);
    at_ = space + 1;
    return f;
  }
  [[noreturn]] static void bad() { throw std::runtime_error("malformed task result record"); }
  const std::string& text_;
  std::size_t at_ = 0;
};

}  // namespace xgrad::examples
