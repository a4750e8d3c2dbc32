// Every exception the library throws is an xgrad::Error (and so a std::exception): one from
// each module and each error type, caught through the base.

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

// Runs f, expects an exception of type E, and checks that it is also caught as xgrad::Error.
template <class E, class F>
void expect_xgrad_error(F&& f, const char* what) {
  try {
    f();
    ADD_FAILURE() << what << ": no exception";
  } catch (const E& e) {
    const Error* base = &e;  // compiles only if E derives from xgrad::Error
    const std::exception* std_base = base;
    EXPECT_NE(std::string(std_base->what()), "") << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": not the expected type: " << e.what();
  }
}

TEST(ErrorHierarchy, every_module_throws_xgrad_errors) {
  expect_xgrad_error<ShapeError>([] { matmul(Vard(Matrix<double>({{1.0}})), Vard(Matrix<double>({{1.0, 2.0}, {3.0, 4.0}}))); },
                                 "autograd shape");
  expect_xgrad_error<InvalidArgument>([] { sum(Vard(Matrix<double>({{1.0}})), 2); }, "autograd axis");
  expect_xgrad_error<InvalidArgument>(
      [] { softmax_log_likelihood(Vard(Matrix<double>({{1.0, 2.0}})), std::vector<std::size_t>{5}); },
      "autograd label");
  expect_xgrad_error<GraphError>([] { Vard(Matrix<double>({{1.0}})).backward(); }, "autograd graph");
  expect_xgrad_error<InvalidArgument>(
      [] {
        Vard w(Matrix<double>({{1.0}}), true);
        SGD<double> sgd({{"w", w, ParameterKind::weight}}, -1.0);
      },
      "optim learning rate");
  expect_xgrad_error<InvalidArgument>([] { Dropout<double>(1.5, std::uint64_t(1)); }, "layers dropout");
  expect_xgrad_error<DataError>([] { mnist::load<float>("/nonexistent-xgrad-dir"); }, "datasets");
  expect_xgrad_error<ModelFormatError>([] { parse_model<double>("{}"); }, "layers model file");
  expect_xgrad_error<IoError>(
      [] {
        Rng rng(1);
        Sequential<double> net(Dense<double>(2, 1, Init::standard, rng));
        save_model("/nonexistent-xgrad-dir/model.json", net, Cost::quadratic());
      },
      "layers atomic file");
}

TEST(ErrorHierarchy, shape_errors_are_invalid_arguments) {
  try {
    throw ShapeError("x");
  } catch (const InvalidArgument&) {
    SUCCEED();
  }
}

}  // namespace
}  // namespace xgrad
