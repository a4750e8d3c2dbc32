#pragma once
/// @file
/// Umbrella header: the whole public API of xgrad.

#include <xgrad/autograd/errors.hpp>
#include <xgrad/autograd/grad_mode.hpp>
#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/autograd/tensor.hpp>
#include <xgrad/autograd/var.hpp>
#include <xgrad/layers/activations.hpp>
#include <xgrad/layers/cost.hpp>
#include <xgrad/layers/dense.hpp>
#include <xgrad/layers/dropout.hpp>
#include <xgrad/layers/init.hpp>
#include <xgrad/layers/losses.hpp>
#include <xgrad/layers/module.hpp>
#include <xgrad/layers/penalty.hpp>
#include <xgrad/layers/random.hpp>
#include <xgrad/layers/sequential.hpp>
#include <xgrad/layers/state.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/momentum.hpp>
#include <xgrad/optim/nesterov.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/schedule.hpp>
#include <xgrad/optim/sgd.hpp>
