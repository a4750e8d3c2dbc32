#pragma once
/// @file
/// Gradient recording mode: ops record the graph unless a NoGrad scope is active.

namespace xgrad {

/// True unless a NoGrad scope is active on this thread.
bool grad_enabled() noexcept;

/// RAII scope in which ops build no graph: results are plain constants, nothing is kept
/// for backward. Use it for evaluation and for parameter updates. Scopes nest; the
/// setting is per thread.
class NoGrad {
 public:
  NoGrad() noexcept;
  ~NoGrad();
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;
};

}  // namespace xgrad
