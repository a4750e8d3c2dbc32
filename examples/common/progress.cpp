#include "common/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <utility>

#include <fmt/format.h>

namespace xgrad::examples {

Progress::Progress(Options options)
    : options_(std::move(options)), terminal_(isatty(STDERR_FILENO) != 0) {
  start_ = last_ = Clock::now();
}

void Progress::start(std::string label) {
  label_ = std::move(label);
  start_ = last_ = Clock::now();
}

void Progress::update(std::size_t done, std::size_t total, const std::string& status) {
  if (!options_.enabled || total == 0) return;
  if (!terminal_ && options_.log_every <= 0) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (done < total && since < (terminal_ ? 0.1 : options_.log_every)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? double(done) / elapsed : 0;
  const double eta = rate > 0 ? double(total - done) / rate : 0;
  if (options_.style == Style::bar) {
    if (!terminal_) return;
    const int width = 30, filled = int(double(width) * double(done) / double(total));
    fmt::print(stderr, "\r  [{}{}] {:6.1f}%  {:8.0f} {}/s  ETA {:4.1f} s", std::string(filled, '#'),
               std::string(width - filled, '.'), 100.0 * double(done) / double(total), rate,
               options_.unit, eta);
    if (done == total) fmt::print(stderr, "\r{}\r", std::string(80, ' '));
    return;
  }
  const std::string line = fmt::format("    {}: {} {}/{}{}, {:.0f} s, ETA {:.0f} s", label_,
                                       options_.unit, done, total, status, elapsed, eta);
  if (terminal_) {
    fmt::print(stderr, "\r{:<100.100}", line);
  } else if (done < total) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  }
}

void Progress::finish() {
  if (options_.enabled && terminal_ && options_.style == Style::steps) {
    fmt::print(stderr, "\r{:100}\r", "");
  }
}

}  // namespace xgrad::examples
