#include "xgrad/io/json_reader.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad::detail {
namespace {

// "a string", "an object", "the number 3.5" … for "found …" in messages.
std::string describe(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return fmt::format("the boolean {}", j.get<bool>());
    case json::value_t::string: {
      std::string s = j.get_ref<const std::string&>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return fmt::format("the string \"{}\"", s);
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return fmt::format("the number {}", j.dump());
    case json::value_t::object: return "an object";
    case json::value_t::array: return fmt::format("an array of {}", j.size());
    default: return j.type_name();
  }
}

// Line and column (1-based) of byte `offset` (0-based) of `text`.
std::pair<std::size_t, std::size_t> line_column(const std::string& text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// nlohmann's message without its "[json.exception…] parse error at line L, column C: ".
std::string parse_problem(const std::string& what) {
  const std::size_t column = what.find(", column ");
  const std::size_t colon = column == std::string::npos ? what.find(": ") : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

bool literal_at(const std::string& text, std::size_t at, const char* literal) {
  return text.compare(at, std::strlen(literal), literal) == 0;
}

// Arrays and objects may nest this deep in a model file. nlohmann's parser is iterative, but
// copying, comparing and writing a document recurse once per level, so a deeper text (a
// few hundred kilobytes of '[') would overflow the stack. Model files need fewer than 10.
constexpr std::size_t kMaxDepth = 512;

// Throws unless arrays and objects nest at most kMaxDepth deep (brackets inside strings do
// not count). Runs before parsing.
void check_depth(const std::string& text, const std::string& source) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        const auto [line, column] = line_column(text, i);
        throw ModelFormatError(fmt::format(
            "{}: arrays and objects nested more than {} levels deep at line {}, column {} "
            "(expected a model file, whose nesting is shallow)",
            source, kMaxDepth, line, column));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

}  // namespace

std::string key_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string index_path(const std::string& path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string read_text_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                        &std::fclose);
  if (!file) {
    throw ModelFormatError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(::fileno(file.get()), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw ModelFormatError(fmt::format("{}: not a regular file", path));
  }
  std::string text;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) {
    throw ModelFormatError(fmt::format("{}: read error: {}", path, std::strerror(errno)));
  }
  if (text.empty()) throw ModelFormatError(fmt::format("{}: the file is empty", path));
  return text;
}

json parse_json_text(const std::string& text, const std::string& source) {
  check_depth(text, source);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is 1-based: the position of the character that could not be read.
    const std::size_t at = e.byte == 0 ? 0 : e.byte - 1;
    const auto [line, column] = line_column(text, at);
    if (at >= text.size()) {
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw ModelFormatError(fmt::format("{}: no JSON document: the text is empty", source));
      }
      throw ModelFormatError(fmt::format(
          "{}: malformed JSON at line {}, column {}: {} (the text ends early: truncated?)",
          source, line, column, parse_problem(e.what())));
    }
    for (const char* literal : {"-Infinity", "Infinity", "NaN"}) {
      const std::size_t start = literal[0] == '-' ? at - (at > 0) : at;
      if (literal_at(text, start, literal)) {
        const auto [l, c] = line_column(text, start);
        throw ModelFormatError(fmt::format(
            "{}: non-finite value {} at line {}, column {}: expected a finite number "
            "(JSON has no NaN or infinity; a network whose parameters are not finite "
            "cannot be loaded)",
            source, literal, l, c));
      }
    }
    throw ModelFormatError(fmt::format("{}: malformed JSON at line {}, column {}: {}", source,
                                       line, column, parse_problem(e.what())));
  } catch (const json::out_of_range& e) {
    // 406 "number overflow parsing '1e400'": a number beyond double's range. nlohmann gives
    // no position; the literal's first occurrence locates it.
    const std::string what = e.what();
    const std::size_t open = what.find('\''), close = what.rfind('\'');
    std::string where;
    if (open != std::string::npos && close > open + 1) {
      const std::size_t at = text.find(what.substr(open + 1, close - open - 1));
      if (at != std::string::npos) {
        const auto [line, column] = line_column(text, at);
        where = fmt::format(" at line {}, column {}", line, column);
      }
    }
    const std::size_t bracket = what.find("] ");
    throw ModelFormatError(fmt::format(
        "{}: {}{}: expected a finite number within double's range", source,
        bracket == std::string::npos ? what : what.substr(bracket + 2), where));
  } catch (const json::exception& e) {
    throw ModelFormatError(fmt::format("{}: invalid JSON: {}", source, e.what()));
  }
}

template <>
const char* dtype_name<float>() {
  return "float32";
}
template <>
const char* dtype_name<double>() {
  return "float64";
}

void JsonReader::fail(const std::string& path, const std::string& what) const {
  if (path.empty()) throw ModelFormatError(fmt::format("{}: {}", source_, what));
  throw ModelFormatError(fmt::format("{}: {}: {}", source_, path, what));
}

void JsonReader::expect_object(const json& j, const std::string& path, const char* what) const {
  if (!j.is_object()) fail(path, fmt::format("expected {}, found {}", what, describe(j)));
}

const json& JsonReader::member(const json& j, const std::string& path, const char* key,
                               const char* expected) const {
  const auto found = j.find(key);
  if (found == j.end()) {
    fail(path, fmt::format("missing key \"{}\" (expected {})", key, expected));
  }
  return *found;
}

void JsonReader::only_keys(const json& j, const std::string& path,
                           std::initializer_list<const char*> allowed) const {
  for (const auto& item : j.items()) {
    bool known = false;
    for (const char* key : allowed) known = known || item.key() == key;
    if (!known) {
      std::string list;
      for (const char* key : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(key) + "\"";
      std::string key = item.key();
      if (key.size() > 40) key = key.substr(0, 37) + "...";
      fail(path, fmt::format("unexpected key \"{}\" (expected only {})", key, list));
    }
  }
}

const json::array_t& JsonReader::array(const json& j, const std::string& path,
                                       const char* what) const {
  if (!j.is_array()) fail(path, fmt::format("expected {}, found {}", what, describe(j)));
  return j.get_ref<const json::array_t&>();
}

const std::string& JsonReader::string(const json& j, const std::string& path,
                                      const char* what) const {
  if (!j.is_string()) fail(path, fmt::format("expected {}, found {}", what, describe(j)));
  return j.get_ref<const std::string&>();
}

std::size_t JsonReader::size(const json& j, const std::string& path, bool positive) const {
  const char* expected = positive ? "a positive integer" : "a non-negative integer";
  // Parsed text gives non-negative integers as unsigned; a document built in C++ may hold
  // them as signed (json(1)), which is as good.
  if (j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0)) {
    const auto v = j.get<std::uint64_t>();
    if (positive && v == 0) fail(path, fmt::format("is 0, expected {}", expected));
    if (v > std::numeric_limits<std::size_t>::max()) fail(path, "is too large");
    return static_cast<std::size_t>(v);
  }
  if (j.is_number_integer()) fail(path, fmt::format("is {}, expected {}", j.dump(), expected));
  fail(path, fmt::format("expected {}, found {}", expected, describe(j)));
}

double JsonReader::number(const json& j, const std::string& path) const {
  if (!j.is_number()) fail(path, fmt::format("expected a number, found {}", describe(j)));
  const double v = j.get<double>();
  if (!std::isfinite(v)) fail(path, fmt::format("is {}, expected a finite number", v));
  return v;
}

template <class T>
T JsonReader::element(const json& j, const std::string& path) const {
  const double v = number(j, path);
  const T t = static_cast<T>(v);  // float: rounds to nearest; beyond the range → ±inf
  if (!std::isfinite(t)) {
    fail(path, fmt::format("{} is beyond the range of {} (largest {})", j.dump(), dtype_name<T>(),
                           std::numeric_limits<T>::max()));
  }
  return t;
}

Shape JsonReader::rows_shape(const json& j, const std::string& path) const {
  const auto& rows = array(j, path, "a list of rows (lists of numbers)");
  if (rows.empty()) fail(path, "is empty, expected at least one row");
  std::size_t cols = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = array(rows[r], index_path(path, r), "a row (a list of numbers)");
    if (r == 0) {
      if (row.empty()) fail(index_path(path, 0), "is an empty row, expected at least one number");
      cols = row.size();
    } else if (row.size() != cols) {
      fail(index_path(path, r),
           fmt::format("row has {} numbers, expected {} like row 0", row.size(), cols));
    }
  }
  return {rows.size(), cols};
}

template <class T>
Matrix<T> JsonReader::rows_matrix(const json& j, const std::string& path, bool transpose) const {
  const Shape shape = rows_shape(j, path);
  Matrix<T> m = xt::empty<T>(transpose ? Shape{shape[1], shape[0]} : shape);
  for (std::size_t r = 0; r < shape[0]; ++r) {
    const json& row = j[r];
    for (std::size_t c = 0; c < shape[1]; ++c) {
      const T v = element<T>(row[c], index_path(index_path(path, r), c));
      (transpose ? m(c, r) : m(r, c)) = v;
    }
  }
  return m;
}

template <class T>
Matrix<T> JsonReader::row_vector(const json& j, const std::string& path) const {
  const auto& values = array(j, path, "a list of numbers");
  if (values.empty()) fail(path, "is empty, expected at least one number");
  Matrix<T> m = xt::empty<T>({std::size_t{1}, values.size()});
  for (std::size_t k = 0; k < values.size(); ++k) {
    m(0, k) = element<T>(values[k], index_path(path, k));
  }
  return m;
}

namespace {

// `where` gives the element's index as written ("[1][0]"), only when needed.
template <class T, class Where>
double finite_value(T v, const std::string& what, Where where) {
  if (!std::isfinite(v)) {
    throw InvalidArgument(fmt::format(
        "cannot save {}{}: it is {}; only finite values can be saved", what, where(), v));
  }
  return static_cast<double>(v);  // exact: the shortest form of this double reads back as v
}

}  // namespace

template <class T>
ordered_json rows_json(const Matrix<T>& m, bool transpose, const std::string& what) {
  const std::size_t rows = m.shape()[transpose ? 1 : 0], cols = m.shape()[transpose ? 0 : 1];
  ordered_json out = ordered_json::array();
  out.get_ref<ordered_json::array_t&>().reserve(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    ordered_json row = ordered_json::array();
    row.get_ref<ordered_json::array_t&>().reserve(cols);
    for (std::size_t c = 0; c < cols; ++c) {
      const T v = transpose ? m(c, r) : m(r, c);
      row.push_back(finite_value(v, what, [&] { return fmt::format("[{}][{}]", r, c); }));
    }
    out.push_back(std::move(row));
  }
  return out;
}

template <class T>
ordered_json flat_json(const Matrix<T>& m, const std::string& what) {
  ordered_json out = ordered_json::array();
  out.get_ref<ordered_json::array_t&>().reserve(m.size());
  for (std::size_t k = 0; k < m.size(); ++k) {
    out.push_back(finite_value(m.flat(k), what, [&] { return fmt::format("[{}]", k); }));
  }
  return out;
}

template <class T>
ordered_json state_json(const StateDict<T>& state, const std::string& what) {
  ordered_json out = ordered_json::array();
  for (const NamedMatrix<T>& entry : state) {
    const std::string entry_what = fmt::format("{} entry '{}' data", what, entry.name);
    out.push_back(ordered_json{{"name", entry.name},
                               {"shape", {entry.value.shape()[0], entry.value.shape()[1]}},
                               {"data", flat_json(entry.value, entry_what)}});
  }
  return out;
}

#define XGRAD_INSTANTIATE(T)                                                                  \
  template ordered_json state_json<T>(const StateDict<T>&, const std::string&);               \
  template T JsonReader::element<T>(const json&, const std::string&) const;                   \
  template Matrix<T> JsonReader::rows_matrix<T>(const json&, const std::string&, bool) const; \
  template Matrix<T> JsonReader::row_vector<T>(const json&, const std::string&) const;        \
  template ordered_json rows_json<T>(const Matrix<T>&, bool, const std::string&);             \
  template ordered_json flat_json<T>(const Matrix<T>&, const std::string&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad::detail
