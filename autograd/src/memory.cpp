#include "xgrad/autograd/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc

#include <cstdint>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace xgrad {
namespace {

#if defined(__GLIBC__)
// Grows glibc's heap once by about 512 MiB (nothing is touched, so nothing becomes resident)
// and advises that region for transparent huge pages: the buffers that later come from it
// fault once per 2 MiB instead of once per 4 KiB. Later growth of the heap is not advised.
void advise_heap_huge_pages() noexcept {
  constexpr int kDefaultTopPad = 128 << 10;  // mallopt(3)
  mallopt(M_TOP_PAD, 480 << 20);             // the heap grows by what is asked plus this
  void* probe = malloc((std::size_t(32) << 20) - 4096);  // under the mmap threshold: heap
  mallopt(M_TOP_PAD, kDefaultTopPad);
  if (probe == nullptr) return;
  const auto first = reinterpret_cast<std::uintptr_t>(probe);
  const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  if (first < end) advise_huge_pages(probe, end - first);  // else not from the brk heap
  free(probe);  // back to the top of the heap, which the trim threshold (above it) keeps
}
#endif

}  // namespace

bool reuse_large_buffers() noexcept {
#if defined(__GLIBC__)
  // 32 MiB is glibc's largest mmap threshold on 64-bit. Setting it also turns off glibc's dynamic adjustment of both thresholds.
  const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  if (mmap_ok && trim_ok) advise_heap_huge_pages();
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
