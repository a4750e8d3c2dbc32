#include "xgrad/autograd/blas.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#ifdef XGRAD_HAVE_LIBXSMM
#include <libxsmm.h>
#endif

extern "C" {
// OpenBLAS extensions (declared here because a generic cblas.h may not have them).
char* openblas_get_config(void);
char* openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace xgrad {
namespace {

bool one_of(std::string_view core, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) {
    return core.size() == n.size() &&
           std::equal(core.begin(), core.end(), n.begin(),
                      [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  });
}

// Which products OpenBLAS's kernels run: all, or with libxsmm only the large ones.
std::string large_products() {
#ifdef XGRAD_HAVE_LIBXSMM
  return fmt::format("matrix products above {} multiply-adds (libxsmm runs the smaller ones, "
                     "whatever OpenBLAS's kernels)",
                     kSmallGemmLimit);
#else
  return "matrix products";
#endif
}

// The best kernel family for this CPU's instruction set, when the one in use is older.
std::string kernel_advice(const std::string& core) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    if (one_of(core, {"SkylakeX", "Cooperlake", "SapphireRapids"})) return {};
    return "this CPU supports AVX-512 but OpenBLAS runs its '" + core +
           "' kernels; set OPENBLAS_CORETYPE=SkylakeX for faster " + large_products();
  }
  if (__builtin_cpu_supports("avx2")) {
    if (one_of(core, {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"})) return {};
    return "this CPU supports AVX2 but OpenBLAS runs its '" + core +
           "' kernels; set OPENBLAS_CORETYPE=Haswell (Intel) or Zen (AMD) for faster " +
           large_products();
  }
  return {};
}

// "OpenBLAS 0.3.21" from openblas_get_config()'s "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...".
std::string library_name(const std::string& config) {
  const std::size_t first = config.find(' ');
  if (first == std::string::npos) return config;
  return config.substr(0, config.find(' ', first + 1));
}

}  // namespace

BlasInfo blas_info() {
  BlasInfo info;
  info.library = openblas_get_config();
  info.core = openblas_get_corename();
  info.threads = openblas_get_num_threads();
  info.advice = kernel_advice(info.core);
  const std::string openblas = fmt::format("{} ({})", library_name(info.library), info.core);
#ifdef XGRAD_HAVE_LIBXSMM
  // libxsmm picks its code path from CPUID when it first runs (so no setting is needed):
  // the target it reports ("cpx", "clx", "skx" for AVX-512, "hsw" for AVX2, ...) is the one
  // its kernels are compiled for.
  libxsmm_init();
  info.kernels = fmt::format("libxsmm {} (JIT for {}) for m·n·k ≤ {}, {} above",
                             LIBXSMM_CONFIG_VERSION, libxsmm_get_target_arch(),
                             kSmallGemmLimit, openblas);
#else
  info.kernels = openblas + " (xgrad was built without libxsmm)";
#endif
  return info;
}

void set_blas_threads(int threads) { openblas_set_num_threads(std::max(1, threads)); }

int default_blas_threads(std::size_t batch, const std::size_t* widths, std::size_t count) {
  double largest = 0;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    largest = std::max(largest, double(batch) * double(widths[i]) * double(widths[i + 1]));
  }
  if (largest < kParallelGemmThreshold) return 1;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(2u, cores));
}

}  // namespace xgrad
