#pragma once
/// @file
/// broadcast_parameters: every process starts from the same parameters as the root.

#include <xgrad/distributed/communicator.hpp>
#include <xgrad/layers/module.hpp>

namespace xgrad {

/// Copies the values of `module`'s parameters and buffers on rank `root` to every process (e.g. after
/// initialising or loading a model), so that data-parallel training starts from one model.
/// Collective; every process must hold a module of the same structure: the parameters'
/// shapes are compared first and a mismatch throws DistributedError on every rank, naming
/// the parameter, before anything is written.
template <class T>
void broadcast_parameters(Module<T>& module, const Communicator& comm, int root = 0);

}  // namespace xgrad
