#include "xgrad/datasets/augment.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

DistortionOptions DistortionOptions::affine() {
  DistortionOptions o;
  o.rotation_degrees = 10;
  o.translation_pixels = 2;
  o.skew = 0.2;
  return o;
}

DistortionOptions DistortionOptions::elastic() {
  DistortionOptions o;
  o.elastic_alpha = 34;
  o.elastic_sigma = 4;
  return o;
}

DistortionOptions DistortionOptions::affine_and_elastic() {
  DistortionOptions o = affine();
  o.elastic_alpha = 34;
  o.elastic_sigma = 4;
  return o;
}

bool DistortionOptions::is_identity() const {
  return rotation_degrees == 0 && translation_pixels == 0 && skew == 0 && elastic_alpha == 0;
}

Distorter::Distorter(std::size_t rows, std::size_t cols, const DistortionOptions& options,
                     std::uint64_t seed)
    : rows_(rows), cols_(cols), options_(options), rng_(seed) {
  if (rows == 0 || cols == 0) {
    throw DataError(fmt::format("Distorter: images of {}×{} pixels, expected both dimensions "
                                "positive",
                                rows, cols));
  }
  const DistortionOptions& o = options;
  for (double v : {o.rotation_degrees, o.translation_pixels, o.skew, o.elastic_alpha}) {
    if (!(v >= 0) || !std::isfinite(v)) {
      throw DataError(fmt::format("Distorter: strengths must be finite and non-negative (got "
                                  "rotation {}, translation {}, skew {}, alpha {})",
                                  o.rotation_degrees, o.translation_pixels, o.skew,
                                  o.elastic_alpha));
    }
  }
  if (o.elastic_alpha > 0) {
    if (!(o.elastic_sigma > 0) || !std::isfinite(o.elastic_sigma)) {
      throw DataError(fmt::format("Distorter: elastic sigma {}, expected a positive number",
                                  o.elastic_sigma));
    }
    const auto radius = static_cast<std::ptrdiff_t>(std::ceil(3 * o.elastic_sigma));
    double total = 0;
    for (std::ptrdiff_t i = -radius; i <= radius; ++i) {
      kernel_.push_back(std::exp(-0.5 * double(i * i) / (o.elastic_sigma * o.elastic_sigma)));
      total += kernel_.back();
    }
    for (double& k : kernel_) k /= total;
    dx_.resize(rows * cols);
    dy_.resize(rows * cols);
    tmp_.resize(rows * cols);
  }
  source_.resize(rows * cols);
}

// Separable Gaussian convolution with zero outside the image.
void Distorter::smooth(std::vector<double>& field) {
  const auto radius = std::ptrdiff_t(kernel_.size() / 2);
  const auto h = std::ptrdiff_t(rows_), w = std::ptrdiff_t(cols_);
  for (std::ptrdiff_t r = 0; r < h; ++r) {
    for (std::ptrdiff_t c = 0; c < w; ++c) {
      double s = 0;
      for (std::ptrdiff_t k = std::max(-radius, -c); k <= std::min(radius, w - 1 - c); ++k)
        s += kernel_[std::size_t(k + radius)] * field[std::size_t(r * w + c + k)];
      tmp_[std::size_t(r * w + c)] = s;
    }
  }
  for (std::ptrdiff_t r = 0; r < h; ++r) {
    for (std::ptrdiff_t c = 0; c < w; ++c) {
      double s = 0;
      for (std::ptrdiff_t k = std::max(-radius, -r); k <= std::min(radius, h - 1 - r); ++k)
        s += kernel_[std::size_t(k + radius)] * tmp_[std::size_t((r + k) * w + c)];
      field[std::size_t(r * w + c)] = s;
    }
  }
}

void Distorter::draw_field() {
  for (std::vector<double>* field : {&dx_, &dy_}) {
    for (double& v : *field) v = uniform_between(rng_, -1.0, 1.0);
    smooth(*field);
    for (double& v : *field) v *= options_.elastic_alpha;
  }
}

template <class T>
void Distorter::sample(T* dst, const AffineParams& a, bool elastic) const {
  const double theta = a.rotation_degrees * M_PI / 180.0;
  const double cos_t = std::cos(theta), sin_t = std::sin(theta);
  const double cx = 0.5 * double(cols_ - 1), cy = 0.5 * double(rows_ - 1);
  const auto h = std::ptrdiff_t(rows_), w = std::ptrdiff_t(cols_);
  const auto at = [&](std::ptrdiff_t y, std::ptrdiff_t x) {
    return y < 0 || y >= h || x < 0 || x >= w ? 0.0 : source_[std::size_t(y * w + x)];
  };
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::size_t c = 0; c < cols_; ++c) {
      // s = S⁻¹ R⁻¹ (p − t) + d(p), p relative to the centre.
      const double qx = double(c) - cx - a.shift_x, qy = double(r) - cy - a.shift_y;
      const double rx = cos_t * qx + sin_t * qy, ry = -sin_t * qx + cos_t * qy;
      double sx = rx - a.skew * ry + cx, sy = ry + cy;
      if (elastic) {
        sx += dx_[r * cols_ + c];
        sy += dy_[r * cols_ + c];
      }
      const double fx0 = std::floor(sx), fy0 = std::floor(sy);
      const double fx = sx - fx0, fy = sy - fy0;
      // Far outside: background (also keeps the integer conversion in range).
      if (!(fx0 > -2 && fx0 < double(w) + 1 && fy0 > -2 && fy0 < double(h) + 1)) {
        dst[r * cols_ + c] = T(0);
        continue;
      }
      const auto x0 = std::ptrdiff_t(fx0), y0 = std::ptrdiff_t(fy0);
      const double p00 = at(y0, x0), p01 = at(y0, x0 + 1), p10 = at(y0 + 1, x0),
                   p11 = at(y0 + 1, x0 + 1);
      const double v = (1 - fy) * ((1 - fx) * p00 + fx * p01) + fy * ((1 - fx) * p10 + fx * p11);
      // Clamp away rounding so the value stays within its four neighbours.
      const double lo = std::min(std::min(p00, p01), std::min(p10, p11));
      const double hi = std::max(std::max(p00, p01), std::max(p10, p11));
      dst[r * cols_ + c] = static_cast<T>(std::clamp(v, lo, hi));
    }
  }
}

template <class T>
void Distorter::warp(const T* src, T* dst, const AffineParams& affine) {
  std::copy_n(src, source_.size(), source_.begin());
  sample(dst, affine, false);
}

template <class T>
void Distorter::distort(const T* src, T* dst) {
  if (options_.is_identity()) {
    if (dst != src) std::copy_n(src, rows_ * cols_, dst);
    return;
  }
  const DistortionOptions& o = options_;
  AffineParams a;
  a.rotation_degrees = uniform_between(rng_, -o.rotation_degrees, o.rotation_degrees);
  a.shift_x = uniform_between(rng_, -o.translation_pixels, o.translation_pixels);
  a.shift_y = uniform_between(rng_, -o.translation_pixels, o.translation_pixels);
  a.skew = uniform_between(rng_, -o.skew, o.skew);
  const bool elastic = o.elastic_alpha > 0;
  if (elastic) draw_field();
  std::copy_n(src, source_.size(), source_.begin());
  sample(dst, a, elastic);
}

template <class T>
void Distorter::distort_rows(Matrix<T>& images) {
  if (images.shape()[1] != rows_ * cols_) {
    throw DataError(fmt::format("Distorter: rows of {} values, expected {}×{} = {}",
                                images.shape()[1], rows_, cols_, rows_ * cols_));
  }
  for (std::size_t i = 0; i < images.shape()[0]; ++i) {
    T* row = images.data() + i * rows_ * cols_;
    distort(row, row);
  }
}

template <class T>
Dataset<T> expand(const Dataset<T>& data, std::size_t copies, std::size_t rows,
                  std::size_t cols, const DistortionOptions& options, std::uint64_t seed) {
  if (data.input_size() != rows * cols) {
    throw DataError(fmt::format("expand: inputs of {} values, expected images of {}×{} = {}",
                                data.input_size(), rows, cols, rows * cols));
  }
  const std::size_t n = data.size(), total = n * (copies + 1);
  Distorter distorter(rows, cols, options, seed);
  Matrix<T> x = xt::empty<T>({total, data.input_size()});
  for (std::size_t copy = 0; copy <= copies; ++copy) {
    T* xs = x.data() + copy * n * data.input_size();
    for (std::size_t i = 0; i < n; ++i) {
      const T* src = data.inputs().data() + i * data.input_size();
      T* dst = xs + i * data.input_size();
      if (copy == 0) {
        std::copy_n(src, data.input_size(), dst);
      } else {
        distorter.distort(src, dst);
      }
    }
  }
  if (!data.has_labels()) {
    Matrix<T> y = xt::empty<T>({total, data.target_size()});
    for (std::size_t copy = 0; copy <= copies; ++copy)
      std::copy_n(data.targets().data(), n * data.target_size(),
                  y.data() + copy * n * data.target_size());
    return Dataset<T>(std::move(x), std::move(y));
  }
  std::vector<std::size_t> labels;
  labels.reserve(total);
  for (std::size_t copy = 0; copy <= copies; ++copy)
    labels.insert(labels.end(), data.labels().begin(), data.labels().end());
  return Dataset<T>::classification(std::move(x), std::move(labels), data.num_classes());
}

#define XGRAD_INSTANTIATE(T)                                                              \
  template void Distorter::distort<T>(const T*, T*);                                      \
  template void Distorter::distort_rows<T>(Matrix<T>&);                                   \
  template void Distorter::warp<T>(const T*, T*, const AffineParams&);                    \
  template Dataset<T> expand<T>(const Dataset<T>&, std::size_t, std::size_t, std::size_t, \
                                const DistortionOptions&, std::uint64_t);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
