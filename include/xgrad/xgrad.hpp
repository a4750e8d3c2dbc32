#pragma once
/// @file
/// Umbrella header: the whole public API of xgrad.

#include <xgrad/autograd/blas.hpp>
#include <xgrad/autograd/errors.hpp>
#include <xgrad/autograd/grad_mode.hpp>
#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/autograd/tensor.hpp>
#include <xgrad/autograd/var.hpp>
#include <xgrad/version.hpp>
