// The float32 kernels of autograd/src/vector_math.cpp compiled for the baseline x86-64
// (SSE2) alone, in xgrad::vector_math_baseline, for VectorMath.every_instruction_set_computes_the_same_bits.
#define XGRAD_VECTOR_CLONES 
#define XGRAD_VECTOR_MATH_NAMESPACE vector_math_baseline
#include "../../autograd/src/vector_math.cpp"
