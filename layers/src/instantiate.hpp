#pragma once
// Layers are templates defined in their .cpp files and compiled here once for float and
// double, as the engine's ops are (autograd keeps its own copy of this macro private).
#define XGRAD_FOR_EACH_DTYPE(INSTANTIATE) \
  INSTANTIATE(float)                      \
  INSTANTIATE(double)
