// The float32 kernels of autograd/src/vector_math.cpp compiled for AVX-512 alone, in
// xgrad::vector_math_avx512, for VectorMath.every_instruction_set_computes_the_same_bits.
#define XGRAD_VECTOR_CLONES __attribute__((target("avx512f")))
#define XGRAD_VECTOR_MATH_NAMESPACE vector_math_avx512
#include "../../autograd/src/vector_math.cpp"
