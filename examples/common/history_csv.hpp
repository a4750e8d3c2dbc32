#pragma once
// The example programs' one writer of per-epoch training histories as CSV: a header, then
// one line per epoch of each run added, in columns the program chooses.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace xgrad::examples {

/// One column of a history CSV: its header and how an epoch fills it. A column without
/// `value` is a label of the run, filled from HistoryCsv::add()'s labels in order.
struct HistoryColumn {
  std::string name;                                      ///< the header
  std::function<std::string(const EpochStats&)> value;  ///< empty: a label of the run
};

/// The usual columns. Values that were not monitored are empty cells.
namespace history_columns {
/// A label of the run (e.g. its name or seed), given to HistoryCsv::add().
HistoryColumn label(std::string name);
/// "epoch": EpochStats::epoch + `first` (0 as network2.py counts, 1 as the book's graphs).
HistoryColumn epoch(std::size_t first);
/// "learning_rate": η of the epoch.
HistoryColumn learning_rate();
/// "seconds": the training pass's wall time, with `decimals` decimals.
HistoryColumn seconds(int decimals);
/// "monitor_seconds": the monitoring's wall time, with `decimals` decimals.
HistoryColumn monitor_seconds(int decimals);
/// "training_cost" or "evaluation_cost": with `significant` digits (%g), or as short as
/// round-trips when 0.
HistoryColumn cost(bool training, int significant = 0);
/// "training_accuracy" or "evaluation_accuracy": correct / size, with 6 decimals.
HistoryColumn accuracy(bool training);
}  // namespace history_columns

/// A CSV file of per-epoch histories. Throws std::runtime_error "could not write the history
/// to '<path>'" when the file cannot be opened or written.
class HistoryCsv {
 public:
  /// Creates `path` and writes the header of `columns`.
  HistoryCsv(std::filesystem::path path, std::vector<HistoryColumn> columns);
  /// One line per epoch of `history`; `labels` fill the label columns, in order.
  void add(const TrainingHistory& history, const std::vector<std::string>& labels = {});
  /// Flushes and checks that everything was written.
  void close();

 private:
  std::filesystem::path path_;
  std::vector<HistoryColumn> columns_;
  std::ofstream out_;
};

}  // namespace xgrad::examples
