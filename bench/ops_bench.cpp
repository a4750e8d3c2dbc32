// Micro-benchmarks of the engine: each op forward+backward at the shapes of the book's
// [784,30,10] network with mini-batch 10, graph overhead per tiny op, and one whole training
// step written with raw ops.

#include <random>

#include <benchmark/benchmark.h>
#include <xtensor-blas/xblas.hpp>

#include <xgrad/xgrad.hpp>

#include "alloc_counter.hpp"
#include "outer_product_update.hpp"  // optim/src: SGD's folded-update kernels

namespace xgrad {
namespace {

template <class T>
Matrix<T> random_matrix(std::size_t rows, std::size_t cols, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<T> n(0, 1);
  Matrix<T> m = xt::empty<T>({rows, cols});
  for (auto& v : m) v = n(rng);
  return m;
}

template <class T>
void BM_matmul(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)), k = static_cast<std::size_t>(state.range(1)),
             n = static_cast<std::size_t>(state.range(2));
  const Var<T> x(random_matrix<T>(m, k)), w(random_matrix<T>(k, n), true);
  for (auto _ : state) {
    const Var<T> y = matmul(x, w);
    y.backward(y.value());
    w.zero_grad();
  }
}
BENCHMARK_TEMPLATE(BM_matmul, float)
    ->Args({10, 784, 30})
    ->Args({10, 30, 10})
    ->Args({100, 784, 30})
    ->Args({100, 784, 100})
    ->Args({1000, 784, 1000})
    ->Args({1000, 1000, 1000});

template <class T>
void BM_bias_sigmoid(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)), n = static_cast<std::size_t>(state.range(1));
  const Var<T> z(random_matrix<T>(m, n), true), b(random_matrix<T>(1, n), true);
  for (auto _ : state) {
    const Var<T> a = sigmoid(z + b);
    a.backward(a.value());
    z.zero_grad();
    b.zero_grad();
  }
}
BENCHMARK_TEMPLATE(BM_bias_sigmoid, float)->Args({10, 30})->Args({100, 30});

template <class T>
void BM_bce_with_logits(benchmark::State& state) {
  const Var<T> z(random_matrix<T>(10, 10), true);
  const Matrix<T> y = xt::zeros<T>({10, 10});
  for (auto _ : state) {
    binary_cross_entropy_with_logits(z, y).backward();
    z.zero_grad();
  }
}
BENCHMARK_TEMPLATE(BM_bce_with_logits, float);

// Graph bookkeeping: build and backpropagate a chain of tiny (1×1) ops.
void BM_tiny_op_chain(benchmark::State& state) {
  const Varf x(Matrix<float>({{1.0f}}), true);
  const auto length = state.range(0);
  for (auto _ : state) {
    Varf y = x;
    for (int64_t i = 0; i < length; ++i) y = y * 1.0f;
    y.backward();
    x.zero_grad();
  }
  // Reported as seconds per op (e.g. "150n" = 150 ns).
  state.counters["per_op"] = benchmark::Counter(
      static_cast<double>(length),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_tiny_op_chain)->Arg(1000);

// One SGD step of the [784,30,10] sigmoid network, cross-entropy, batch 10, raw ops.
template <class T>
void BM_train_step_raw(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const Var<T> x(random_matrix<T>(batch, 784, 2));
  Matrix<T> y = xt::zeros<T>({batch, std::size_t(10)});
  for (std::size_t i = 0; i < batch; ++i) y(i, i % 10) = 1;
  const Var<T> w1(random_matrix<T>(784, 30, 3), true), b1(random_matrix<T>(1, 30, 4), true),
      w2(random_matrix<T>(30, 10, 5), true), b2(random_matrix<T>(1, 10, 6), true);
  const std::vector<Var<T>> params{w1, b1, w2, b2};
  const T eta = T(0.5);
  for (auto _ : state) {
    const Var<T> loss =
        binary_cross_entropy_with_logits(matmul(sigmoid(matmul(x, w1) + b1), w2) + b2, y);
    loss.backward();
    NoGrad no_grad;
    for (const auto& p : params) {
      p.mutable_value() -= eta * p.grad();
      p.zero_grad();
    }
  }
}
BENCHMARK_TEMPLATE(BM_train_step_raw, float)->Arg(10)->Arg(100);
BENCHMARK_TEMPLATE(BM_train_step_raw, double)->Arg(10);

// The real training path: one epoch of train() (Network's Sequential, fused cost, SGD with
// the book's weight decay) over 5,000 random MNIST-shaped examples, reported per example.
// The third argument 0 makes SGD take its weight gradients as matrices, the update after
// them, rather than as factors folded into the update (Var::accept_factored_grad()).
// Ten classes of the rows of x, labelled 0, 1, …, 9, 0, … (the benchmarks time, not learn).
template <class T>
Dataset<T> ten_classes(Matrix<T> x) {
  std::vector<std::size_t> labels(x.shape()[0]);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = i % 10;
  return Dataset<T>::classification(std::move(x), std::move(labels), 10);
}

// One epoch of train() over `data` per iteration ([784,hidden,10], cross-entropy, SGD with
// the book's decay), with SGD folding the weight gradients into its update or not.
template <class T>
void train_epochs(benchmark::State& state, const Dataset<T>& data, std::size_t batch,
                  std::size_t hidden, bool factored) {
  const std::size_t n = data.size();
  Network<T> net({784, hidden, 10}, Cost::cross_entropy());
  SGD<T> sgd(net.model().parameters(), 0.5, WeightDecay{5.0, n});
  if (!factored) {
    for (const Parameter<T>& p : sgd.parameters()) p.var.accept_factored_grad(0);
  }
  TrainOptions<T> options;
  options.epochs = 1;
  options.batch_size = batch;
  set_blas_threads(1);
  std::size_t allocations = 0;
  for (auto _ : state) {
    const std::size_t before = bench::allocations();
    train(net.model(), net.cost(), sgd, data, options);
    allocations += bench::allocations() - before;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  // Heap allocations per SGD step (train()'s setup, a few per epoch, included).
  const std::size_t steps = state.iterations() * ((n + batch - 1) / batch);
  state.counters["allocs_per_step"] = static_cast<double>(allocations) / static_cast<double>(steps);
  // Seconds per SGD step (e.g. "17u" = 17 µs): compare with BM_step_gemms.
  state.counters["per_step"] = benchmark::Counter(
      static_cast<double>((n + batch - 1) / batch),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Arguments: batch, hidden, and 1 to fold the weight gradients into SGD's update (0: keep
// them as matrices). 5,000 random examples (15.7 MB in float32: mostly in cache).
template <class T>
void BM_train_epoch(benchmark::State& state) {
  const Dataset<T> data = ten_classes(random_matrix<T>(5000, 784, 7));
  train_epochs(state, data, static_cast<std::size_t>(state.range(0)),
               static_cast<std::size_t>(state.range(1)), state.range(2) != 0);
}
BENCHMARK_TEMPLATE(BM_train_epoch, float)
    ->ArgsProduct({{10}, {30, 100}, {1, 0}})
    ->ArgsProduct({{100}, {30}, {1, 0}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_train_epoch, double)->ArgsProduct({{10}, {30}, {1, 0}})->Unit(benchmark::kMillisecond);

// As MNIST's training set: 50,000 rows of pixels b / 255 (157 MB in float32, beyond the
// caches). Arguments: batch, hidden, and 1 to let the Batcher gather the pixels as bytes
// (Dataset::byte_inputs()), 0 to make it copy the values (mutable_inputs() turns the bytes
// off). SGD folds its weight gradients.
template <class T>
void BM_train_epoch_pixels(benchmark::State& state) {
  const std::size_t n = 50000;
  Matrix<T> x = xt::empty<T>({n, std::size_t(784)});
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (T& v : x) v = rng() % 4 == 0 ? T(byte(rng)) / T(255) : T(0);  // mostly ink-free, as MNIST
  Dataset<T> data = ten_classes(std::move(x));
  if (state.range(2) == 0) data.mutable_inputs();
  data.byte_inputs();  // the one pass that finds the bytes, outside the timed epochs
  train_epochs(state, data, static_cast<std::size_t>(state.range(0)),
               static_cast<std::size_t>(state.range(1)), true);
}
BENCHMARK_TEMPLATE(BM_train_epoch_pixels, float)
    ->ArgsProduct({{10, 100}, {30}, {1, 0}})
    ->Unit(benchmark::kMillisecond);

// The GEMMs of one SGD step of the [784,hidden,10] network at batch `batch`, through
// xgrad::gemm() as the engine runs them (forward x·W with the bias, xᵀ·G into the weight
// gradients, G·Wᵀ for the hidden layer): BM_train_epoch's per_step minus this is the work
// outside the GEMMs. The third argument forces a kernel (GemmKernel: 0 automatic, 2
// OpenBLAS, i.e. the kernels of xgrad before libxsmm).
template <class T>
void BM_step_gemms(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const auto hidden = static_cast<std::size_t>(state.range(1));
  const auto kernel = static_cast<GemmKernel>(state.range(2));
  const Matrix<T> x = random_matrix<T>(batch, 784, 1), w1 = random_matrix<T>(784, hidden, 2),
                  w2 = random_matrix<T>(hidden, 10, 3), g2 = random_matrix<T>(batch, 10, 4),
                  g1 = random_matrix<T>(batch, hidden, 5);
  Matrix<T> h = xt::zeros<T>({batch, hidden}), z = xt::zeros<T>({batch, std::size_t(10)}),
            dw1 = xt::zeros<T>({std::size_t(784), hidden}), dw2 = xt::zeros<T>({hidden, std::size_t(10)}),
            dh = xt::zeros<T>({batch, hidden});
  set_blas_threads(1);
  for (auto _ : state) {
    gemm(false, false, batch, hidden, 784, x.data(), 784, w1.data(), hidden, T(1), h.data(), hidden, kernel);
    gemm(false, false, batch, std::size_t(10), hidden, h.data(), hidden, w2.data(), 10, T(1), z.data(), 10,
         kernel);
    gemm(false, true, batch, hidden, std::size_t(10), g2.data(), 10, w2.data(), 10, T(0), dh.data(), hidden,
         kernel);
    gemm(true, false, hidden, std::size_t(10), batch, h.data(), hidden, g2.data(), 10, T(0), dw2.data(), 10,
         kernel);
    gemm(true, false, std::size_t(784), hidden, batch, x.data(), 784, g1.data(), hidden, T(0), dw1.data(),
         hidden, kernel);
    benchmark::DoNotOptimize(dw1.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK_TEMPLATE(BM_step_gemms, float)
    ->Args({10, 30, 0})->Args({10, 30, 2})->Args({10, 100, 0})->Args({100, 30, 0});
BENCHMARK_TEMPLATE(BM_step_gemms, double)->Args({10, 30, 0})->Args({10, 30, 2});

// The weight part of an SGD step of a dense layer, W (k × n) from x (m × k) and G (m × n),
// with the book's decay. Third argument: 0 forms xᵀ·G through xgrad::gemm() and then runs
// w ← keep·w − η·g (the unfolded path; the loop is compiled for AVX2, as SGD's is on an
// AVX2 CPU), 1 and 2 fold it with the AVX2 and AVX-512 kernels (outer_product_update()).
// `LIBXSMM_TARGET=hsw` makes the GEMM an AVX2 one too: an AVX2 CPU's whole choice.
#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2")))
#endif
void decay_and_step(float* w, const float* g, std::size_t n, float keep, float eta) {
  for (std::size_t i = 0; i < n; ++i) w[i] = keep * w[i] - eta * g[i];
}

void BM_sgd_weight_update(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0));
  const auto n = static_cast<std::size_t>(state.range(1));
  const std::size_t k = 784;
  const auto variant = state.range(2);
  using detail::OuterProductKernel;
  const OuterProductKernel kernel = variant == 1 ? OuterProductKernel::avx2 : OuterProductKernel::avx512;
  if (variant != 0 && kernel > detail::best_outer_product_kernel()) {
    state.SkipWithError("this CPU does not run that kernel");
    return;
  }
  const Matrix<float> x = random_matrix<float>(m, k, 1), g = random_matrix<float>(m, n, 2);
  Matrix<float> w = random_matrix<float>(k, n, 3), grad = xt::zeros<float>({k, n});
  const float keep = 1.0f - 0.5f * 5.0f / 50000.0f, eta = 0.5f;
  for (auto _ : state) {
    if (variant == 0) {
      gemm(true, false, k, n, m, x.data(), k, g.data(), n, 0.0f, grad.data(), n);
      decay_and_step(w.data(), grad.data(), w.size(), keep, eta);
    } else {
      detail::outer_product_update(w.data(), k, n, x.data(), g.data(), m, keep, eta, kernel);
    }
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_sgd_weight_update)->ArgsProduct({{10, 16, 32}, {30, 32, 100}, {0, 1, 2}});

// Evaluation as the trainer monitors it: count_correct() over 10,000 MNIST-shaped examples
// (no graph), to compare with BM_forward_gemms below; reported per example.
template <class T>
void BM_count_correct(benchmark::State& state) {
  const std::size_t n = 10000;
  const Dataset<T> data = ten_classes(random_matrix<T>(n, 784, 7));
  Network<T> net({784, 30, 10}, Cost::cross_entropy());
  for (auto _ : state) benchmark::DoNotOptimize(count_correct(net.model(), data));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK_TEMPLATE(BM_count_correct, float)->Unit(benchmark::kMillisecond);

// The floor of evaluation: x·W₁ and ·W₂ as two plain GEMMs over all rows at once.
template <class T>
void BM_forward_gemms(benchmark::State& state) {
  const std::size_t n = 10000;
  const Matrix<T> x = random_matrix<T>(n, 784, 7), w1 = random_matrix<T>(784, 30), w2 = random_matrix<T>(30, 10);
  Matrix<T> h = xt::empty<T>({n, std::size_t(30)}), z = xt::empty<T>({n, std::size_t(10)});
  for (auto _ : state) {
    xt::blas::gemm(x, w1, h);
    xt::blas::gemm(h, w2, z);
    benchmark::DoNotOptimize(z.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK_TEMPLATE(BM_forward_gemms, float)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace xgrad
