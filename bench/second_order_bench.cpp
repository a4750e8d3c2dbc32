// The cost of second order: one Hessian-vector product (Pearlmutter: a create_graph gradient
// pass, then a pass through it) against one plain gradient, on the book's [784, h, 10]
// network (fused sigmoid layer, fused cross-entropy) at mini-batch 100, float64; and the
// memory each allocates (bytes requested from the heap per evaluation, counted by a
// replacement operator new: the graph, its gradients and the temporaries).
//
//   build/bin/xgrad-bench-second-order                 Hv/gradient time and memory ratios
//   XGRAD_REUSE_BUFFERS=1 build/bin/xgrad-bench-second-order    the same after
//                                                      reuse_large_buffers() (memory.hpp)

#include <cstdlib>
#include <random>

#include <benchmark/benchmark.h>

#include <xgrad/xgrad.hpp>

#include "alloc_counter.hpp"

namespace xgrad {
namespace {

// The allocator setting of memory.hpp, when asked for, before any benchmark runs.
const bool tuned = [] {
  const char* v = std::getenv("XGRAD_REUSE_BUFFERS");
  return v != nullptr && *v == '1' && reuse_large_buffers();
}();

struct Problem {
  Matrix<double> x, y;
  std::vector<Vard> params;
  std::vector<Matrix<double>> v;

  explicit Problem(std::size_t hidden, std::size_t batch = 100) {
    std::mt19937 rng(3);
    std::normal_distribution<double> n(0, 1);
    const auto random = [&](std::size_t r, std::size_t c, double scale) {
      Matrix<double> m = xt::empty<double>({r, c});
      for (auto& e : m) e = scale * n(rng);
      return m;
    };
    x = random(batch, 784, 1.0);
    y = xt::zeros<double>({batch, std::size_t(10)});
    for (std::size_t i = 0; i < batch; ++i) y(i, i % 10) = 1;
    for (auto [in, out] : {std::pair<std::size_t, std::size_t>{784, hidden}, {hidden, 10}}) {
      params.emplace_back(random(in, out, 1 / std::sqrt(double(in))), true);
      params.emplace_back(random(1, out, 1.0), true);
      v.push_back(random(in, out, 1.0));
      v.push_back(random(1, out, 1.0));
    }
  }
  Vard loss() const {
    const Vard h = linear(Vard(x), params[0], params[1], Activation::sigmoid);
    return binary_cross_entropy_with_logits(linear(h, params[2], params[3]), y);
  }
};

void report_bytes(benchmark::State& state, std::size_t before) {
  state.counters["reuse_large_buffers"] = tuned ? 1 : 0;
  state.counters["bytes_per_evaluation"] = benchmark::Counter(
      static_cast<double>(bench::allocated_bytes() - before) / static_cast<double>(state.iterations()));
}

void BM_gradient(benchmark::State& state) {
  const Problem p(static_cast<std::size_t>(state.range(0)));
  const std::size_t before = bench::allocated_bytes();
  for (auto _ : state) benchmark::DoNotOptimize(grad(p.loss(), p.params));
  report_bytes(state, before);
}

void BM_hessian_vector_product(benchmark::State& state) {
  const Problem p(static_cast<std::size_t>(state.range(0)));
  const std::size_t before = bench::allocated_bytes();
  for (auto _ : state) benchmark::DoNotOptimize(hvp<double>([&] { return p.loss(); }, p.params, p.v));
  report_bytes(state, before);
}

BENCHMARK(BM_gradient)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_hessian_vector_product)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace xgrad
