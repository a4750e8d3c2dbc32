// The one GEMM of the engine: libxsmm's JIT kernels for small products, OpenBLAS above
// kSmallGemmLimit multiply-adds (see blas.hpp and bench/GEMM-CROSSOVER.md).

#include <cblas.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "xgrad/autograd/blas.hpp"
#include "xgrad/autograd/dtypes.hpp"

#ifdef XGRAD_HAVE_LIBXSMM
#include <libxsmm.h>
#endif

namespace xgrad {
namespace {

std::atomic<std::size_t> openblas_calls{0};  // openblas_products()

void openblas_gemm(bool ta, bool tb, int m, int n, int k, const float* a, int lda, const float* b,
                   int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

void openblas_gemm(bool ta, bool tb, int m, int n, int k, const double* a, int lda,
                   const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, 1.0, a, lda, b, ldb, beta, c, ldc);
}

#ifdef XGRAD_HAVE_LIBXSMM

// vzeroupper, where the CPU has AVX (a no-op elsewhere).
__attribute__((target("avx"))) void zero_upper_avx() { __builtin_ia32_vzeroupper(); }
void zero_upper() {
  static const bool avx = __builtin_cpu_supports("avx");
  if (avx) zero_upper_avx();
}

template <class T>
using XsmmKernel = void (*)(const T*, const T*, T*);

libxsmm_smmfunction dispatch(int m, int n, int k, const int* lda, const int* ldb, const int* ldc,
                             const float* alpha, const float* beta, const int* flags) {
  return libxsmm_smmdispatch(m, n, k, lda, ldb, ldc, alpha, beta, flags, nullptr);
}

libxsmm_dmmfunction dispatch(int m, int n, int k, const int* lda, const int* ldb, const int* ldc,
                             const double* alpha, const double* beta, const int* flags) {
  return libxsmm_dmmdispatch(m, n, k, lda, ldb, ldc, alpha, beta, flags, nullptr);
}

// The kernels one thread has used, most recent first: a training step cycles through a
// handful of shapes, and a hit here costs a few comparisons instead of libxsmm's hash lookup.
template <class T>
class KernelCache {
 public:
  struct Key {
    int m, n, k, lda, ldb, ldc, flags;
    bool operator==(const Key& o) const {
      return m == o.m && n == o.n && k == o.k && lda == o.lda && ldb == o.ldb && ldc == o.ldc &&
             flags == o.flags;
    }
  };

  // The kernel for `key` (column-major, alpha = 1, beta 0 or 1 by the flags), or null when
  // libxsmm has none.
  XsmmKernel<T> find(const Key& key) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (entries_[i].key == key) {
        const Entry hit = entries_[i];
        std::copy_backward(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i),
                           entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        entries_[0] = hit;
        return hit.kernel;
      }
    }
    const T alpha = 1, beta = (key.flags & LIBXSMM_GEMM_FLAG_BETA_0) ? T(0) : T(1);
    const XsmmKernel<T> kernel = reinterpret_cast<XsmmKernel<T>>(
        dispatch(key.m, key.n, key.k, &key.lda, &key.ldb, &key.ldc, &alpha, &beta, &key.flags));
    size_ = std::min(size_ + 1, entries_.size());
    std::copy_backward(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(size_) - 1,
                       entries_.begin() + static_cast<std::ptrdiff_t>(size_));
    entries_[0] = Entry{key, kernel};
    return kernel;
  }

 private:
  struct Entry {
    Key key;
    XsmmKernel<T> kernel;
  };
  std::array<Entry, 16> entries_{};
  std::size_t size_ = 0;
};

// Row-major C = op(A)·op(B) + beta·C through libxsmm; false when libxsmm has no kernel.
// libxsmm is column-major, and a row-major matrix read column-major is its transpose, so this
// computes Cᵀ = op(B)ᵀ·op(A)ᵀ: libxsmm's A is our B and its B our A. libxsmm 1.17 compiles
// kernels with a transposed B (our transposed A) but not a transposed A, so a transposed B
// of ours is transposed into a scratch buffer first (n·k copies against m·n·k multiply-adds).
template <class T>
bool xsmm_gemm(bool trans_a, bool trans_b, int m, int n, int k, const T* a, int lda, const T* b,
               int ldb, T beta, T* c, int ldc) {
  thread_local KernelCache<T> cache;
  thread_local std::vector<T> scratch;
  if (trans_b) {  // B is n × k; scratch = Bᵀ, k × n
    scratch.resize(static_cast<std::size_t>(k) * static_cast<std::size_t>(n));
    // Column-major, B is k × n (leading dimension ldb) and scratch n × k (leading dimension n).
    libxsmm_otrans(scratch.data(), b, sizeof(T), k, n, ldb, n);
    b = scratch.data();
    ldb = n;
  }
  int flags = trans_a ? LIBXSMM_GEMM_FLAG_TRANS_B : 0;
  if (beta == T(0)) flags |= LIBXSMM_GEMM_FLAG_BETA_0;
  const XsmmKernel<T> kernel = cache.find({n, m, k, ldb, lda, ldc, flags});
  if (kernel == nullptr) return false;
  kernel(b, a, c);
  // libxsmm's kernels leave the upper halves of the vector registers dirty, and the SSE code
  // that xgrad is compiled to (no -march) then runs with a false dependency on them: the
  // SGD update after a libxsmm step measured 2× slower without this.
  zero_upper();
  return true;
}

#endif  // XGRAD_HAVE_LIBXSMM

}  // namespace

bool have_libxsmm() {
#ifdef XGRAD_HAVE_LIBXSMM
  return true;
#else
  return false;
#endif
}

template <class T>
GemmKernel gemm_kernel(std::size_t m, std::size_t n, std::size_t k, bool trans_b) {
  if (!have_libxsmm()) return GemmKernel::openblas;
  if (double(m) * double(n) * double(k) > kSmallGemmLimit) return GemmKernel::openblas;
  if (trans_b) {  // the transposed copy of B (n·k elements) must pay for itself
    const std::size_t copy = n * k;
    if (copy * sizeof(T) > kTransposedCopyBytes || (m < 2 && copy > 32768)) {
      return GemmKernel::openblas;
    }
  }
  return GemmKernel::libxsmm;
}

template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc,
          GemmKernel kernel) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum; BLAS rejects k = 0
    if (beta == T(0)) {
      for (std::size_t i = 0; i < m; ++i) std::fill_n(c + i * ldc, n, T(0));
    }
    return;
  }
  const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k),
            ilda = static_cast<int>(lda), ildb = static_cast<int>(ldb),
            ildc = static_cast<int>(ldc);
  if (kernel == GemmKernel::automatic) kernel = gemm_kernel<T>(m, n, k, trans_b);
#ifdef XGRAD_HAVE_LIBXSMM
  if (kernel == GemmKernel::libxsmm &&
      xsmm_gemm(trans_a, trans_b, im, in, ik, a, ilda, b, ildb, beta, c, ildc)) {
    return;
  }
#endif
  openblas_calls.fetch_add(1, std::memory_order_relaxed);
  openblas_gemm(trans_a, trans_b, im, in, ik, a, ilda, b, ildb, beta, c, ildc);
}

std::size_t openblas_products() { return openblas_calls.load(std::memory_order_relaxed); }

#define XGRAD_INSTANTIATE(T)                                                                 \
  template GemmKernel gemm_kernel<T>(std::size_t, std::size_t, std::size_t, bool);           \
  template void gemm<T>(bool, bool, std::size_t, std::size_t, std::size_t, const T*,         \
                        std::size_t, const T*, std::size_t, T, T*, std::size_t, GemmKernel);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
