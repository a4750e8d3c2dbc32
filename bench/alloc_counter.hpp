#pragma once
// The heap traffic so far (see alloc_counter.cpp).

#include <cstddef>

namespace xgrad::bench {
// The bytes requested from the heap so far.
std::size_t allocated_bytes();
// The calls to operator new so far.
std::size_t allocations();
}  // namespace xgrad::bench
