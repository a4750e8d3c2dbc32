// Distortions: identity at zero strength, determinism per seed, range preserved, mass
// moved exactly by translations, rotations by 90°, expansion by K copies, and no
// allocation when distorting batches on the fly.

#include <cmath>

#include <gtest/gtest.h>

#include <xgrad/datasets/augment.hpp>
#include <xgrad/datasets/batcher.hpp>

#include "alloc_tracker.hpp"
#include "files.hpp"
#include "test_util.hpp"

namespace xgrad {
namespace {

constexpr std::size_t kSide = 28, kPixels = kSide * kSide;

// A smooth blob of the given radius centred at (cy, cx): values in [0, 1].
std::vector<double> blob(double cy, double cx, double radius) {
  std::vector<double> img(kPixels);
  for (std::size_t r = 0; r < kSide; ++r)
    for (std::size_t c = 0; c < kSide; ++c) {
      const double d2 = (double(r) - cy) * (double(r) - cy) + (double(c) - cx) * (double(c) - cx);
      img[r * kSide + c] = std::max(0.0, 1.0 - d2 / (radius * radius));
    }
  return img;
}

struct Moments {
  double mass = 0, x = 0, y = 0;
};

Moments moments(const std::vector<double>& img) {
  Moments m;
  for (std::size_t r = 0; r < kSide; ++r)
    for (std::size_t c = 0; c < kSide; ++c) {
      const double v = img[r * kSide + c];
      m.mass += v;
      m.x += v * double(c);
      m.y += v * double(r);
    }
  m.x /= m.mass;
  m.y /= m.mass;
  return m;
}

Matrix<double> random_images(std::size_t n) { return test::uniform(n, kPixels, 0.0, 1.0); }

TEST(Augment, zero_strength_is_the_identity) {
  const Matrix<double> images = random_images(3);
  Matrix<double> out = images;
  Distorter none(kSide, kSide, DistortionOptions{}, 1);
  none.distort_rows(out);
  EXPECT_EQ(out, images);
  // The general path too: a zero affine map, and strengths that draw only zeros.
  std::vector<double> dst(kPixels);
  none.warp(images.data(), dst.data(), AffineParams{});
  for (std::size_t k = 0; k < kPixels; ++k) ASSERT_EQ(dst[k], images.flat(k));
  DistortionOptions tiny;
  tiny.elastic_alpha = 1e-300;  // takes the elastic path, displaces by nothing
  Distorter almost(kSide, kSide, tiny, 2);
  std::vector<float> src(kPixels), got(kPixels);
  for (std::size_t k = 0; k < kPixels; ++k) src[k] = float(images.flat(k));
  almost.distort(src.data(), got.data());
  EXPECT_EQ(got, src);
}

TEST(Augment, deterministic_per_seed) {
  const Matrix<float> images = xt::cast<float>(random_images(4));
  for (const auto& options : {DistortionOptions::affine(), DistortionOptions::elastic(),
                              DistortionOptions::affine_and_elastic()}) {
    Matrix<float> a = images, b = images, c = images;
    Distorter da(kSide, kSide, options, 7), db(kSide, kSide, options, 7), dc(kSide, kSide, options, 8);
    da.distort_rows(a);
    db.distort_rows(b);
    dc.distort_rows(c);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, images);
    // Saving and restoring the generator replays the same distortions.
    const std::string state = da.rng_state();
    Matrix<float> again = images, more = images;
    da.distort_rows(again);
    da.restore_rng_state(state);
    da.distort_rows(more);
    EXPECT_EQ(again, more);
  }
}

TEST(Augment, pixel_range_preserved) {
  const Matrix<double> images = random_images(20);
  DistortionOptions strong = DistortionOptions::affine_and_elastic();
  strong.rotation_degrees = 45;
  strong.elastic_alpha = 80;
  Matrix<double> out = images;
  Distorter(kSide, kSide, strong, 3).distort_rows(out);
  EXPECT_GE(xt::amin(out)(), 0.0);
  EXPECT_LE(xt::amax(out)(), 1.0);
  // Values in [0.2, 0.7] stay in [0, 0.7] (the background is 0).
  Matrix<double> mid = 0.2 + 0.5 * images;
  Distorter(kSide, kSide, strong, 4).distort_rows(mid);
  EXPECT_GE(xt::amin(mid)(), 0.0);
  EXPECT_LE(xt::amax(mid)(), 0.7);
}

TEST(Augment, translation_moves_mass_as_expected) {
  const std::vector<double> img = blob(12.0, 14.0, 5.0);
  const Moments before = moments(img);
  Distorter d(kSide, kSide, DistortionOptions{}, 1);
  for (const auto& [sx, sy] : {std::pair{3.0, -2.0}, std::pair{-4.0, 5.0}, std::pair{0.5, 0.25}}) {
    std::vector<double> out(kPixels);
    AffineParams shift;
    shift.shift_x = sx;
    shift.shift_y = sy;
    d.warp(img.data(), out.data(), shift);
    const Moments after = moments(out);
    EXPECT_NEAR(after.mass, before.mass, 1e-9) << sx << "," << sy;
    EXPECT_NEAR(after.x - before.x, sx, 1e-9);
    EXPECT_NEAR(after.y - before.y, sy, 1e-9);
  }
  // An integer shift moves every pixel exactly.
  std::vector<double> out(kPixels);
  AffineParams shift;
  shift.shift_x = 2;
  shift.shift_y = 1;
  d.warp(img.data(), out.data(), shift);
  for (std::size_t r = 1; r < kSide; ++r)
    for (std::size_t c = 2; c < kSide; ++c) EXPECT_EQ(out[r * kSide + c], img[(r - 1) * kSide + c - 2]);
}

TEST(Augment, rotation_by_90_degrees_turns_the_grid) {
  const Matrix<double> images = random_images(1);
  std::vector<double> out(kPixels);
  Distorter d(kSide, kSide, DistortionOptions{}, 1);
  AffineParams quarter;
  quarter.rotation_degrees = 90;
  d.warp(images.data(), out.data(), quarter);
  // Clockwise on screen: the source pixel (r, c) lands at (c, 27 − r).
  for (std::size_t r = 0; r < kSide; ++r)
    for (std::size_t c = 0; c < kSide; ++c)
      EXPECT_NEAR(out[c * kSide + (kSide - 1 - r)], images(0, r * kSide + c), 1e-12);
}

TEST(Augment, skew_shears_rows_in_proportion_to_height) {
  // A vertical bar in column 14; skew 1/13.5 shifts the bottom row right by one pixel
  // relative to the centre row and the top row left by one.
  std::vector<double> img(kPixels, 0.0);
  for (std::size_t r = 0; r < kSide; ++r) img[r * kSide + 14] = 1.0;
  Distorter d(kSide, kSide, DistortionOptions{}, 1);
  AffineParams skew;
  skew.skew = 1.0 / 13.5;
  std::vector<double> out(kPixels);
  d.warp(img.data(), out.data(), skew);
  EXPECT_NEAR(out[27 * kSide + 15], 1.0, 1e-12);
  EXPECT_NEAR(out[0 * kSide + 13], 1.0, 1e-12);
}

TEST(Augment, elastic_displacement_is_small_and_smooth_for_small_alpha) {
  const std::vector<double> img = blob(13.5, 13.5, 8.0);
  DistortionOptions gentle;
  gentle.elastic_alpha = 0.5;
  std::vector<double> out(kPixels);
  Distorter(kSide, kSide, gentle, 11).distort(img.data(), out.data());
  double worst = 0;
  for (std::size_t k = 0; k < kPixels; ++k) worst = std::max(worst, std::abs(out[k] - img[k]));
  EXPECT_GT(worst, 0.0);
  EXPECT_LT(worst, 0.05);  // the blob's slope is ≤ 0.25 per pixel; displacements ≪ 1 pixel
}

TEST(Augment, expand_appends_k_distorted_copies) {
  const auto data = Dataset<float>::classification(xt::cast<float>(random_images(5)),
                                                   {0, 1, 2, 3, 4}, 5);
  const auto expanded = expand(data, 3, kSide, kSide, DistortionOptions::affine(), 9);
  ASSERT_EQ(expanded.size(), 20u);
  EXPECT_EQ(expanded.head(5).inputs(), data.inputs());
  for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(expanded.labels()[i], i % 5);
  EXPECT_EQ(expanded.targets()(17, 2), 1.0f);
  EXPECT_EQ(expanded.inputs(), expand(data, 3, kSide, kSide, DistortionOptions::affine(), 9).inputs());
  test::expect_error<DataError>([&] { expand(data, 1, 27, 28, DistortionOptions{}, 1); },
                                {"inputs of 784 values, expected images of 27×28 = 756"});
}

TEST(Augment, on_the_fly_batches_allocate_nothing) {
  const auto data = Dataset<float>::classification(xt::cast<float>(random_images(64)),
                                                   std::vector<std::size_t>(64, 0), 1);
  Batcher<float> batcher(data, 16, 1);
  Distorter distorter(kSide, kSide, DistortionOptions::affine_and_elastic(), 2);
  while (Batch<float>* b = batcher.next()) distorter.distort_rows(b->inputs);  // warm up
  test::reset_largest_allocation();
  std::size_t batches = 0;
  while (Batch<float>* b = batcher.next()) {
    distorter.distort_rows(b->inputs);
    ++batches;
  }
  EXPECT_EQ(batches, 4u);
  EXPECT_EQ(test::allocation_count(), 0u);
}

TEST(Augment, bad_arguments) {
  DistortionOptions negative;
  negative.skew = -0.1;
  test::expect_error<DataError>([&] { Distorter(28, 28, negative, 1); },
                                {"strengths must be finite and non-negative", "skew -0.1"});
  DistortionOptions no_sigma = DistortionOptions::elastic();
  no_sigma.elastic_sigma = 0;
  test::expect_error<DataError>([&] { Distorter(28, 28, no_sigma, 1); },
                                {"elastic sigma 0, expected a positive number"});
  Matrix<float> wrong = xt::zeros<float>({2, 10});
  Distorter d(28, 28, DistortionOptions::affine(), 1);
  test::expect_error<DataError>([&] { d.distort_rows(wrong); }, {"rows of 10 values, expected 28×28"});
}

}  // namespace
}  // namespace xgrad
