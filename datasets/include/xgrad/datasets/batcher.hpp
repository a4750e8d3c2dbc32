#pragma once
/// @file
/// Mini-batches of a Dataset as matrices, in a fresh random order every epoch.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <xgrad/datasets/dataset.hpp>
#include <xgrad/datasets/random.hpp>

namespace xgrad {

/// One mini-batch: its rows gathered from a Dataset.
template <class T>
struct Batch {
  Matrix<T> inputs;                  ///< (size × input width)
  Matrix<T> targets;                 ///< (size × target width)
  std::vector<std::size_t> labels;   ///< class labels (empty unless the data has labels)
  std::vector<std::size_t> indices;  ///< which rows of the Dataset, in batch order
  /// Number of examples in the batch.
  std::size_t size() const { return inputs.shape()[0]; }
};

/// Where a Batcher is in its sequence of epochs, to resume it exactly (e.g. from a
/// checkpoint): the generator's state before the current epoch's shuffle, the number of
/// epochs started, and the examples of the current epoch already handed out.
struct BatcherState {
  std::string rng;         ///< save_rng() text of the generator before this epoch's shuffle
  std::uint64_t epoch = 0; ///< epochs started (0 before the first)
  std::size_t position = 0;///< examples of the current epoch already handed out
  bool in_epoch = false;    ///< an epoch is under way (false before the first, and between
                            ///< the nullptr that ends an epoch and the next call)
};

/// Hands out the mini-batches of a Dataset, epoch after epoch, like `network2.py`'s SGD:
/// every epoch the examples are shuffled (unless shuffling is off) and cut into consecutive
/// batches of `batch_size`; the last batch of an epoch is smaller when the size does not
/// divide the data. Each example appears exactly once per epoch.
///
/// Each epoch's order is a shuffle of 0, 1, …, n−1 by the seeded generator, so the whole
/// sequence follows from the seed, and state()/restore() can continue it exactly.
/// Batches are gathered into two buffers made once (full size and remainder): iterating
/// allocates nothing. The batch returned by next() is overwritten by the following call;
/// it may be modified in place (e.g. distorted, see Distorter). The Dataset must outlive
/// the Batcher.
template <class T>
class Batcher {
 public:
  /// Batches of `batch_size` (≥ 1) from `data`, shuffled with a generator seeded by
  /// `seed` when `shuffle` is true, in data order otherwise.
  Batcher(const Dataset<T>& data, std::size_t batch_size, std::uint64_t seed,
          bool shuffle = true);

  /// Starts the next epoch now (abandoning the rest of the current one) and draws its
  /// order. next() calls it by itself when an epoch is over.
  void start_epoch();
  /// The next batch of the current epoch, or nullptr when the epoch is over (the call
  /// after that starts a new epoch). The first call starts epoch 1.
  Batch<T>* next();

  /// Epochs started so far.
  std::uint64_t epoch() const { return epoch_; }
  /// Batches per epoch: ⌈n / batch_size⌉.
  std::size_t batches_per_epoch() const;
  std::size_t batch_size() const { return batch_size_; }  ///< examples per full batch
  /// The current epoch's order of examples.
  const std::vector<std::size_t>& order() const { return order_; }

  /// Where the sequence is (see BatcherState).
  BatcherState state() const;
  /// Continues from a state() of a Batcher over the same data and batch size: the
  /// following batches are those the saved one would have handed out.
  void restore(const BatcherState& state);

 private:
  void draw_order();
  const Dataset<T>* data_;
  std::size_t batch_size_;
  bool shuffle_;
  Rng rng_;
  Rng epoch_start_rng_;  // rng_ before the current epoch's shuffle
  std::uint64_t epoch_ = 0;
  std::size_t position_ = 0;
  bool in_epoch_ = false;
  std::vector<std::size_t> order_;
  Batch<T> full_, tail_;
};

}  // namespace xgrad
