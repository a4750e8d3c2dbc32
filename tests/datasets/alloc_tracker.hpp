#pragma once
// Records the largest single allocation made through operator new (this test binary
// replaces the global operator new; see alloc_tracker.cpp), so that a test can check a
// loader did not allocate what a corrupt header claims.

#include <cstddef>

namespace xgrad::test {

// Forgets the allocations recorded so far.
void reset_largest_allocation();
// The largest size passed to operator new since the last reset.
std::size_t largest_allocation();
// Number of calls to operator new since the last reset.
std::size_t allocation_count();

}  // namespace xgrad::test
