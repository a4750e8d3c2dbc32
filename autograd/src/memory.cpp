#include "xgrad/autograd/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
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

}  // namespace xgrad
