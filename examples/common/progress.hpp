#pragma once
// The example programs' one progress display: a line on stderr redrawn at most 10 times a
// second on a terminal and, where stderr is not a terminal, optionally a line on stdout
// every so often (a log then shows that a long run is alive).

#include <chrono>
#include <cstddef>
#include <string>

namespace xgrad::examples {

/// Progress of a loop of `total` steps. Two looks:
///   bar:    "  [#########.....................]  30.0%     8123 examples/s  ETA  4.2 s"
///   steps:  "    label: epoch 3/30, accuracy 91.20%, 12 s, ETA 108 s"
class Progress {
 public:
  /// How the line looks.
  enum class Style {
    bar,    ///< a bar, the percentage, the rate in `unit`s per second and the ETA
    steps,  ///< "label: unit done/total status, elapsed, ETA"
  };
  /// What to show and where.
  struct Options {
    Style style = Style::bar;  ///< the look
    bool enabled = true;       ///< false: show nothing
    std::string unit;          ///< "examples" (bar: per second) or "epoch" (steps)
    /// Where stderr is not a terminal: print a line on stdout at most this often (seconds),
    /// except after the last step; 0: print nothing there.
    double log_every = 0;
  };

  /// A display with `options`; whether stderr is a terminal is checked once, here.
  explicit Progress(Options options);
  /// Starts the clock (again), for the steps of `label`.
  void start(std::string label = {});
  /// `done` of `total` steps are done; `status` follows the count in the steps look.
  void update(std::size_t done, std::size_t total, const std::string& status = {});
  /// Clears the line (terminal, steps look).
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  Options options_;
  bool terminal_;
  std::string label_;
  Clock::time_point start_, last_;
};

}  // namespace xgrad::examples
