#pragma once
/// @file
/// The element types xgrad compiles its templates for.
///
/// xgrad's templates (ops, layers, datasets, optimizers) are defined in .cpp files and
/// explicitly instantiated for each of these types, so user code links against them
/// instead of re-instantiating them: Var<float> and Var<double> work, other types do not.

/// Calls INSTANTIATE(T) for each supported element type T (float, then double).
#define XGRAD_FOR_EACH_DTYPE(INSTANTIATE) \
  INSTANTIATE(float)                      \
  INSTANTIATE(double)
