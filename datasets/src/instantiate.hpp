#pragma once
// The datasets module's templates are defined in its .cpp files and compiled once here for
// the element types xgrad supports (the same list as the engine's).
#define XGRAD_FOR_EACH_DTYPE(INSTANTIATE) \
  INSTANTIATE(float)                      \
  INSTANTIATE(double)
