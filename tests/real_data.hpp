#pragma once
// The real data sets for the tests that need them, found the way the programs find them
// ($XGRAD_DATA, then the checkout's data/mnist/ that scripts/setup.sh fills). Where the data
// is missing such a test is skipped on a developer's machine, but fails in CI (CI=true):
// CI fetches the data first, so a missing file there is a bug, not an excuse.

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <xgrad/datasets/data_location.hpp>

namespace xgrad::test {

inline bool data_required() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// The MNIST directory, or empty with the reason in `why`.
inline std::string real_mnist_dir(std::string& why) {
  try {
    return mnist::locate().path;
  } catch (const DataError& e) {
    why = e.what();
    return {};
  }
}

}  // namespace xgrad::test

// Ends the current test when `dir` is empty: a failure in CI, a skip elsewhere.
#define XGRAD_REQUIRE_DATA(dir, why)                                                 \
  do {                                                                               \
    if ((dir).empty()) {                                                             \
      if (::xgrad::test::data_required()) FAIL() << (why) << " (CI=true: required)"; \
      GTEST_SKIP() << (why);                                                         \
    }                                                                                \
  } while (false)
