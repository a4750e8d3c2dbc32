// The engine's one GEMM (blas.hpp): libxsmm and OpenBLAS agree on every transpose, beta and
// stride the engine uses, in float and double; the shape alone picks the kernel; and a
// training loop through matmul and linear gives the same bits on every run.

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xgrad {
namespace {

// Standard normal values from xgrad's portable draws (std::normal_distribution differs
// between standard libraries).
template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  xgrad::Rng rng(seed);
  const xgrad::Matrix<T> m = xgrad::normal_matrix<T>(1, n, 0.0, 1.0, rng);
  return {m.begin(), m.end()};
}

template <class T>
Matrix<T> random_matrix(std::size_t rows, std::size_t cols, unsigned seed) {
  Rng rng(seed);
  return normal_matrix<T>(rows, cols, 0.0, 1.0, rng);
}

// Row-major C = op(A)·op(B) + beta·C in long double, the reference.
template <class T>
std::vector<long double> reference(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k,
                                   const std::vector<T>& a, std::size_t lda,
                                   const std::vector<T>& b, std::size_t ldb, T beta,
                                   const std::vector<T>& c, std::size_t ldc) {
  std::vector<long double> out(c.begin(), c.end());
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      long double sum = 0;
      for (std::size_t p = 0; p < k; ++p) {
        const T x = ta ? a[p * lda + i] : a[i * lda + p];
        const T y = tb ? b[j * ldb + p] : b[p * ldb + j];
        sum += static_cast<long double>(x) * y;
      }
      out[i * ldc + j] = sum + (beta == T(0) ? 0.0L : static_cast<long double>(c[i * ldc + j]));
    }
  }
  return out;
}

template <class T>
void check_kernel(GemmKernel kernel) {
  const double tolerance = sizeof(T) == 4 ? 1e-5 : 1e-13;  // relative to Σ|a||b|, per element
  struct Shape3 {
    std::size_t m, n, k;
  };
  // The book's shapes (batch 10, [784,30,10]), odd sizes that leave vector remainders, a
  // product above kSmallGemmLimit and empty ones.
  const std::vector<Shape3> shapes = {{10, 30, 784}, {784, 30, 10}, {10, 784, 30}, {10, 10, 30},
                                      {1, 1, 1},     {7, 13, 5},    {17, 3, 33},   {65, 70, 80},
                                      {3, 4, 0},     {0, 4, 3}};
  unsigned seed = 1;
  for (const Shape3& s : shapes) {
    for (int trans = 0; trans < 4; ++trans) {
      for (T beta : {T(0), T(1)}) {
        for (std::size_t pad : {std::size_t(0), std::size_t(3)}) {
          const bool ta = trans & 1, tb = trans & 2;
          // Stored shapes with `pad` extra columns: op(A) is m × k, op(B) k × n.
          const std::size_t a_rows = ta ? s.k : s.m, a_cols = ta ? s.m : s.k;
          const std::size_t b_rows = tb ? s.n : s.k, b_cols = tb ? s.k : s.n;
          const std::size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = s.n + pad;
          const std::vector<T> a = random_values<T>(a_rows * lda, seed++);
          const std::vector<T> b = random_values<T>(b_rows * ldb, seed++);
          std::vector<T> c = random_values<T>(s.m * ldc, seed++);
          const std::vector<long double> want =
              reference(ta, tb, s.m, s.n, s.k, a, lda, b, ldb, beta, c, ldc);
          if (beta == T(0)) {  // beta = 0 must not read C: NaN there must not show through
            for (auto& v : c) v = std::numeric_limits<T>::quiet_NaN();
          }
          const std::vector<T> before = c;
          gemm(ta, tb, s.m, s.n, s.k, a.data(), std::max<std::size_t>(1, lda), b.data(),
               std::max<std::size_t>(1, ldb), beta, c.data(), std::max<std::size_t>(1, ldc),
               kernel);
          for (std::size_t i = 0; i < s.m; ++i) {
            for (std::size_t j = 0; j < ldc; ++j) {
              const std::size_t at = i * ldc + j;
              if (j >= s.n) {  // the padding between rows is never written
                EXPECT_TRUE(std::isnan(before[at]) ? std::isnan(c[at]) : c[at] == before[at]);
                continue;
              }
              EXPECT_NEAR(static_cast<double>(c[at]), static_cast<double>(want[at]),
                          tolerance * (1 + std::sqrt(double(s.k)) * 4))
                  << "m " << s.m << " n " << s.n << " k " << s.k << " trans_a " << ta
                  << " trans_b " << tb << " beta " << beta << " pad " << pad << " at (" << i
                  << ", " << j << ")";
            }
          }
        }
      }
    }
  }
}

TEST(Gemm, libxsmm_matches_reference_float) { check_kernel<float>(GemmKernel::libxsmm); }
TEST(Gemm, libxsmm_matches_reference_double) { check_kernel<double>(GemmKernel::libxsmm); }
TEST(Gemm, openblas_matches_reference_float) { check_kernel<float>(GemmKernel::openblas); }
TEST(Gemm, openblas_matches_reference_double) { check_kernel<double>(GemmKernel::openblas); }
TEST(Gemm, automatic_matches_reference_float) { check_kernel<float>(GemmKernel::automatic); }
TEST(Gemm, automatic_matches_reference_double) { check_kernel<double>(GemmKernel::automatic); }

TEST(Gemm, kernel_is_chosen_by_shape) {
  const GemmKernel small = have_libxsmm() ? GemmKernel::libxsmm : GemmKernel::openblas;
  EXPECT_EQ(gemm_kernel<float>(10, 30, 784, false), small);
  EXPECT_EQ(gemm_kernel<float>(784, 30, 10, false), small);
  EXPECT_EQ(gemm_kernel<double>(10, 784, 30, true), small);
  EXPECT_EQ(gemm_kernel<float>(1000, 1000, 1000, false), GemmKernel::openblas);
  const auto limit = static_cast<std::size_t>(kSmallGemmLimit);
  EXPECT_EQ(gemm_kernel<float>(limit, 1, 1, false), small);
  EXPECT_EQ(gemm_kernel<double>(limit + 1, 1, 1, false), GemmKernel::openblas);
  // G·Wᵀ: a large transposed copy, or one for a single row, goes to OpenBLAS.
  EXPECT_EQ(gemm_kernel<float>(10, 1000, 1000, true), GemmKernel::openblas);
  EXPECT_EQ(gemm_kernel<float>(10, 784, 300, true), small);
  EXPECT_EQ(gemm_kernel<double>(10, 784, 300, true), GemmKernel::openblas);
  EXPECT_EQ(gemm_kernel<float>(1, 784, 100, true), GemmKernel::openblas);
  EXPECT_FALSE(blas_info().kernels.empty());
}

// openblas_products() counts the products gemm() gives OpenBLAS, and only those.
TEST(Gemm, openblas_products_counts_openblas_calls) {
  const std::vector<float> a(20 * 30, 1.0f), b(30 * 40, 1.0f);
  std::vector<float> c(20 * 40);
  const std::size_t before = openblas_products();
  gemm(false, false, 20, 40, 30, a.data(), 30, b.data(), 40, 0.0f, c.data(), 40, GemmKernel::openblas);
  EXPECT_EQ(openblas_products(), before + 1);
  gemm(false, false, 20, 40, 30, a.data(), 30, b.data(), 40, 0.0f, c.data(), 40);  // small
  EXPECT_EQ(openblas_products(), before + (have_libxsmm() ? 1 : 2));
  EXPECT_EQ(c[0], 30.0f);
}

// 40 SGD steps of a [784,30,10] sigmoid network with cross-entropy at batch 10 through linear
// (and a matmul with an input that needs its gradient, for the G·Wᵀ product at full size):
// the parameters after them, as raw bits.
template <class T>
std::vector<T> train_bits() {
  set_blas_threads(1);
  const std::size_t batch = 10;
  const Var<T> w1(random_matrix<T>(784, 30, 11), true);
  const Var<T> b1(Matrix<T>(xt::zeros<T>({1, 30})), true);
  const Var<T> w2(random_matrix<T>(30, 10, 12), true);
  const Var<T> b2(Matrix<T>(xt::zeros<T>({1, 10})), true);
  const std::vector<Var<T>> params{w1, b1, w2, b2};
  for (const auto& p : params) p.mutable_value() *= T(0.05);
  for (int step = 0; step < 40; ++step) {
    const Var<T> x(random_matrix<T>(batch, 784, 100 + static_cast<unsigned>(step)), true);
    Matrix<T> y = xt::zeros<T>({batch, std::size_t(10)});
    for (std::size_t i = 0; i < batch; ++i) y(i, (i + step) % 10) = 1;
    const Var<T> h = linear(x, w1, b1, Activation::sigmoid);
    const Var<T> loss = binary_cross_entropy_with_logits(matmul(h, w2) + b2, y);
    loss.backward();
    EXPECT_TRUE(x.has_grad());
    NoGrad no_grad;
    for (const auto& p : params) {
      p.mutable_value() = T(0.999) * p.value() - T(0.5) * p.grad();
      p.zero_grad();
    }
  }
  std::vector<T> bits;
  for (const auto& p : params) bits.insert(bits.end(), p.value().begin(), p.value().end());
  return bits;
}

template <class T>
void expect_same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  ASSERT_EQ(a.size(), b.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += std::memcmp(&a[i], &b[i], sizeof(T)) != 0;
  EXPECT_EQ(differ, 0u) << "of " << a.size() << " parameters";
}

TEST(Gemm, training_is_bit_reproducible_float) { expect_same_bits(train_bits<float>(), train_bits<float>()); }
TEST(Gemm, training_is_bit_reproducible_double) { expect_same_bits(train_bits<double>(), train_bits<double>()); }

}  // namespace
}  // namespace xgrad
