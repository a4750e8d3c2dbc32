#pragma once
// Drawing with gnuplot from the example programs: quoting, running gnuplot on a script, and
// figures of curves (a mean line with an optional min–max band, e.g. over seeds) written
// as self-contained scripts (the data inline as datablocks), so a figure can be redrawn or
// restyled by hand from its .gp file alone.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace xgrad::examples {

/// A path or text as a gnuplot single-quoted string ('' stands for a quote inside one).
inline std::string gnuplot_string(const std::filesystem::path& p) {
  std::string quoted = "'";
  for (char c : p.string()) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

/// Runs gnuplot on `script` (through a pipe, so no shell expands its $N columns); false if
/// it cannot be started or fails. `quiet` discards gnuplot's warnings.
inline bool run_gnuplot(const std::string& script, bool quiet = false) {
  FILE* pipe = popen(quiet ? "gnuplot 2>/dev/null" : "gnuplot", "w");
  if (pipe == nullptr) return false;
  const bool written = std::fputs(script.c_str(), pipe) >= 0;
  return pclose(pipe) == 0 && written;
}

/// One curve: y against x, and optionally a band [low, high] around it (all the same length
/// as x when present). Non-finite y values are left out.
struct Curve {
  std::string title;             ///< the key entry
  std::vector<double> x, y;      ///< the line
  std::vector<double> low, high; ///< the band (empty for none)
  bool points = false;           ///< draw points on the line
};

/// One panel of a figure.
struct Panel {
  std::string title, xlabel, ylabel;             ///< texts
  bool log_x = false;                            ///< logarithmic x axis
  std::optional<std::pair<double, double>> x_range, y_range;  ///< fixed ranges
  std::string key = "bottom right";              ///< where the key goes
  std::vector<Curve> curves;                     ///< what is drawn
};

/// A figure: panels laid out in `columns` columns.
struct Figure {
  std::string title;            ///< over all panels (empty for none)
  std::vector<Panel> panels;    ///< drawn left to right, top to bottom
  int columns = 1;              ///< panels per row
  int width = 900, height = 520;  ///< of one panel, in pixels
};

/// A gnuplot script drawing `figure` into `png` (pngcairo), with the data inline.
inline std::string figure_script(const Figure& figure, const std::filesystem::path& png) {
  const int columns = std::max(1, figure.columns);
  const int rows = int((figure.panels.size() + std::size_t(columns) - 1) / std::size_t(columns));
  std::string s = fmt::format("set terminal pngcairo size {},{} font \",11\"\nset output {}\n",
                              figure.width * columns, figure.height * std::max(rows, 1),
                              gnuplot_string(png));
  // The data: one datablock per curve (x, y, low, high).
  int block = 0;
  for (const Panel& panel : figure.panels) {
    for (const Curve& c : panel.curves) {
      s += fmt::format("$c{} << EOD\n", block++);
      const bool band = !c.low.empty();
      for (std::size_t i = 0; i < c.x.size(); ++i) {
        if (!std::isfinite(c.y[i])) continue;
        s += fmt::format("{:.10g} {:.10g}", c.x[i], c.y[i]);
        if (band) s += fmt::format(" {:.10g} {:.10g}", c.low[i], c.high[i]);
        s += '\n';
      }
      s += "EOD\n";
    }
  }
  if (figure.panels.size() > 1 || !figure.title.empty()) {
    s += fmt::format("set multiplot layout {},{}", rows, columns);
    if (!figure.title.empty()) s += " title " + gnuplot_string(figure.title) + " font \",13\"";
    s += '\n';
  }
  s += "set grid\nset style fill transparent solid 0.2 noborder\n";
  block = 0;
  for (const Panel& panel : figure.panels) {
    s += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\nset key {}\n",
                     gnuplot_string(panel.title), gnuplot_string(panel.xlabel),
                     gnuplot_string(panel.ylabel), panel.key);
    s += panel.log_x ? "set logscale x\n" : "unset logscale x\n";
    s += panel.x_range ? fmt::format("set xrange [{}:{}]\n", panel.x_range->first, panel.x_range->second)
                       : "set xrange [*:*]\n";
    s += panel.y_range ? fmt::format("set yrange [{}:{}]\n", panel.y_range->first, panel.y_range->second)
                       : "set yrange [*:*]\n";
    std::vector<std::string> items;
    for (std::size_t i = 0; i < panel.curves.size(); ++i, ++block) {
      const Curve& c = panel.curves[i];
      if (std::none_of(c.y.begin(), c.y.end(), [](double y) { return std::isfinite(y); })) continue;
      // Distinguishable colours (matplotlib's first ten), cycled.
      static const char* const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
      const std::string color = fmt::format("rgb '{}'", colors[i % 10]);
      if (!c.low.empty()) {
        items.push_back(fmt::format("$c{} using 1:3:4 with filledcurves lc {} notitle", block, color));
      }
      items.push_back(fmt::format("$c{} using 1:2 with {} lw 2 lc {} title {}", block,
                                  c.points ? "linespoints pt 7 ps 0.8" : "lines", color,
                                  gnuplot_string(c.title)));
    }
    if (items.empty()) continue;
    s += "plot ";
    for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", \\\n     " : "") + items[i];
    s += '\n';
  }
  if (figure.panels.size() > 1 || !figure.title.empty()) s += "unset multiplot\n";
  return s;
}

}  // namespace xgrad::examples
