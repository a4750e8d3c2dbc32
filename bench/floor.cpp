// xgrad-floor: the graph-free lower bound for training speed. A hand-written loop doing
// exactly the GEMMs and element-wise work of one SGD epoch of a sigmoid network with
// cross-entropy cost and the book's L2 weight decay — no graph, no modules, no loss value,
// no allocation per batch — over the same data pipeline and kernels as xgrad: batches from
// xgrad's Batcher (its gather and prefetching), products through xgrad::gemm() (libxsmm for
// small products, OpenBLAS for large), float32 sigmoid through the engine's vectorised
// kernel, SGD's update fused with the weight-gradient product at batches up to 16 on AVX-512
// or AVX2 (as SGD does), else an update loop also compiled for AVX2 (SGD's has an AVX-512
// clone besides, worth 1–3% per step, within noise). So xgrad / floor measures what the
// graph, the modules and the trainer cost, not differences between kernels.
// bench/compare runs it next to xgrad and PyTorch on the same data.
//
//   xgrad-floor --data FILE --sizes 784,30,10 --batch 10 --epochs 1 --dtype f32
//
// FILE holds n examples as raw little-endian float32 pixels (n × 784) followed by n label
// bytes (bench/compare writes it from MNIST's first 50,000 training images).

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/autograd/blas.hpp>
#include <xgrad/autograd/memory.hpp>
#include <xgrad/autograd/target_clones.hpp>
#include <xgrad/datasets/batcher.hpp>

#include "outer_product_update.hpp"  // SGD's fused update (optim/src)
#include "vector_math.hpp"           // the engine's float32 sigmoid (autograd/src)

namespace {

// C = op(A)·op(B) + beta·C through the engine's GEMM (alpha is always 1 here).
template <class T>
void gemm(bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b,
          int ldb, T beta, T* c, int ldc) {
  (void)alpha;
  xgrad::gemm(ta, tb, std::size_t(m), std::size_t(n), std::size_t(k), a, std::size_t(lda), b,
              std::size_t(ldb), beta, c, std::size_t(ldc));
}

// The examples of `path` as an xgrad Dataset of T (float32 on disk).
template <class T>
xgrad::Dataset<T> read_data(const std::string& path, std::size_t width) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open " + path);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  const std::size_t per_example = width * sizeof(float) + 1;
  if (bytes % per_example != 0) {
    throw std::runtime_error(fmt::format("{}: {} bytes is not a whole number of {}-byte examples",
                                         path, bytes, per_example));
  }
  const std::size_t n = bytes / per_example;
  std::vector<float> pixels(n * width);
  std::vector<unsigned char> labels(n);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(pixels.data()), static_cast<std::streamsize>(n * width * 4));
  in.read(reinterpret_cast<char*>(labels.data()), static_cast<std::streamsize>(n));
  xgrad::Matrix<T> x = xt::empty<T>({n, width});
  xgrad::advise_huge_pages(x.data(), x.size() * sizeof(T));  // as xgrad's MNIST reader
  std::copy(pixels.begin(), pixels.end(), x.data());
  return xgrad::Dataset<T>::classification(std::move(x), {labels.begin(), labels.end()}, 10);
}

// a ← σ(a), in place: the engine's kernel for float32, libm's exp for float64 (as xgrad).
void sigmoid_in_place(std::vector<float>& a) { xgrad::detail::sigmoid(a.data(), a.data(), a.size()); }
void sigmoid_in_place(std::vector<double>& a) {
  for (auto& v : a) v = 1 / (1 + std::exp(-v));
}

// w ← keep·w − η·g, compiled for AVX2 too, as SGD's update (optim/src/sgd.cpp) is.
template <class T>
XGRAD_TARGET_CLONES("avx2", "default") void update(T* w, const T* g, std::size_t n, T keep, T eta) {
  for (std::size_t i = 0; i < n; ++i) w[i] = keep * w[i] - eta * g[i];
}

template <class T>
double run(const xgrad::Dataset<T>& data, const std::vector<std::size_t>& sizes,
           std::size_t batch, int epochs, T eta, T lambda) {
  const std::size_t layers = sizes.size() - 1, n = data.size();
  std::mt19937_64 rng(1);
  std::vector<std::vector<T>> w(layers), b(layers), dw(layers), db(layers), a(layers + 1),
      delta(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    std::normal_distribution<T> init(0, T(1) / std::sqrt(T(sizes[l])));
    w[l].resize(sizes[l] * sizes[l + 1]);  // (in × out)
    for (auto& v : w[l]) v = init(rng);
    b[l].assign(sizes[l + 1], T(0));
    dw[l].resize(w[l].size());
    db[l].resize(b[l].size());
  }
  for (std::size_t l = 1; l <= layers; ++l) a[l].resize(batch * sizes[l]);
  for (std::size_t l = 0; l < layers; ++l) delta[l].resize(batch * sizes[l + 1]);
  const T decay = T(1) - eta * lambda / T(n);
  xgrad::Batcher<T> batcher(data, batch, 1);
  // SGD's rule (optim/src/sgd.cpp): up to kFoldedUpdateMaxRows rows, the weight gradient is
  // never formed and the update is fused with the product, where the kernel exists.
  const bool fold = batch <= xgrad::detail::kFoldedUpdateMaxRows &&
                    xgrad::detail::outer_product_update_available();

  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < epochs; ++epoch) {
    while (const xgrad::Batch<T>* mini = batcher.next()) {
      const int m = static_cast<int>(mini->size());
      const T* x = mini->inputs.data();
      for (std::size_t l = 0; l < layers; ++l) {  // forward: a = σ(a_prev·W + b)
        const int in = static_cast<int>(sizes[l]), out = static_cast<int>(sizes[l + 1]);
        a[l + 1].resize(std::size_t(m) * std::size_t(out));
        for (int i = 0; i < m; ++i) std::copy(b[l].begin(), b[l].end(), &a[l + 1][i * out]);
        gemm(false, false, m, out, in, T(1), l == 0 ? x : a[l].data(), in, w[l].data(), out,
             T(1), a[l + 1].data(), out);
        sigmoid_in_place(a[l + 1]);
      }
      // δ^L = (a − y)/m for cross-entropy
      const T* y = mini->targets.data();
      for (std::size_t k = 0; k < a[layers].size(); ++k) {
        delta[layers - 1][k] = (a[layers][k] - y[k]) / T(m);
      }
      for (std::size_t l = layers; l-- > 0;) {  // backward
        const int in = static_cast<int>(sizes[l]), out = static_cast<int>(sizes[l + 1]);
        const T* a_prev = l == 0 ? x : a[l].data();
        if (!fold) {
          gemm(true, false, in, out, m, T(1), a_prev, in, delta[l].data(), out, T(0),
               dw[l].data(), out);
        }
        std::fill(db[l].begin(), db[l].end(), T(0));
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < out; ++j) db[l][j] += delta[l][i * out + j];
        }
        if (l > 0) {
          gemm(false, true, m, in, out, T(1), delta[l].data(), out, w[l].data(), out, T(0),
               delta[l - 1].data(), in);
          for (std::size_t k = 0; k < std::size_t(m) * std::size_t(in); ++k) {
            delta[l - 1][k] *= a[l][k] * (T(1) - a[l][k]);
          }
        }
        if (fold) {  // W ← decay·W − η·a_prevᵀ·δ in one pass, as SGD does
          xgrad::detail::outer_product_update(w[l].data(), sizes[l], sizes[l + 1], a_prev,
                                              delta[l].data(), std::size_t(m), decay, eta);
        } else {
          update(w[l].data(), dw[l].data(), w[l].size(), decay, eta);
        }
        update(b[l].data(), db[l].data(), b[l].size(), T(1), eta);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Accuracy on the training data, so the loop is seen to learn (and cannot be optimised away).
  std::size_t correct = 0;
  std::vector<T> act(sizes[0]), next;
  for (std::size_t e = 0; e < n; ++e) {
    const T* row = data.inputs().data() + e * sizes[0];
    act.assign(row, row + sizes[0]);
    for (std::size_t l = 0; l < layers; ++l) {
      next.assign(b[l].begin(), b[l].end());
      gemm(false, false, 1, static_cast<int>(sizes[l + 1]), static_cast<int>(sizes[l]), T(1),
           act.data(), static_cast<int>(sizes[l]), w[l].data(), static_cast<int>(sizes[l + 1]),
           T(1), next.data(), static_cast<int>(sizes[l + 1]));
      sigmoid_in_place(next);
      act.swap(next);
    }
    correct += static_cast<std::size_t>(std::max_element(act.begin(), act.end()) - act.begin()) ==
               data.labels()[e];
  }
  fmt::print("floor: training accuracy after {} epoch(s): {:.2f}%\n", epochs,
             100.0 * double(correct) / double(n));
  return seconds / epochs;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Graph-free training loop: the speed floor for xgrad"};
  std::string path, sizes_text = "784,30,10", dtype = "f32";
  std::size_t batch = 10;
  int epochs = 1;
  double eta = 0.5, lambda = 5.0;
  app.add_option("--data", path, "raw float32 pixels + label bytes (see bench/compare)")->required();
  app.add_option("--sizes", sizes_text, "layer sizes")->capture_default_str();
  app.add_option("--batch", batch, "mini-batch size")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--epochs", epochs, "epochs")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--eta", eta, "learning rate")->capture_default_str();
  app.add_option("--lambda", lambda, "L2 regularization")->capture_default_str();
  app.add_option("--dtype", dtype, "f32 or f64")->capture_default_str()->check(CLI::IsMember({"f32", "f64"}));
  CLI11_PARSE(app, argc, argv);
  try {
    std::vector<std::size_t> sizes;
    for (std::size_t pos = 0; pos < sizes_text.size();) {
      const std::size_t comma = std::min(sizes_text.find(',', pos), sizes_text.size());
      sizes.push_back(std::stoul(sizes_text.substr(pos, comma - pos)));
      pos = comma + 1;
    }
    // Starts the kernels' libraries before the clock, as xgrad-mnist does when it prints
    // this line (libxsmm's first dispatch otherwise initialises it inside the first epoch).
    fmt::print("BLAS: {}\n", xgrad::blas_info().kernels);
    std::size_t examples = 0;
    double seconds = 0;
    if (dtype == "f32") {
      const xgrad::Dataset<float> data = read_data<float>(path, sizes.front());
      examples = data.size();
      seconds = run<float>(data, sizes, batch, epochs, float(eta), float(lambda));
    } else {
      const xgrad::Dataset<double> data = read_data<double>(path, sizes.front());
      examples = data.size();
      seconds = run<double>(data, sizes, batch, epochs, eta, lambda);
    }
    fmt::print("floor: {:.4f} s per epoch ({} examples, batch {}, {})\n", seconds, examples,
               batch, dtype);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
