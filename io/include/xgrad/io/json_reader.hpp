#pragma once
// Checked reading of JSON documents, shared by xgrad's loaders (the model formats here and
// train/'s checkpoints; internal, not a stable API): every accessor
// validates the element it reads and throws ModelFormatError naming the source, the JSON
// path of the element (e.g. "layers[2].weights[3]"), what was wrong and what was expected.
// Matrices are checked for shape before anything is allocated for them.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "xgrad/autograd/tensor.hpp"
#include "xgrad/io/serialization.hpp"
#include "xgrad/layers/state.hpp"

namespace xgrad::detail {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// "layers" + "weights" → "layers.weights"; "" + "cost" → "cost".
std::string key_path(const std::string& path, const std::string& key);
// "weights" + 3 → "weights[3]".
std::string index_path(const std::string& path, std::size_t index);

// The text of a whole file. Throws ModelFormatError naming `path` when it cannot be read
// (missing, a directory, unreadable) or is empty.
std::string read_text_file(const std::string& path);

// Parses `text`, reporting malformed JSON with its line and column, whether the text ends
// early (truncated), and non-finite literals (NaN, Infinity) as such.
json parse_json_text(const std::string& text, const std::string& source);

// The element type's name in files: "float32" or "float64".
template <class T>
const char* dtype_name();

// Reads the elements of one document; `source` prefixes every message.
class JsonReader {
 public:
  explicit JsonReader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  // Throws ModelFormatError "<source>: <path>: <what>" ("<source>: <what>" for the root).
  [[noreturn]] void fail(const std::string& path, const std::string& what) const;

  // `j` must be an object; `what` describes it for the error ("a layer object").
  void expect_object(const json& j, const std::string& path, const char* what) const;
  // The member `key` of the object `j` at `path`; missing → error listing `expected`.
  const json& member(const json& j, const std::string& path, const char* key,
                     const char* expected) const;
  // Errors if `j` has a key outside `allowed` (a null-terminated list).
  void only_keys(const json& j, const std::string& path,
                 std::initializer_list<const char*> allowed) const;
  // A JSON array (`what` describes the expected contents).
  const json::array_t& array(const json& j, const std::string& path, const char* what) const;
  // A JSON string.
  const std::string& string(const json& j, const std::string& path, const char* what) const;
  // A non-negative integer (not a float, not a bool); ≥ 1 when `positive`.
  std::size_t size(const json& j, const std::string& path, bool positive) const;
  // A finite number, as double.
  double number(const json& j, const std::string& path) const;
  // A finite number converted to T (rounded for float): error if out of T's range.
  template <class T>
  T element(const json& j, const std::string& path) const;

  // The shape of a non-empty list of equally long, non-empty lists (rows × cols); checks
  // the structure only (not the elements).
  Shape rows_shape(const json& j, const std::string& path) const;
  // A list of rows of numbers, as a matrix of that shape, or transposed. Checks the shape
  // first (allocates only then), then every element.
  template <class T>
  Matrix<T> rows_matrix(const json& j, const std::string& path, bool transpose) const;
  // A non-empty flat list of numbers as a 1 × n matrix.
  template <class T>
  Matrix<T> row_vector(const json& j, const std::string& path) const;

 private:
  std::string source_;
};

// Writing: a matrix as a list of rows (or of its transpose's rows), a flat list. Throw
// std::invalid_argument naming `what` if an element is not finite.
template <class T>
ordered_json rows_json(const Matrix<T>& m, bool transpose, const std::string& what);
template <class T>
ordered_json flat_json(const Matrix<T>& m, const std::string& what);
// A StateDict as [{"name", "shape": [rows, cols], "data": [row-major values]}, …]; `what`
// names the owner in the error for a non-finite value.
template <class T>
ordered_json state_json(const StateDict<T>& state, const std::string& what);

}  // namespace xgrad::detail
