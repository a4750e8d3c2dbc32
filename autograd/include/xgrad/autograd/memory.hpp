#pragma once
/// @file
/// Process-wide memory settings that help the engine (opt-in), and a hint for large
/// buffers about to be filled.

#include <cstddef>

namespace xgrad {

/// Asks the C library's malloc to keep freed large buffers for reuse instead of returning
/// them to the system at once, and returns whether it could. With glibc, a buffer above the
/// mmap threshold (128 KiB at first) is mapped afresh on each allocation and every page of
/// it faults on first touch; a graph over large matrices (a 784 × 100 weight is 627 KB in
/// float64) allocates many such temporaries per pass. Measured on [784, 100, 10] at batch
/// 100 (xgrad-bench-second-order): a Hessian-vector product took 5.5× a gradient by default
/// and about 2.7× with this setting. It raises glibc's mmap threshold to 32 MiB (its
/// maximum) and its trim threshold to 1 GiB (mallopt), so the process keeps up to that
/// much freed memory.
///
/// It also grows the heap once by about 512 MiB of address space, untouched (nothing becomes
/// resident), and advises that region for transparent huge pages (advise_huge_pages()), so
/// that the buffers later carved from it fault once per 2 MiB: [784,1000,1000,10] at batch
/// 1000, whose first step touches some 40 MB of new activations and gradients, trained its
/// first epoch (10,000 images) in 0.57 s instead of 0.72 s on one thread (medians of 3
/// interleaved runs; a 4 KiB fault costs ~12 µs on the development VM). The region is that
/// large because everything under the mmap threshold comes from the heap, MNIST's
/// validation set (31 MB in float32) included: with the 96 MiB of before, that set left the
/// network's buffers outside the region, and the same run took 8,940 page faults instead of
/// 4,260 and its first epoch 0.607 s instead of 0.578 s (0.381 s instead of 0.351 s on two
/// threads; medians of 5 interleaved runs).
///
/// A process-wide choice, so the library never makes it by itself: programs call it (as
/// xgrad-optimizers does). Does nothing and returns false on other C libraries, or when
/// another allocator has replaced glibc's (AddressSanitizer's refuses the setting).
bool reuse_large_buffers() noexcept;

/// Asks the kernel to back the 2 MiB-aligned pages inside [data, data + bytes) with
/// transparent huge pages when they are first touched, and returns whether it agreed. Call
/// it on a large buffer just allocated and not yet written (a data set about to be read),
/// so that filling it takes one page fault per 2 MiB instead of 512. Measured on the
/// development VM, where a 4 KiB fault costs about 12 µs: loading MNIST's 60,000 + 10,000
/// images took 50,000 faults (`xgrad-mnist --epochs 0`, 0.62 s). Only a hint: nothing
/// changes where transparent huge pages are off, on other systems (returns false), or for
/// buffers under 2 MiB.
bool advise_huge_pages(void* data, std::size_t bytes) noexcept;

}  // namespace xgrad
