#pragma once
// Ops are templates defined in their .cpp files and compiled once here for the two element
// types xgrad supports; user code links against these instead of re-instantiating them.
#define XGRAD_FOR_EACH_DTYPE(INSTANTIATE) \
  INSTANTIATE(float)                      \
  INSTANTIATE(double)
