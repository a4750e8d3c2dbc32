#pragma once
/// @file
/// XGRAD_TARGET_CLONES(targets...): compiles a hot loop once per listed instruction set
/// ("avx512f", "avx2", "default") and lets the loader pick the widest the CPU has, since
/// xgrad itself is compiled for the baseline x86-64. GCC's target_clones needs an ELF ifunc
/// on x86-64; elsewhere (Clang, other targets) the macro is empty and the baseline code runs.
/// Used on loops without floating-point contraction or with exact operations only, so every
/// clone gives the same bits.

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
/// One clone of the function per target in the list (GCC on x86-64 ELF).
#define XGRAD_TARGET_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#else
/// Nothing: the function is compiled for the baseline only.
#define XGRAD_TARGET_CLONES(...)
#endif
