// Mini-batching: coverage (each example once per epoch), determinism per seed, a new order
// every epoch, exact resume from a saved state, and no allocation while iterating.

#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>

#include <xgrad/datasets/batcher.hpp>

#include "alloc_tracker.hpp"
#include "files.hpp"

namespace xgrad {
namespace {

// n examples whose single input is the row index, labels row % 3.
Dataset<double> numbered(std::size_t n) {
  Matrix<double> x = xt::empty<double>({n, std::size_t(2)});
  std::vector<std::size_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = double(i);
    x(i, 1) = -double(i);
    labels[i] = i % 3;
  }
  return Dataset<double>::classification(std::move(x), std::move(labels), 3);
}

// The example indices of one epoch, read back from the batch contents.
std::vector<std::size_t> epoch_rows(Batcher<double>& batcher, std::vector<std::size_t>* sizes = nullptr) {
  std::vector<std::size_t> rows;
  while (const Batch<double>* b = batcher.next()) {
    if (sizes) sizes->push_back(b->size());
    for (std::size_t k = 0; k < b->size(); ++k) {
      const std::size_t row = std::size_t(b->inputs(k, 0));
      EXPECT_EQ(b->indices[k], row);
      EXPECT_EQ(b->inputs(k, 1), -double(row));
      EXPECT_EQ(b->labels[k], row % 3);
      EXPECT_EQ(b->targets(k, row % 3), 1.0);
      rows.push_back(row);
    }
  }
  return rows;
}

TEST(Batcher, each_example_exactly_once_per_epoch) {
  const auto data = numbered(23);
  Batcher<double> batcher(data, 5, 7);
  EXPECT_EQ(batcher.batches_per_epoch(), 5u);
  for (int epoch = 1; epoch <= 3; ++epoch) {
    std::vector<std::size_t> sizes;
    std::vector<std::size_t> rows = epoch_rows(batcher, &sizes);
    EXPECT_EQ(sizes, (std::vector<std::size_t>{5, 5, 5, 5, 3}));
    std::sort(rows.begin(), rows.end());
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], i);
    ASSERT_EQ(rows.size(), 23u);
    EXPECT_EQ(batcher.epoch(), std::uint64_t(epoch));
  }
}

TEST(Batcher, same_seed_same_sequence_and_new_order_each_epoch) {
  const auto data = numbered(100);
  Batcher<double> a(data, 10, 42), b(data, 10, 42), c(data, 10, 43);
  const auto a1 = epoch_rows(a), a2 = epoch_rows(a);
  EXPECT_EQ(a1, epoch_rows(b));
  EXPECT_EQ(a2, epoch_rows(b));
  EXPECT_NE(a1, a2);
  EXPECT_NE(a1, epoch_rows(c));
  std::vector<std::size_t> identity(100);
  std::iota(identity.begin(), identity.end(), std::size_t(0));
  EXPECT_NE(a1, identity);
}

TEST(Batcher, unshuffled_keeps_data_order) {
  const auto data = numbered(7);
  Batcher<double> batcher(data, 3, 1, false);
  std::vector<std::size_t> expected(7);
  std::iota(expected.begin(), expected.end(), std::size_t(0));
  EXPECT_EQ(epoch_rows(batcher), expected);
  EXPECT_EQ(epoch_rows(batcher), expected);
}

// A run saved mid-epoch (and between epochs) and resumed by a new Batcher continues with
// exactly the batches the uninterrupted run hands out.
TEST(Batcher, restore_continues_the_sequence_exactly) {
  const auto data = numbered(50);
  Batcher<double> straight(data, 8, 99);
  std::vector<std::size_t> expected = epoch_rows(straight);
  const auto e2 = epoch_rows(straight), e3 = epoch_rows(straight);
  expected.insert(expected.end(), e2.begin(), e2.end());
  expected.insert(expected.end(), e3.begin(), e3.end());

  for (int stop_after : {0, 3, 7, 8, 13}) {  // batches consumed before saving
    Batcher<double> first(data, 8, 99);
    std::vector<std::size_t> got;
    for (int k = 0; k < stop_after;) {
      const Batch<double>* b = first.next();
      if (!b) continue;
      got.insert(got.end(), b->indices.begin(), b->indices.end());
      ++k;
    }
    const BatcherState saved = first.state();
    Batcher<double> resumed(data, 8, 12345);  // another seed: the state decides
    resumed.restore(saved);
    while (got.size() < expected.size()) {
      const Batch<double>* b = resumed.next();
      if (b) got.insert(got.end(), b->indices.begin(), b->indices.end());
    }
    EXPECT_EQ(got, expected) << "saved after " << stop_after << " batches";
  }
}

// Inputs k / 255 (bytes k), so that the Batcher gathers Dataset::byte_inputs().
Dataset<float> pixels(std::size_t n, std::size_t width) {
  Matrix<float> x = xt::empty<float>({n, width});
  std::vector<std::size_t> labels(n);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float((i * 89 + i / 7) % 256) / 255.0f;
  for (std::size_t i = 0; i < n; ++i) labels[i] = i % 10;
  return Dataset<float>::classification(std::move(x), std::move(labels), 10);
}

TEST(Batcher, iteration_allocates_nothing) {
  const auto data = numbered(1000);
  Batcher<double> batcher(data, 32, 5);
  epoch_rows(batcher);  // warm up
  test::reset_largest_allocation();
  std::size_t batches = 0;
  for (int epoch = 0; epoch < 3; ++epoch)
    while (batcher.next()) ++batches;
  EXPECT_EQ(batches, 3 * 32u);
  EXPECT_EQ(test::allocation_count(), 0u);
}

TEST(Batcher, iteration_over_byte_inputs_allocates_nothing) {
  const auto data = pixels(1000, 30);
  Batcher<float> batcher(data, 32, 5);
  ASSERT_NE(data.byte_inputs(), nullptr);
  while (batcher.next()) {
  }  // warm up
  test::reset_largest_allocation();
  for (int epoch = 0; epoch < 3; ++epoch)
    while (batcher.next()) {
    }
  EXPECT_EQ(test::allocation_count(), 0u);
}

// Every batch of two epochs of `a` and `b` (same seed and batch size), bit for bit.
void expect_same_batches(const Dataset<float>& a, const Dataset<float>& b, std::size_t batch) {
  Batcher<float> from_a(a, batch, 11), from_b(b, batch, 11);
  for (int epoch = 0; epoch < 2; ++epoch) {
    while (const Batch<float>* x = from_a.next()) {
      const Batch<float>* y = from_b.next();
      ASSERT_NE(y, nullptr);
      ASSERT_EQ(x->inputs.size(), y->inputs.size());
      EXPECT_EQ(std::memcmp(x->inputs.data(), y->inputs.data(), x->inputs.size() * sizeof(float)), 0);
      EXPECT_EQ(x->targets, y->targets);
      EXPECT_EQ(x->labels, y->labels);
      EXPECT_EQ(x->indices, y->indices);
    }
    EXPECT_EQ(from_b.next(), nullptr);
  }
}

TEST(Batcher, gathers_the_same_values_from_byte_inputs_as_from_the_values) {
  const Dataset<float> bytes = pixels(103, 785);  // 785: a tail after every vector width
  Dataset<float> values = bytes;
  values.mutable_inputs();  // turns the byte form off: the Batcher copies the values
  ASSERT_NE(bytes.byte_inputs(), nullptr);
  ASSERT_EQ(values.byte_inputs(), nullptr);
  expect_same_batches(bytes, values, 10);
  expect_same_batches(bytes, values, 100);  // with a tail batch of 3
}

TEST(Batcher, sees_writes_through_mutable_inputs_made_after_it_started) {
  Dataset<float> data = pixels(20, 16);
  Batcher<float> batcher(data, 20, 3, false);
  ASSERT_NE(batcher.next(), nullptr);  // epoch 1, gathered from the bytes
  data.mutable_inputs()(5, 2) = 0.3f;  // not k / 255 for any byte k
  EXPECT_EQ(batcher.next(), nullptr);
  const Batch<float>* b = batcher.next();  // epoch 2
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->inputs(5, 2), 0.3f);
  EXPECT_EQ(b->inputs(5, 3), data.inputs()(5, 3));
}

TEST(Batcher, bad_arguments) {
  const auto data = numbered(5);
  test::expect_error<DataError>([&] { Batcher<double>(data, 0, 1); }, {"batch size 0"});
  test::expect_error<DataError>([&] { Batcher<double>(Dataset<double>(), 4, 1); }, {"empty"});
  Batcher<double> batcher(data, 2, 1);
  test::expect_error<DataError>([&] { batcher.restore({"garbage", 1, 0, true}); },
                                {"not a saved mt19937_64 state"});
  test::expect_error<DataError>([&] { batcher.restore({"", 1, 6, true}); },
                                {"position 6 is past the 5 examples"});
}

}  // namespace
}  // namespace xgrad
