#pragma once
// Command-line plumbing shared by the example programs (CLI11): the --data help text,
// parsing with the programs' exit statuses, and turning exceptions into messages.

#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <xgrad/autograd/errors.hpp>

namespace xgrad::examples {

/// Help text of the --data option (where mnist::locate() looks otherwise).
inline constexpr const char* data_option_help =
    "directory with the MNIST IDX files (default: $XGRAD_DATA, else the checkout's "
    "data/mnist/, which scripts/get-mnist fills)";

/// Adds --task-timeout SECONDS (default 0: no limit) to a program that farms its runs out
/// under mpirun (Processes::set_task_timeout()).
inline void add_task_timeout_option(CLI::App& app, double& seconds) {
  app.add_option("--task-timeout", seconds,
                 "under mpirun: end the job when one run takes longer than this many seconds (0 = no limit)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
}

/// Parses the command line. Returns nothing to go on, or the status to exit with: 0 after
/// printing --help, 2 after printing the error for an invalid flag on stderr.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return std::nullopt;
}

/// Runs `body` (which returns the exit status) and turns an exception into a message on
/// stderr: std::invalid_argument (a bad value or name on the command line) → 2, anything
/// else → 1. `where` follows "error" (e.g. " on rank 1 of 2" under mpirun).
template <class F>
int report_errors(F&& body, const std::string& where = {}) {
  try {
    return body();
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "error{}: {}\n", where, e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error{}: {}\n", where, e.what());
    return 1;
  }
}

}  // namespace xgrad::examples
