#pragma once
// The bytes requested from the heap so far (see alloc_counter.cpp).

#include <cstddef>

namespace xgrad::bench {
std::size_t allocated_bytes();
}  // namespace xgrad::bench
