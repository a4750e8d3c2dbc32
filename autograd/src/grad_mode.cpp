#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad {
namespace {
thread_local int no_grad_depth = 0;
}

bool grad_enabled() noexcept { return no_grad_depth == 0; }
NoGrad::NoGrad() noexcept { ++no_grad_depth; }
NoGrad::~NoGrad() { --no_grad_depth; }
EnableGrad::EnableGrad() noexcept : saved_depth_(no_grad_depth) { no_grad_depth = 0; }
EnableGrad::~EnableGrad() { no_grad_depth = saved_depth_; }

}  // namespace xgrad
