#pragma once
/// @file
/// Artificially expanding the training data (the book's chapter 3; Simard, Steinkraus and
/// Platt 2003): small rotations, translations, skewing, and elastic distortions of images.
///
/// Each output pixel samples the source image bilinearly (zero outside it) at
///   s = S⁻¹ R⁻¹ (p − t) + d(p),
/// where p is the pixel's position relative to the image centre, t the translation, R the
/// rotation, S the skew (shear x' = x + k·y) and d(p) the elastic displacement: a field of
/// independent uniform(−1, 1) values per pixel and axis, smoothed by a Gaussian of standard
/// deviation σ (zero outside the image) and scaled by α. Bilinear sampling is a convex
/// combination of source pixels and the zero background, so values stay within the
/// source's range joined with 0 (pixels in [0, 1] stay in [0, 1]); with every strength at
/// zero the output is the input exactly.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <xgrad/datasets/dataset.hpp>
#include <xgrad/datasets/random.hpp>

namespace xgrad {

/// Strengths of the random distortions. Each affine parameter is drawn uniformly from
/// [−max, max] for every image; all zero (the default) is the identity.
struct DistortionOptions {
  double rotation_degrees = 0;    ///< largest rotation, degrees
  double translation_pixels = 0;  ///< largest shift along each axis, pixels
  double skew = 0;                ///< largest shear factor k (x' = x + k·y)
  double elastic_alpha = 0;       ///< α: scale of the elastic displacement field, pixels
  double elastic_sigma = 4;       ///< σ: Gaussian smoothing of the field, pixels

  /// Small affine distortions: ±10°, ±2 pixels, skew ±0.2.
  static DistortionOptions affine();
  /// Simard et al.'s elastic distortion for 28×28 digits: α = 34, σ = 4.
  static DistortionOptions elastic();
  /// affine() and elastic() together.
  static DistortionOptions affine_and_elastic();
  /// True when every strength is zero.
  bool is_identity() const;
};

/// One affine distortion (for a deterministic warp).
struct AffineParams {
  double rotation_degrees = 0;  ///< degrees; positive turns clockwise on screen (y down)
  double shift_x = 0;           ///< content moves right by this many pixels
  double shift_y = 0;           ///< content moves down by this many pixels
  double skew = 0;              ///< shear factor k: x' = x + k·y (y relative to the centre)
};

/// Distorts images of rows × cols pixels (row-major, as the rows of a Dataset's inputs).
/// Owns its seeded generator and scratch buffers, so distorting allocates nothing and the
/// same seed gives the same distortions.
class Distorter {
 public:
  /// Distortions of the given strengths for rows × cols images, seeded with `seed`.
  /// Throws DataError for empty images, negative strengths or σ ≤ 0 with α > 0.
  Distorter(std::size_t rows, std::size_t cols, const DistortionOptions& options,
            std::uint64_t seed);

  /// Draws a random distortion and applies it to the image `src` into `dst` (both
  /// rows·cols values; they may be the same).
  template <class T>
  void distort(const T* src, T* dst);
  /// Distorts every row of `images` (n × rows·cols) in place, each with its own draw.
  template <class T>
  void distort_rows(Matrix<T>& images);
  /// Applies the given affine map (no elastic part) to `src` into `dst`.
  template <class T>
  void warp(const T* src, T* dst, const AffineParams& affine);

  std::size_t rows() const { return rows_; }  ///< image height
  std::size_t cols() const { return cols_; }  ///< image width
  const DistortionOptions& options() const { return options_; }  ///< the distortion strengths
  /// The generator's state (save_rng() text), to resume a sequence of distortions.
  std::string rng_state() const { return save_rng(rng_); }
  /// Restores a state from rng_state().
  void restore_rng_state(const std::string& state) { restore_rng(rng_, state); }

 private:
  void draw_field();
  void smooth(std::vector<double>& field);
  template <class T>
  void sample(T* dst, const AffineParams& affine, bool elastic) const;

  std::size_t rows_, cols_;
  DistortionOptions options_;
  Rng rng_;
  std::vector<double> kernel_;          // normalised Gaussian, radius ⌈3σ⌉
  std::vector<double> dx_, dy_, tmp_;   // elastic field and smoothing scratch
  std::vector<double> source_;          // copy of the image being distorted
};

/// The data set followed by `copies` distorted copies of every example (the `--expand K`
/// of the trainer): (copies + 1) · n rows, originals first, then copy 1 of every example,
/// and so on; targets and labels repeat. Images are rows × cols.
template <class T>
Dataset<T> expand(const Dataset<T>& data, std::size_t copies, std::size_t rows,
                  std::size_t cols, const DistortionOptions& options, std::uint64_t seed);

}  // namespace xgrad
