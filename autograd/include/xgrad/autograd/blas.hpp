#pragma once
/// @file
/// The BLAS library behind matmul: what it is, which kernel it runs, and how many threads.

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
  /// not recognise; OPENBLAS_CORETYPE overrides its choice).
  std::string advice;
};

/// Queries the BLAS library.
BlasInfo blas_info();

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
