#pragma once
// xgrad-chapter3's experiments #1–#15: the catalogue (number, name, the book's setup, the
// runs it needs, and the function that makes its table and figures from them).

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "chapter3/report.hpp"
#include "chapter3/runner.hpp"
#include "gnuplot.hpp"

namespace xgrad::examples::chapter3 {

// What an experiment works with: the lab's runs, and its result to fill in.
template <class T>
struct Context {
  Lab<T>& lab;
  Result& result;
  const Options& options() const { return lab.options(); }
  // A verdict, or none in a --quick run (whose numbers are not comparable with the book's).
  Verdict check(bool ok) const { return lab.quick() ? Verdict::none : verdict(ok); }
  void row(std::string quantity, std::string book, std::string measured, std::string target = "",
           Verdict v = Verdict::none, bool headline = false);
  // The runs of `spec` over the seeds; a run that diverged is noted in the result.
  std::vector<const Run*> runs(const RunSpec& spec);
  // Writes the per-epoch histories of the groups of runs as the experiment's CSV.
  void histories(std::initializer_list<std::vector<const Run*>> groups);
  void draw(const Figure& figure, const std::string& caption);
  // A figure of one panel.
  void draw(Panel panel, const std::string& caption);
};

template <class T>
struct Experiment {
  std::vector<int> numbers;  // #1–#3 are one program
  std::string key;           // file names, and a name to select it by
  std::vector<std::string> aliases;
  std::string title, setup;
  std::function<void(Context<T>&)> run;
  // The runs `run` asks the lab for (before --quick scaling; `quick` for the experiments
  // that choose their own quick plan): what MPI processes can train beforehand.
  std::function<std::vector<RunSpec>(bool quick)> plan;
};

template <class T>
std::vector<Experiment<T>> catalogue();

template <class T>
std::string label_of(const Experiment<T>& e);

// The experiments named on the command line, in catalogue order; throws for unknown names.
template <class T>
std::vector<const Experiment<T>*> select(const std::vector<Experiment<T>>& all,
                                         const std::vector<std::string>& names);

}  // namespace xgrad::examples::chapter3
