#pragma once
/// @file
/// Seeded random draws for initialisers and dropout: xgrad's shared Rng and its draws
/// (standard_normal, normal_matrix), defined in xgrad/autograd/random.hpp.

#include <xgrad/autograd/random.hpp>
