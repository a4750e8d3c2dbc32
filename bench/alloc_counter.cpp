// Replaces the global operator new/delete of a benchmark with malloc/free that also add up
// the bytes requested and the calls, so a benchmark can report the heap traffic of what it measures.
// (A file of its own: defined beside their callers, GCC inlines them and warns.)

#include "alloc_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> bytes{0};
std::atomic<std::size_t> count{0};

void* allocate(std::size_t size) {
  bytes.fetch_add(size, std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace xgrad::bench {
std::size_t allocated_bytes() { return bytes.load(std::memory_order_relaxed); }
std::size_t allocations() { return count.load(std::memory_order_relaxed); }
}  // namespace xgrad::bench
