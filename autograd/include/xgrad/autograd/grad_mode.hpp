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

/// RAII scope in which ops record again, inside NoGrad scopes (a create_graph backward
/// pass uses it). The previous setting returns when the scope ends.
class EnableGrad {
 public:
  EnableGrad() noexcept;
  ~EnableGrad();
  EnableGrad(const EnableGrad&) = delete;
  EnableGrad& operator=(const EnableGrad&) = delete;

 private:
  int saved_depth_;
};

}  // namespace xgrad
