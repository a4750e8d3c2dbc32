#pragma once
/// @file
/// Dataset: examples as the rows of an inputs matrix and a targets matrix, plus integer
/// class labels for classification. What the trainer consumes, whatever the data's origin
/// (MNIST, a CSV file, the user's own arrays).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <xgrad/autograd/tensor.hpp>
#include <xgrad/datasets/errors.hpp>

namespace xgrad {

/// (inputs, targets) matrices whose rows are examples, and for classification the integer
/// label of each row (the targets are then its one-hot rows).
///
/// The data is held once; mini-batches are gathered from it into reusable buffers by
/// Batcher. T is float or double.
template <class T>
class Dataset {
 public:
  /// An empty data set (no rows).
  Dataset() = default;

  /// Inputs (n × d) and targets (n × k), e.g. regression targets. Throws DataError when
  /// the row counts differ.
  Dataset(Matrix<T> inputs, Matrix<T> targets);

  /// Classification: inputs (n × d) and one label per row, each below `num_classes`; the
  /// targets are the one-hot rows (n × num_classes). Throws DataError naming the first
  /// bad label or the mismatched counts.
  static Dataset classification(Matrix<T> inputs, std::vector<std::size_t> labels,
                                std::size_t num_classes);

  /// Classification from the user's arrays: one input vector per example (all the same
  /// length) and its label.
  static Dataset from_rows(const std::vector<std::vector<T>>& inputs,
                           std::vector<std::size_t> labels, std::size_t num_classes);

  /// From the user's arrays: one input and one target vector per example.
  static Dataset from_rows(const std::vector<std::vector<T>>& inputs,
                           const std::vector<std::vector<T>>& targets);

  /// Number of examples (rows).
  std::size_t size() const { return inputs_.shape()[0]; }
  bool empty() const { return size() == 0; }  ///< no examples
  /// Width of an input row.
  std::size_t input_size() const { return inputs_.shape()[1]; }
  /// Width of a target row (the number of classes for classification).
  std::size_t target_size() const { return targets_.shape()[1]; }

  const Matrix<T>& inputs() const { return inputs_; }    ///< (size × input_size), one example per row
  const Matrix<T>& targets() const { return targets_; }  ///< (size × target_size), e.g. one-hot
  /// Writable inputs, e.g. to normalise in place. Turns byte_inputs() off for good: its
  /// bytes could not follow later writes through the reference.
  Matrix<T>& mutable_inputs() {
    byte_form_.reset();
    return inputs_;
  }

  /// The inputs as one byte b per value, when every input is exactly T(b) / T(255) (as
  /// MNIST's pixels are once scaled to [0, 1]); nullptr when one is not (or after
  /// mutable_inputs()). Batcher gathers these bytes and divides them back, bit for bit the
  /// values, instead of the values themselves: a quarter of the memory traffic in float32
  /// (an eighth in float64), which is what a batch of rows scattered over a data set too
  /// large for the caches costs. Found by a pass over the inputs on the first call and kept,
  /// one byte per input (copies of the Dataset share them); safe to call from several
  /// threads at once.
  const std::uint8_t* byte_inputs() const;

  /// Copies input rows [first, first + count) into `out` (count × input_size() values):
  /// from byte_inputs() when there are bytes (the same values, bit for bit, from a quarter
  /// of the memory in float32), else from inputs(). Throws DataError past the last row.
  void copy_input_rows(std::size_t first, std::size_t count, T* out) const;

  /// True for a classification data set (labels() has one entry per row).
  bool has_labels() const { return classification_; }
  /// The class label of each row (empty unless has_labels()).
  const std::vector<std::size_t>& labels() const { return labels_; }
  /// Number of classes of a classification data set (its target width), 0 otherwise.
  std::size_t num_classes() const { return classification_ ? target_size() : 0; }

  /// A copy of the first min(n, size()) examples.
  Dataset head(std::size_t n) const;

 private:
  Matrix<T> inputs_ = Matrix<T>::from_shape({0, 0});
  Matrix<T> targets_ = Matrix<T>::from_shape({0, 0});
  std::vector<std::size_t> labels_;
  bool classification_ = false;
  // byte_inputs(), found once; null for an empty data set and after mutable_inputs().
  struct ByteForm;
  std::shared_ptr<ByteForm> byte_form_;
};

/// One-hot rows (labels.size() × num_classes) of the labels. Throws DataError naming the
/// first label that is not below num_classes.
template <class T>
Matrix<T> one_hot(const std::vector<std::size_t>& labels, std::size_t num_classes);

}  // namespace xgrad
