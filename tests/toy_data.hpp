#pragma once
// A small labelled problem for training tests: Gaussian inputs, and the class is the index of
// the largest of the first three (so a network learns it in a few epochs).

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <xgrad/autograd/random.hpp>
#include <xgrad/datasets/dataset.hpp>

namespace xgrad::test {

/// `n` examples of `inputs` (≥ 3) standard normal values each, in 3 classes; seeded.
template <class T>
Dataset<T> toy_data(std::size_t n, std::size_t inputs, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<T> x = normal_matrix<T>(n, inputs, 0.0, 1.0, rng);
  std::vector<std::size_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = 0;
    for (std::size_t j = 1; j < 3; ++j) best = x(i, j) > x(i, best) ? j : best;
    labels[i] = best;
  }
  return Dataset<T>::classification(std::move(x), std::move(labels), 3);
}

}  // namespace xgrad::test
