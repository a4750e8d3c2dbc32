// xlogy: x·ln y with 0·ln 0 = 0 — values, the zero convention and its gradient.

#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "test_util.hpp"

namespace xgrad {
namespace {

TEST(Gradcheck, xlogy) {
  // x has exact zeros (targets of one-hot rows): those elements must contribute nothing.
  Matrix<double> x = test::uniform(4, 5, 0.0, 1.0);
  x(0, 1) = 0.0;
  x(2, 3) = 0.0;
  const GradcheckResult r = gradcheck(
      [x](const std::vector<Vard>& v) { return xlogy(x, v[0]); },
      {test::uniform(4, 5, 0.2, 2.0)}, "xlogy");
  EXPECT_TRUE(r.passed) << r.message;
}

TEST(Xlogy, values_and_zero_convention) {
  const Matrix<double> x = {{0.0, 0.5, 2.0, 0.0}};
  const Vard y(Matrix<double>({{0.0, 0.25, 3.0, 1.0}}), true);
  const Vard out = xlogy(x, y);
  EXPECT_EQ(out.value()(0, 0), 0.0);  // 0·ln 0 = 0, not NaN
  EXPECT_DOUBLE_EQ(out.value()(0, 1), 0.5 * std::log(0.25));
  EXPECT_DOUBLE_EQ(out.value()(0, 2), 2.0 * std::log(3.0));
  EXPECT_EQ(out.value()(0, 3), 0.0);
  sum(out).backward();
  EXPECT_EQ(y.grad()(0, 0), 0.0);  // finite: the term is identically 0 in y
  EXPECT_DOUBLE_EQ(y.grad()(0, 1), 0.5 / 0.25);
  EXPECT_DOUBLE_EQ(y.grad()(0, 2), 2.0 / 3.0);
  EXPECT_EQ(y.grad()(0, 3), 0.0);
}

TEST(Xlogy, shape_mismatch_names_both_shapes) {
  try {
    xlogy(Matrix<double>(xt::zeros<double>({2, 3})), Vard(test::uniform(3, 2)));
    ADD_FAILURE() << "no exception";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("xlogy: x has shape (2, 3) but y has shape (3, 2)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace xgrad
