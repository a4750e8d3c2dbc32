#pragma once
/// @file
/// All differentiable operations of the engine.

#include "activation.hpp"
#include "arithmetic.hpp"
#include "elementwise.hpp"
#include "linalg.hpp"
#include "linear.hpp"
#include "fused_losses.hpp"
#include "mask.hpp"
#include "reduction.hpp"
#include "shape.hpp"
#include "softmax.hpp"
#include "xlogy.hpp"
