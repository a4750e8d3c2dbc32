// xgrad-bench-gemm: where libxsmm stops beating OpenBLAS. Times xgrad::gemm() with each
// kernel forced (GemmKernel::libxsmm, GemmKernel::openblas) on the three products of a dense
// layer's training step — forward x·W (NN), weight gradient xᵀ·G (TN, beta = 1 as when it
// accumulates) and input gradient G·Wᵀ (NT) — for the layer shapes of the book's networks and
// larger ones, at batch sizes 1 to 1,000. Reports GFLOP/s (2·m·n·k per call) and the
// multiply-adds m·n·k, from which kSmallGemmLimit is placed (bench/GEMM-CROSSOVER.md).
// One thread (the time is the calling thread's CPU time, which other processes on a shared
// machine disturb less than the wall-clock time).
//
//   xgrad-bench-gemm [--benchmark_filter=...] [--benchmark_repetitions=3]
//   bench/gemm-crossover BUILD_DIR   runs it and prints the table per product and size

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <xgrad/autograd/blas.hpp>
#include <xgrad/autograd/random.hpp>

namespace {

// Standard normal values from xgrad's portable draws (std::normal_distribution differs
// between standard libraries).
template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  xgrad::Rng rng(seed);
  const xgrad::Matrix<T> m = xgrad::normal_matrix<T>(1, n, 0.0, 1.0, rng);
  return {m.begin(), m.end()};
}

enum Product { forward_nn, weight_grad_tn, input_grad_nt };

// A dense layer (in → out) at batch `batch`: the product's m, n, k and transposes.
struct Gemm {
  std::size_t m, n, k;
  bool trans_a, trans_b;
  float beta;
};

Gemm product_shape(Product p, std::size_t batch, std::size_t in, std::size_t out) {
  switch (p) {
    case forward_nn: return {batch, out, in, false, false, 1.0f};     // b + x·W
    case weight_grad_tn: return {in, out, batch, true, false, 1.0f};  // dW += xᵀ·G
    case input_grad_nt: return {batch, in, out, false, true, 0.0f};   // dx = G·Wᵀ
  }
  return {};
}

template <class T>
void BM_gemm(benchmark::State& state) {
  const auto product = static_cast<Product>(state.range(0));
  const auto kernel = static_cast<xgrad::GemmKernel>(state.range(1));
  const auto batch = static_cast<std::size_t>(state.range(2)),
             in = static_cast<std::size_t>(state.range(3)),
             out = static_cast<std::size_t>(state.range(4));
  const Gemm g = product_shape(product, batch, in, out);
  xgrad::set_blas_threads(1);  // one thread for both: OpenBLAS would otherwise use every core
  // Stored shapes: op(A) is m × k, op(B) k × n, row-major.
  const std::size_t a_cols = g.trans_a ? g.m : g.k, b_cols = g.trans_b ? g.k : g.n;
  const std::vector<T> a = random_values<T>(g.m * g.k, 1), b = random_values<T>(g.k * g.n, 2);
  std::vector<T> c = random_values<T>(g.m * g.n, 3);
  for (auto _ : state) {
    xgrad::gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, a.data(), a_cols, b.data(), b_cols,
                T(g.beta), c.data(), g.n, kernel);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * double(g.m) * double(g.n) * double(g.k);
  state.counters["GFLOPS"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["mnk"] = double(g.m) * double(g.n) * double(g.k);
}

void shapes(benchmark::internal::Benchmark* b) {
  const std::vector<std::pair<int, int>> layers = {
      {784, 30}, {30, 10}, {784, 100}, {100, 10}, {784, 300}, {784, 1000}, {1000, 1000}, {1000, 10}};
  for (int product : {forward_nn, weight_grad_tn, input_grad_nt}) {
    for (auto [in, out] : layers) {
      for (int batch : {1, 10, 32, 100, 300, 1000}) {
        const double mnk = double(batch) * in * out;
        if (mnk > 2e8) continue;  // both are far into OpenBLAS territory there
        for (int kernel : {int(xgrad::GemmKernel::libxsmm), int(xgrad::GemmKernel::openblas)}) {
          b->Args({product, kernel, batch, in, out});
        }
      }
    }
  }
  b->ArgNames({"product", "kernel", "batch", "in", "out"});
}

BENCHMARK_TEMPLATE(BM_gemm, float)->Apply(shapes);
BENCHMARK_TEMPLATE(BM_gemm, double)->Apply(shapes);

}  // namespace

BENCHMARK_MAIN();
