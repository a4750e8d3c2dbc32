#include "xgrad/autograd/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc

#include <cstdint>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace xgrad {

bool reuse_large_buffers() noexcept {
#if defined(__GLIBC__)
  // 32 MiB is glibc's largest mmap threshold on 64-bit. Setting it also turns off glibc's dynamic adjustment of both thresholds.
  const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
  return mmap_ok && trim_ok;
#else
  return false;
#endif
}

bool advise_huge_pages(void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge_page = std::uintptr_t(2) << 20;
  const auto start = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (start + huge_page - 1) / huge_page * huge_page;
  const std::uintptr_t last = (start + bytes) / huge_page * huge_page;
  if (data == nullptr || last <= first) return false;
  return madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE) == 0;
#else
  (void)data;
  (void)bytes;
  return false;
#endif
}

}  // namespace xgrad
