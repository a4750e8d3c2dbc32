#include "common/history_csv.hpp"

#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace xgrad::examples {
namespace history_columns {

HistoryColumn label(std::string name) { return {std::move(name), nullptr}; }

HistoryColumn epoch(std::size_t first) {
  return {"epoch", [first](const EpochStats& e) { return fmt::format("{}", e.epoch + first); }};
}

HistoryColumn learning_rate() {
  return {"learning_rate", [](const EpochStats& e) { return fmt::format("{}", e.learning_rate); }};
}

HistoryColumn seconds(int decimals) {
  return {"seconds",
          [decimals](const EpochStats& e) { return fmt::format("{:.{}f}", e.seconds, decimals); }};
}

HistoryColumn monitor_seconds(int decimals) {
  return {"monitor_seconds", [decimals](const EpochStats& e) {
            return fmt::format("{:.{}f}", e.monitor_seconds, decimals);
          }};
}

HistoryColumn cost(bool training, int significant) {
  return {training ? "training_cost" : "evaluation_cost",
          [training, significant](const EpochStats& e) {
            const std::optional<double>& v = training ? e.training_cost : e.evaluation_cost;
            if (!v) return std::string();
            return significant > 0 ? fmt::format("{:.{}g}", *v, significant) : fmt::format("{}", *v);
          }};
}

HistoryColumn accuracy(bool training) {
  return {training ? "training_accuracy" : "evaluation_accuracy", [training](const EpochStats& e) {
            const std::optional<std::size_t>& c = training ? e.training_correct : e.evaluation_correct;
            const std::size_t n = training ? e.training_size : e.evaluation_size;
            return c ? fmt::format("{:.6f}", double(*c) / double(n)) : std::string();
          }};
}

}  // namespace history_columns

HistoryCsv::HistoryCsv(std::filesystem::path path, std::vector<HistoryColumn> columns)
    : path_(std::move(path)), columns_(std::move(columns)), out_(path_) {
  if (!out_) throw std::runtime_error(fmt::format("could not write the history to '{}'", path_.string()));
  std::string header;
  for (const HistoryColumn& c : columns_) header += (header.empty() ? "" : ",") + c.name;
  out_ << header << '\n';
}

void HistoryCsv::add(const TrainingHistory& history, const std::vector<std::string>& labels) {
  for (const EpochStats& e : history.epochs) {
    std::string line;
    std::size_t next_label = 0;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) line += ',';
      if (columns_[i].value) {
        line += columns_[i].value(e);
      } else if (next_label < labels.size()) {
        line += labels[next_label++];
      } else {
        ++next_label;
      }
    }
    out_ << line << '\n';
  }
}

void HistoryCsv::close() {
  out_.flush();
  if (!out_) throw std::runtime_error(fmt::format("could not write the history to '{}'", path_.string()));
  out_.close();
}

}  // namespace xgrad::examples
