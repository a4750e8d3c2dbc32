#pragma once
// Helpers for the model-file tests: networks with awkward parameter values, bit-for-bit
// comparison of matrices and networks, environment and file helpers.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>

#include <xgrad/xgrad.hpp>

namespace xgrad::test {

// The element types of the typed model-file tests.
using ModelDtypes = ::testing::Types<float, double>;

// Same shape and the same bits in every element (so −0.0 ≠ 0.0).
template <class T>
::testing::AssertionResult bitwise_equal(const Matrix<T>& a, const Matrix<T>& b) {
  if (a.shape() != b.shape()) {
    return ::testing::AssertionFailure() << "shape " << shape_string(shape_of(a)) << " vs "
                                         << shape_string(shape_of(b));
  }
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (std::memcmp(&a.flat(k), &b.flat(k), sizeof(T)) != 0) {
      std::ostringstream out;
      out.precision(std::numeric_limits<T>::max_digits10);
      out << "element " << k << ": " << a.flat(k) << " vs " << b.flat(k);
      return ::testing::AssertionFailure() << out.str();
    }
  }
  return ::testing::AssertionSuccess();
}

// Same description and bit-identical parameters of the same names.
template <class T>
::testing::AssertionResult same_network(const Module<T>& a, const Module<T>& b) {
  if (a.describe() != b.describe()) {
    return ::testing::AssertionFailure() << a.describe() << " vs " << b.describe();
  }
  const StateDict<T> sa = a.state(), sb = b.state();
  if (sa.size() != sb.size()) return ::testing::AssertionFailure() << "parameter counts differ";
  for (std::size_t i = 0; i < sa.size(); ++i) {
    if (sa[i].name != sb[i].name) {
      return ::testing::AssertionFailure() << sa[i].name << " vs " << sb[i].name;
    }
    auto same = bitwise_equal(sa[i].value, sb[i].value);
    if (!same) return same << " in " << sa[i].name;
  }
  return ::testing::AssertionSuccess();
}

// Values that stress a decimal round trip: thirds, tiny, huge, subnormal, negative zero.
template <class T>
Matrix<T> awkward(std::size_t rows, std::size_t cols, int salt) {
  const T specials[] = {T(1) / T(3),
                        T(-0.0),
                        std::numeric_limits<T>::denorm_min(),
                        std::numeric_limits<T>::max() / T(7),
                        std::numeric_limits<T>::min(),
                        T(-2) / T(7),
                        T(0.1),
                        T(3.14159265358979323846)};
  Matrix<T> m = xt::empty<T>({rows, cols});
  for (std::size_t k = 0; k < m.size(); ++k) {
    const T special = specials[(k + std::size_t(salt)) % std::size(specials)];
    m.flat(k) = special * T(1 + (k % 5)) / T(1 + salt % 3);
  }
  return m;
}

// A network of every built-in module with awkward parameter values: Dense(4,3) Sigmoid
// Dropout(0.25) Dense(3,5) Tanh Dense(5,2) ReLU Softmax.
template <class T>
Sequential<T> every_builtin_module() {
  return Sequential<T>(Dense<T>(awkward<T>(4, 3, 1), awkward<T>(1, 3, 2)), Sigmoid<T>(),
                       Dropout<T>(0.25, std::uint64_t{99}),
                       Dense<T>(awkward<T>(3, 5, 3), awkward<T>(1, 5, 4)), Tanh<T>(),
                       Dense<T>(awkward<T>(5, 2, 5), awkward<T>(1, 2, 6)), ReLU<T>(),
                       Softmax<T>());
}

// Sets an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace xgrad::test
