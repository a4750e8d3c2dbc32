#pragma once
/// @file
/// The data layer's random draws (uniform_below, shuffle, save_rng/restore_rng, …): xgrad's
/// shared Rng, defined in xgrad/autograd/random.hpp.

#include <xgrad/autograd/random.hpp>
