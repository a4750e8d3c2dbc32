#pragma once
/// @file
/// The matrix-product kernels behind matmul and linear: which libraries run (libxsmm for
/// small products, OpenBLAS for large ones), the one dispatch function every GEMM of the
/// engine goes through, and how many threads BLAS uses.

#include <cstddef>
#include <string>

namespace xgrad {

/// What the BLAS library reports about itself.
struct BlasInfo {
  std::string library;  ///< e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..."
  std::string core;     ///< the kernel family in use, e.g. "Haswell", "SkylakeX", "Prescott"
  int threads = 1;      ///< threads BLAS may use
  /// Empty, or one line saying how to select a faster kernel when the one in use is older
  /// than the CPU supports (OpenBLAS 0.3.21 falls back to generic kernels on CPUs it does
  /// not recognise; OPENBLAS_CORETYPE overrides its choice). It concerns only the products
  /// gemm() gives OpenBLAS: with libxsmm, those above kSmallGemmLimit (see
  /// openblas_products() to tell whether a run had any).
  std::string advice;
  /// What runs the engine's matrix products, e.g. "libxsmm 1.17 (JIT for cpx) for m·n·k ≤
  /// 10000000, OpenBLAS 0.3.21 (Cooperlake) above", or only OpenBLAS when xgrad was built
  /// without libxsmm.
  std::string kernels;
};

/// Queries the BLAS library.
BlasInfo blas_info();

/// The library that runs a matrix product.
enum class GemmKernel {
  automatic,  ///< gemm() chooses by shape: libxsmm up to kSmallGemmLimit multiply-adds
  libxsmm,    ///< libxsmm's JIT-compiled small-matrix kernels (when xgrad was built with it)
  openblas,   ///< OpenBLAS's cblas_sgemm / cblas_dgemm
};

/// True when xgrad was built with libxsmm (CMake found it); otherwise every product runs on
/// OpenBLAS.
bool have_libxsmm();

/// Multiply-adds (m·n·k) up to which gemm() runs libxsmm rather than OpenBLAS. Placed by
/// `bench/gemm-crossover` (bench/GEMM-CROSSOVER.md has the data): on one thread, up to 10⁷
/// libxsmm's JIT-compiled kernels beat OpenBLAS on 92 of 102 float products of dense layers
/// (median 1.48×) and 86 of 102 double ones (1.27×), most of the losses being G·Wᵀ with a
/// large W (see kTransposedCopyBytes); from 2.5·10⁷ OpenBLAS's blocked, packed kernels win,
/// and from kParallelGemmThreshold they also get a second thread.
inline constexpr double kSmallGemmLimit = 1e7;

/// Elements of a transposed right operand (G·Wᵀ) up to which gemm() runs libxsmm: libxsmm
/// 1.17 has no kernels for it, so W is transposed into a scratch copy first, and above 1 MiB
/// of copy (or, for a single row, above 32,768 elements) the copy costs more than libxsmm
/// saves (bench/GEMM-CROSSOVER.md).
inline constexpr std::size_t kTransposedCopyBytes = std::size_t(1) << 20;

/// The library gemm() runs (for GemmKernel::automatic) on a product of an m × k matrix by a
/// k × n one of element type T (float or double), whose right operand is transposed or not:
/// libxsmm when xgrad has it, the product is small (kSmallGemmLimit) and, for a transposed
/// right operand, the copy is too (kTransposedCopyBytes); OpenBLAS otherwise.
template <class T>
GemmKernel gemm_kernel(std::size_t m, std::size_t n, std::size_t k, bool trans_b);

/// Row-major C = op(A)·op(B) + beta·C, C m × n, op(A) m × k, op(B) k × n, where op(X) is X or
/// Xᵀ as `trans_a` / `trans_b` say and `lda`, `ldb`, `ldc` are the row strides. `beta` is 0
/// (C is written without being read, so it need not be initialised) or 1 (accumulate). Every
/// matrix product of the engine — forward x·W, the backward products with transposes, and
/// the beta = 1 accumulation into gradients — goes through here. The library is chosen by
/// shape alone (gemm_kernel()), so the same shapes run the same code and, on one thread,
/// give the same bits on every run; `kernel` forces one (libxsmm falls back to OpenBLAS when
/// xgrad has no libxsmm or libxsmm has no kernel for the shape). k = 0 gives beta·C.
template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc,
          GemmKernel kernel = GemmKernel::automatic);

/// Matrix products gemm() has handed to OpenBLAS so far in this process (all threads): 0
/// when every product ran on libxsmm, in which case OpenBLAS's kernel choice (BlasInfo::advice)
/// did not matter.
std::size_t openblas_products();

/// Lets BLAS use `threads` threads (at least 1) for the following calls.
void set_blas_threads(int threads);

/// xgrad's default thread count for training with mini-batches of `batch` examples through
/// layers of the given widths (input first). Small problems run on one thread — waking a
/// second costs more than it saves below a few million multiply-adds per GEMM, and it loses
/// badly when the other core is busy — and the largest GEMM of a step decides otherwise:
/// 2 threads (or the machine's cores, if fewer) from kParallelGemmThreshold multiply-adds.
int default_blas_threads(std::size_t batch, const std::size_t* widths, std::size_t count);

/// Multiply-adds (m·n·k) of one GEMM from which default_blas_threads() uses a second thread.
/// Placed by `bench/thread-sweep` (README, "Threads"): from here up, 2 threads measured
/// 1.02–1.62× faster than 1; at 2.4–7.8 million they sometimes ran at half the speed.
inline constexpr double kParallelGemmThreshold = 20e6;

}  // namespace xgrad
