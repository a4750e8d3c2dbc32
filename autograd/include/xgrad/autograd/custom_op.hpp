#pragma once
/// @file
/// A public way to define a new primitive op with its own backward, the counterpart of
/// PyTorch's `torch::autograd::Function` and Flashlight's `Variable(data, inputs, gradFunc)`.
///
/// The forward is plain code that computes the value from the inputs' values; make_op()
/// records it with the inputs and a backward function. The backward receives a
/// BackwardContext (the output's gradient, the output and the inputs, as Vars) and returns
/// each input's gradient, written with xgrad ops: so the op works in an ordinary backward
/// pass (run without recording) and can also be differentiated twice (backward with
/// create_graph, grad(), hvp(), gradgradcheck()). Example, softplus(z) = ln(1 + e^z):
///
/// @code
/// Vard softplus(const Vard& z) {
///   Matrix<double> value = xt::log1p(xt::exp(z.value()));        // forward
///   return make_op<double>("softplus", std::move(value), {z},
///                          [](const BackwardContext<double>& c) -> std::vector<Vard> {
///                            return {c.grad_output * sigmoid(c.inputs[0])};  // ∂/∂z = G ⊙ σ(z)
///                          });
/// }
/// @endcode
///
/// Rules:
/// - What backward needs is saved by capturing it in the function: a copy of a matrix, or
///   an input Var. Never capture the op's own result (it would own itself): use
///   `c.output`.
/// - Return one Var per input, in order: the input's shape, or a shape that broadcasts to
///   the output's (it is summed back); an empty Var where `c.needs_input_grad(i)` is false
///   or the gradient is zero.
/// - Under NoGrad, or when no input requires a gradient, the result is a plain constant and
///   the backward function is dropped; backward() frees it with the rest of the tape unless
///   retain_graph is set.

#include <vector>

#include "var.hpp"

namespace xgrad {

/// Records a new primitive op: `value` (computed by the caller from the inputs' values),
/// the `inputs` it depends on, and its differentiable `backward`. `name` names the op in
/// errors and Var::op(); it must outlive the graph (a string literal).
template <class T>
Var<T> make_op(const char* name, Matrix<T> value, const std::vector<Var<T>>& inputs,
               GradFunction<T> backward);

}  // namespace xgrad
