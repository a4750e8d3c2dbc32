#include "xgrad/datasets/batcher.hpp"

#include <stdexcept>

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {
namespace {

template <class T>
Batch<T> make_batch(const Dataset<T>& data, std::size_t rows) {
  Batch<T> b;
  b.inputs = xt::empty<T>({rows, data.input_size()});
  b.targets = xt::empty<T>({rows, data.target_size()});
  if (data.has_labels()) b.labels.resize(rows);
  b.indices.resize(rows);
  return b;
}

// A hint to bring the cache line at `p` into the core's second-level cache. On x86-64 it is
// the instruction itself: GCC treats __builtin_prefetch as free of side effects and deleted
// the whole loop of prefetch_rows() below (measured: not one prefetch in the object file).
inline void prefetch_line(const char* p) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  asm volatile("prefetcht1 %0" : : "m"(*p));
#else
  __builtin_prefetch(p, 0, 2);
#endif
}

// Asks the CPU to bring `count` rows of `data` (inputs, as `bytes` when not null, and
// targets) towards the core while the caller trains on the current batch: next() calls it
// for the following batch. The rows are scattered over the data set, which rarely fits in
// cache (MNIST's 50,000 inputs are 157 MB in float32), so gathering them cold stalls on
// memory for most of the copy. A prefetch is only a hint: nothing computed changes.
template <class T>
void prefetch_rows(const Dataset<T>& data, const std::uint8_t* bytes, const std::size_t* rows,
                   std::size_t count) {
  const std::size_t in = data.input_size() * (bytes ? 1 : sizeof(T));
  const std::size_t out = data.target_size() * sizeof(T);
  const char* x = bytes ? reinterpret_cast<const char*>(bytes)
                        : reinterpret_cast<const char*>(data.inputs().data());
  const char* y = reinterpret_cast<const char*>(data.targets().data());
  constexpr std::size_t line = 64;  // bytes per cache line on x86-64 and most ARM cores
  for (std::size_t k = 0; k < count; ++k) {
    const char* first = x + rows[k] * in;
    for (std::size_t offset = 0; offset < in; offset += line) prefetch_line(first + offset);
    if (in > 0) prefetch_line(first + in - 1);
    if (out > 0) {
      prefetch_line(y + rows[k] * out);
      prefetch_line(y + (rows[k] + 1) * out - 1);
    }
  }
}

}  // namespace

template <class T>
Batcher<T>::Batcher(const Dataset<T>& data, std::size_t batch_size, std::uint64_t seed,
                    bool shuffle)
    : data_(&data), batch_size_(batch_size), shuffle_(shuffle), rng_(seed),
      epoch_start_rng_(seed), order_(data.size()) {
  if (batch_size == 0) throw DataError("Batcher: batch size 0, expected at least 1");
  if (data.empty()) throw DataError("Batcher: the data set is empty");
  full_ = make_batch(data, std::min(batch_size, data.size()));
  tail_ = make_batch(data, data.size() % batch_size);
  data.byte_inputs();  // the pass that finds them, here rather than in the first next()
}

template <class T>
std::size_t Batcher<T>::batches_per_epoch() const {
  return (data_->size() + batch_size_ - 1) / batch_size_;
}

template <class T>
void Batcher<T>::draw_order() {
  std::iota(order_.begin(), order_.end(), std::size_t(0));
  if (shuffle_) shuffle(order_, rng_);
}

template <class T>
void Batcher<T>::start_epoch() {
  epoch_start_rng_ = rng_;
  draw_order();
  ++epoch_;
  position_ = 0;
  in_epoch_ = true;
}

template <class T>
Batch<T>* Batcher<T>::next() {
  if (!in_epoch_) start_epoch();
  const std::size_t n = data_->size();
  if (position_ == n) {
    in_epoch_ = false;
    return nullptr;
  }
  Batch<T>& b = n - position_ >= batch_size_ ? full_ : tail_;
  const std::size_t in = data_->input_size(), out = data_->target_size();
  const T* y = data_->targets().data();
  for (std::size_t k = 0; k < b.size(); ++k) {
    const std::size_t row = order_[position_ + k];
    b.indices[k] = row;
    data_->copy_input_rows(row, 1, b.inputs.data() + k * in);  // from the bytes if any
    std::copy_n(y + row * out, out, b.targets.data() + k * out);
    if (!b.labels.empty()) b.labels[k] = data_->labels()[row];
  }
  position_ += b.size();
  // byte_inputs() asked on every batch, as copy_input_rows() does: see mutable_inputs().
  prefetch_rows(*data_, data_->byte_inputs(), order_.data() + position_,
                std::min(batch_size_, n - position_));
  return &b;
}

template <class T>
BatcherState Batcher<T>::state() const {
  return {save_rng(in_epoch_ ? epoch_start_rng_ : rng_), epoch_, position_, in_epoch_};
}

template <class T>
void Batcher<T>::restore(const BatcherState& state) {
  if (state.position > data_->size()) {
    throw DataError(fmt::format("Batcher::restore: position {} is past the {} examples of the "
                                "data set (a state of another data set?)",
                                state.position, data_->size()));
  }
  try {
    restore_rng(rng_, state.rng);
  } catch (const InvalidArgument& e) {
    throw DataError(fmt::format("Batcher::restore: {}", e.what()));
  }
  epoch_ = state.epoch;
  position_ = state.position;
  in_epoch_ = state.in_epoch;
  if (in_epoch_) {
    epoch_start_rng_ = rng_;
    draw_order();
  }
}

#define XGRAD_INSTANTIATE(T) template class Batcher<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
