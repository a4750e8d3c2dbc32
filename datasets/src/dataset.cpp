#include "xgrad/datasets/dataset.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/memory.hpp"
#include "byte_inputs.hpp"

namespace xgrad {
namespace {

template <class T>
Matrix<T> stack_rows(const std::vector<std::vector<T>>& rows, const char* what) {
  const std::size_t width = rows.empty() ? 0 : rows.front().size();
  Matrix<T> m = xt::empty<T>({rows.size(), width});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != width) {
      throw DataError(fmt::format("Dataset::from_rows: {} row {} has {} values, expected {} "
                                  "(as row 0)",
                                  what, i, rows[i].size(), width));
    }
    std::copy(rows[i].begin(), rows[i].end(), m.data() + i * width);
  }
  return m;
}

}  // namespace

template <class T>
Matrix<T> one_hot(const std::vector<std::size_t>& labels, std::size_t num_classes) {
  Matrix<T> y = xt::zeros<T>({labels.size(), num_classes});
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= num_classes) {
      throw DataError(fmt::format("one_hot: label {} of example {} is out of range (expected 0 "
                                  "to {} for {} classes)",
                                  labels[i], i, num_classes == 0 ? 0 : num_classes - 1,
                                  num_classes));
    }
    y(i, labels[i]) = T(1);
  }
  return y;
}

template <class T>
struct Dataset<T>::ByteForm {
  std::once_flag found;
  std::unique_ptr<std::uint8_t[]> bytes;  // null unless every input is a byte / 255
};

template <class T>
Dataset<T>::Dataset(Matrix<T> inputs, Matrix<T> targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)),
      byte_form_(std::make_shared<ByteForm>()) {
  if (inputs_.shape()[0] != targets_.shape()[0]) {
    throw DataError(fmt::format("Dataset: {} input rows but {} target rows (expected one target "
                                "row per example)",
                                inputs_.shape()[0], targets_.shape()[0]));
  }
}

template <class T>
Dataset<T> Dataset<T>::classification(Matrix<T> inputs, std::vector<std::size_t> labels,
                                      std::size_t num_classes) {
  if (labels.size() != inputs.shape()[0]) {
    throw DataError(fmt::format("Dataset::classification: {} input rows but {} labels (expected "
                                "one label per example)",
                                inputs.shape()[0], labels.size()));
  }
  if (num_classes == 0) throw DataError("Dataset::classification: num_classes must be positive");
  Dataset d(std::move(inputs), one_hot<T>(labels, num_classes));
  d.labels_ = std::move(labels);
  d.classification_ = true;
  return d;
}

template <class T>
Dataset<T> Dataset<T>::from_rows(const std::vector<std::vector<T>>& inputs,
                                 std::vector<std::size_t> labels, std::size_t num_classes) {
  return classification(stack_rows(inputs, "input"), std::move(labels), num_classes);
}

template <class T>
Dataset<T> Dataset<T>::from_rows(const std::vector<std::vector<T>>& inputs,
                                 const std::vector<std::vector<T>>& targets) {
  return Dataset(stack_rows(inputs, "input"), stack_rows(targets, "target"));
}

template <class T>
const std::uint8_t* Dataset<T>::byte_inputs() const {
  if (!byte_form_) return nullptr;
  ByteForm& form = *byte_form_;
  std::call_once(form.found, [&] {
    const std::size_t n = inputs_.size();
    if (n == 0) return;
    std::unique_ptr<std::uint8_t[]> bytes(new std::uint8_t[n]);  // not zeroed: all written
    // Huge pages before the first touch: a fault per 4 KiB page costs ~12 µs on some virtual
    // machines, and MNIST's training set takes ~9,600 pages.
    advise_huge_pages(bytes.get(), n);
    if (detail::find_byte_inputs(inputs_.data(), n, bytes.get())) form.bytes = std::move(bytes);
  });
  return form.bytes.get();
}

template <class T>
void Dataset<T>::copy_input_rows(std::size_t first, std::size_t count, T* out) const {
  if (first > size() || count > size() - first) {
    throw DataError(fmt::format("Dataset::copy_input_rows: rows {} to {} of a data set of {} rows",
                                first, first + count, size()));
  }
  const std::size_t offset = first * input_size(), values = count * input_size();
  if (const std::uint8_t* bytes = byte_inputs()) {
    detail::decode_byte_inputs(bytes + offset, out, values);
  } else {
    std::copy_n(inputs_.data() + offset, values, out);
  }
}

template <class T>
Dataset<T> Dataset<T>::head(std::size_t n) const {
  n = std::min(n, size());
  Matrix<T> x = xt::empty<T>({n, input_size()});
  Matrix<T> y = xt::empty<T>({n, target_size()});
  std::copy_n(inputs_.data(), n * input_size(), x.data());
  std::copy_n(targets_.data(), n * target_size(), y.data());
  Dataset d(std::move(x), std::move(y));
  d.labels_.assign(labels_.begin(), labels_.begin() + std::ptrdiff_t(std::min(n, labels_.size())));
  d.classification_ = classification_;
  return d;
}

#define XGRAD_INSTANTIATE(T) \
  template class Dataset<T>; \
  template Matrix<T> one_hot<T>(const std::vector<std::size_t>&, std::size_t);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
