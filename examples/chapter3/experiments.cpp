#include "chapter3/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "chapter3/statistics.hpp"
#include "toy_neuron.hpp"

namespace xgrad::examples::chapter3 {

template <class T>
void Context<T>::row(std::string quantity, std::string book, std::string measured, std::string target,
                     Verdict v, bool headline) {
  result.rows.push_back({std::move(quantity), std::move(book), std::move(measured),
                         std::move(target), v, headline});
}

template <class T>
std::vector<const Run*> Context<T>::runs(const RunSpec& spec) {
  std::vector<const Run*> out = lab.runs(spec);
  for (const Run* r : out) {
    if (r->history.stop_reason != StopReason::diverged) continue;
    const std::string note = fmt::format("{} (seed {}) diverged: {}.", r->spec.label, r->seed,
                                         r->history.stop_message);
    if (std::find(result.notes.begin(), result.notes.end(), note) == result.notes.end()) {
      result.notes.push_back(note);
    }
  }
  return out;
}

template <class T>
void Context<T>::histories(std::initializer_list<std::vector<const Run*>> groups) {
  std::vector<const Run*> runs;
  for (const auto& g : groups) runs.insert(runs.end(), g.begin(), g.end());
  const fs::path csv = options().out / (result.key + ".csv");
  write_histories(csv, result.key, runs);
  result.files.push_back(csv);
}

template <class T>
void Context<T>::draw(const Figure& figure, const std::string& caption) {
  chapter3::draw(options(), result, result.key, figure, caption);
}

template <class T>
void Context<T>::draw(Panel panel, const std::string& caption) {
  Figure f;
  f.panels = {std::move(panel)};
  draw(f, caption);
}

namespace {

Panel accuracy_panel(std::string title, std::string ylabel = "accuracy (%)", std::vector<Curve> curves = {}) {
  Panel p;
  p.title = std::move(title);
  p.xlabel = "epoch";
  p.ylabel = std::move(ylabel);
  p.curves = std::move(curves);
  return p;
}

// #1–#3: the toy neuron.
template <class T>
void slowdown(Context<T>& c) {
  const int epochs = 300;
  std::vector<NeuronRun> runs = book_neuron_runs();
  for (NeuronRun& r : runs) train_neuron(r, epochs);
  const auto one = [](double v) { Summary s = summarize({v}); return s; };
  const auto q = [](const NeuronRun& r) { return summarize({double(epochs_before_learning(r))}); };
  c.row("#1 quadratic from (0.6, 0.9), η = 0.15: output after 300 epochs", "≈ 0.09",
        num(one(runs[0].output.back()), 3), "0.09 ± 0.01",
        verdict(std::abs(runs[0].output.back() - 0.09) <= 0.01), true);
  c.row("#1 epochs before the fastest learning (half the largest one-epoch fall)", "learns at once",
        epoch_of(q(runs[0])), "");
  c.row("#2 quadratic from (2, 2), η = 0.15: output after 300 epochs", "learns eventually",
        num(one(runs[1].output.back()), 3), "< 0.5", verdict(runs[1].output.back() < 0.5));
  c.row("#2 epochs before the fastest learning", "~150 (nearly flat)", epoch_of(q(runs[1])),
        "≥ 100", verdict(epochs_before_learning(runs[1]) >= 100), true);
  c.row("#2 share of the cost gone in the first 100 epochs", "nearly flat",
        format_summary(one(100.0 * (1 - runs[1].value[100] / runs[1].value[0])), 1, "%"), "< 10%",
        verdict(runs[1].value[100] > 0.9 * runs[1].value[0]));
  for (int i : {2, 3}) {
    c.row(fmt::format("#3 cross-entropy from {}, η = 0.005: epochs before the fastest learning",
                      i == 2 ? "(0.6, 0.9)" : "(2, 2)"),
          "0 (learns fast from the start)", epoch_of(q(runs[std::size_t(i)])), "≤ 5",
          verdict(epochs_before_learning(runs[std::size_t(i)]) <= 5), i == 3);
  }
  c.result.notes.push_back(
      "'Epochs before the fastest learning' is the first epoch whose cost decrease reaches half "
      "the largest one-epoch decrease of the run: 0 when learning is fastest at the start, large "
      "after a plateau. The toy neuron is deterministic (no seed).");
  const fs::path csv = c.options().out / (c.result.key + ".csv");
  write_neuron_csv(csv, runs, epochs);
  c.result.files.push_back(csv);
  const fs::path png = c.options().out / (c.result.key + ".png");
  const fs::path gp = c.options().out / (c.result.key + ".gp");
  const std::string script = neuron_plot_script(csv, png);
  std::ofstream(gp) << script;
  c.result.files.push_back(gp);
  if (!c.options().no_plots) {
    if (run_gnuplot(script)) {
      c.result.files.push_back(png);
      c.result.plots.push_back({png, "Cost and output of the toy neuron per epoch (#1–#3)"});
    } else {
      c.result.notes.push_back("gnuplot could not draw " + png.string());
    }
  }
  c.result.seeds = 1;
  c.result.runs_trained = runs.size();
}

// The full training set, monitoring training and test accuracy (#4, #5, #7, #9).
RunSpec full_data(double lambda) {
  RunSpec s;
  s.label = fmt::format("50,000 images λ = {}", lambda);
  s.lambda = lambda;
  s.monitor = {false, true, false, true};
  return s;
}

// #4 / #5: cross-entropy on the full data, with chapter 1's quadratic network for comparison.
RunSpec cross_entropy_spec(std::size_t hidden) {
  RunSpec ce = full_data(0);  // #7 is the same run, so it is trained once
  ce.label = fmt::format("[784,{},10] cross-entropy η = 0.5", hidden);
  ce.sizes = {784, hidden, 10};
  return ce;
}

RunSpec quadratic_spec(std::size_t hidden) {
  RunSpec quad = cross_entropy_spec(hidden);
  quad.monitor.training_accuracy = false;
  quad.label = fmt::format("[784,{},10] quadratic η = 3.0", hidden);
  quad.quadratic = true;
  quad.eta = 3.0;
  return quad;
}

std::vector<RunSpec> cross_entropy_plan(std::size_t hidden) {
  std::vector<RunSpec> plan{cross_entropy_spec(hidden), quadratic_spec(hidden)};
  if (hidden == 100) plan.push_back(cross_entropy_spec(30));  // #4's runs, for the gain
  return plan;
}

template <class T>
void cross_entropy(Context<T>& c, std::size_t hidden, double book, double book_quadratic) {
  const RunSpec ce = cross_entropy_spec(hidden);
  const auto ce_runs = c.runs(ce), quad_runs = c.runs(quadratic_spec(hidden));
  const Summary best = over(ce_runs, best_eval);
  c.row("best test accuracy, cross-entropy, η = 0.5", fmt::format("{:.2f}%", book), pct(best),
        fmt::format("{:.2f}% ± 0.5 pp", book), c.check(std::abs(best.mean - book) <= 0.5), true);
  c.row("test accuracy after the last epoch", "", pct(over(ce_runs, final_eval)));
  c.row("best test accuracy, quadratic, η = 3.0 (chapter 1's network.py)",
        fmt::format("{:.2f}%", book_quadratic), pct(over(quad_runs, best_eval)));
  if (hidden == 100) {
    const auto small_runs = c.runs(cross_entropy_spec(30));  // #4's runs
    const Summary g = paired(ce_runs, small_runs, best_eval);
    c.row("gain over 30 hidden neurons (#4), same seeds", "+1.33 pp (96.82 − 95.49)", pp(g), "> 0",
          c.check(g.mean > 0));
  }
  const Summary quad_best = over(quad_runs, best_eval);
  if (quad_best.n > 1 && quad_best.max - quad_best.min > 2.0) {
    c.result.notes.push_back(fmt::format(
        "The quadratic runs vary widely between seeds ({:.2f}% to {:.2f}%), while the "
        "cross-entropy runs agree within {:.2f} pp. With the large initialization many sigmoid "
        "neurons start saturated, and under the quadratic cost their gradient carries the factor "
        "σ'(z) ≈ 0 (the slowdown of #2), so how far a run gets depends on its start. Chapter 1 "
        "of the book also remarks that this experiment varies a lot from run to run.",
        quad_best.min, quad_best.max, best.max - best.min));
  }
  c.histories({ce_runs, quad_runs});
  c.draw(accuracy_panel(fmt::format("[784,{},10], large init, mini-batch 10: test accuracy", hidden),
                        "accuracy (%)",
                        {mean_curve(ce_runs, Quantity::eval_accuracy, "cross-entropy, η = 0.5"),
                         mean_curve(quad_runs, Quantity::eval_accuracy, "quadratic, η = 3.0")}),
         "Test accuracy per epoch, cross-entropy vs chapter 1's quadratic cost (mean over "
                "seeds, band = min–max)");
}

// #6 / #8: 1,000 training images, 400 epochs, all four monitors.
RunSpec small_data(double lambda) {
  RunSpec s;
  s.label = lambda > 0 ? fmt::format("1,000 images λ = {}", lambda) : "1,000 images λ = 0";
  s.train_size = 1000;
  s.epochs = 400;
  s.lambda = lambda;
  s.monitor = {true, true, true, true};
  return s;
}

template <class T>
void overfitting(Context<T>& c) {
  const auto runs = c.runs(small_data(0));
  const std::size_t epochs = runs.front()->spec.epochs;
  const Summary best = over(runs, best_eval);
  c.row("best test accuracy", "≈ 82.27%", pct(best), "low 80s (80–85%)",
        c.check(best.mean >= 80 && best.mean <= 85), true);
  const Summary best_epoch = over(runs, [](const Run& r) {
    return arg_best(series(r, Quantity::eval_accuracy)) + 1;
  });
  c.row("epoch of the best test accuracy", "≈ 280 (plateau)", epoch_of(best_epoch));
  const Summary train_final = over(runs, [](const Run& r) {
    return series(r, Quantity::train_accuracy).back();
  });
  c.row("training accuracy after the last epoch", "100%", pct(train_final), "100%",
        c.check(train_final.min == 100.0), true);
  c.row("first epoch with 100% training accuracy", "", epoch_of(over(runs, [](const Run& r) {
          const auto s = series(r, Quantity::train_accuracy);
          for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == 100.0) return double(i + 1);
          }
          return std::numeric_limits<double>::quiet_NaN();
        })));
  const Summary cost_min = over(runs, [](const Run& r) {
    return arg_best(series(r, Quantity::eval_cost), false) + 1;
  });
  c.row("epoch of the minimum test cost", "≈ 15", epoch_of(cost_min),
        "long before the accuracy peak", c.check(cost_min.max < best_epoch.min / 2));
  c.row("test accuracy: mean of the last quarter of the epochs − mean of the second quarter", "plateau",
        pp(over(runs, [epochs](const Run& r) {
          const auto s = series(r, Quantity::eval_accuracy);
          return mean_between(s, epochs - epochs / 4, epochs) - mean_between(s, epochs / 4, epochs / 2);
        })));
  c.histories({runs});
  Figure f;
  f.columns = 2;
  f.width = 640;
  f.height = 420;
  Panel cost = accuracy_panel("Cost on the training data", "cost");
  cost.key = "top right";
  cost.curves = {mean_curve(runs, Quantity::train_cost, "training cost")};
  Panel acc = accuracy_panel("Accuracy on the test data");
  acc.curves = {mean_curve(runs, Quantity::eval_accuracy, "test accuracy")};
  Panel test_cost = accuracy_panel("Cost on the test data", "cost");
  test_cost.key = "top left";
  test_cost.curves = {mean_curve(runs, Quantity::eval_cost, "test cost")};
  Panel train_acc = accuracy_panel("Accuracy on the training data");
  train_acc.curves = {mean_curve(runs, Quantity::train_accuracy, "training accuracy")};
  f.panels = {cost, acc, test_cost, train_acc};
  f.title = "[784,30,10] on the first 1,000 training images, η = 0.5, no regularization";
  c.draw(f, "The four monitors of the overfitting run (#6), as the book's four graphs");
}

template <class T>
void regularization_small(Context<T>& c) {
  const auto runs = c.runs(small_data(0.1));
  const auto base = c.runs(small_data(0));
  const std::size_t epochs = runs.front()->spec.epochs;
  const Summary best = over(runs, best_eval);
  c.row("best test accuracy, λ = 0.1", "well above #6's ≈ 82.27%", pct(best));
  c.row("best test accuracy, λ = 0 (#6, same seeds)", "≈ 82.27%", pct(over(base, best_eval)));
  const Summary g = paired(runs, base, best_eval);
  c.row("gain of the peak over #6", "well above", pp(g), "≥ 2 pp", c.check(g.min >= 2), true);
  const auto rise = [epochs](const Run& r) {
    const auto s = series(r, Quantity::eval_accuracy);
    return mean_between(s, epochs - epochs / 4, epochs) - mean_between(s, epochs / 4, epochs / 2);
  };
  const Summary still = over(runs, rise);
  c.row("test accuracy: mean of the last quarter of the epochs − mean of the second quarter", "keeps rising",
        pp(still), fmt::format("> #6's {}", pp(over(base, rise))),
        c.check(still.mean > over(base, rise).mean));
  c.row("training accuracy after the last epoch", "", pct(over(runs, [](const Run& r) {
          return series(r, Quantity::train_accuracy).back();
        })));
  c.histories({runs, base});
  Figure f;
  f.columns = 2;
  f.width = 640;
  f.height = 440;
  Panel acc = accuracy_panel("Accuracy on the test data");
  acc.curves = {mean_curve(runs, Quantity::eval_accuracy, "λ = 0.1"),
                mean_curve(base, Quantity::eval_accuracy, "λ = 0 (#6)")};
  Panel cost = accuracy_panel("Cost on the training data (λ = 0.1)", "cost");
  cost.key = "top right";
  cost.curves = {mean_curve(runs, Quantity::train_cost, "training cost")};
  f.panels = {acc, cost};
  f.title = "[784,30,10] on 1,000 training images, 400 epochs: L2 regularization";
  c.draw(f, "Regularized (#8) vs unregularized (#6) test accuracy, and #8's training cost");
}


Figure train_vs_test(const std::vector<std::pair<std::vector<const Run*>, std::string>>& groups,
                     const std::string& title) {
  Figure f;
  Panel p = accuracy_panel(title);
  for (const auto& [runs, name] : groups) {
    p.curves.push_back(mean_curve(runs, Quantity::train_accuracy, "training, " + name));
    p.curves.push_back(mean_curve(runs, Quantity::eval_accuracy, "test, " + name));
  }
  f.panels = {p};
  return f;
}

template <class T>
void overfitting_full(Context<T>& c) {
  const auto runs = c.runs(full_data(0));
  const Summary train = over(runs, best_train), test = over(runs, best_eval);
  c.row("best training accuracy", "97.86%", pct(train), "", Verdict::none, true);
  c.row("best test accuracy", "95.33%", pct(test), "", Verdict::none, true);
  c.row("best training − best test accuracy", "2.53 pp (97.86 − 95.33)",
        pp(over(runs, [](const Run& r) { return best_train(r) - best_eval(r); })));
  const Summary gap = over(runs, final_gap);
  c.row("training − test accuracy after the last epoch", "", pp(gap), "> 0 (some overfitting)",
        c.check(gap.min > 0));
  c.histories({runs});
  c.draw(train_vs_test({{runs, "λ = 0"}}, "[784,30,10], 50,000 images, η = 0.5, no regularization"),
         "Training vs test accuracy per epoch on the full training set, unregularized (#7)");
}

template <class T>
void regularization_full(Context<T>& c) {
  const auto runs = c.runs(full_data(5.0));
  const auto base = c.runs(full_data(0));
  const Summary best = over(runs, best_eval);
  c.row("best test accuracy, λ = 5.0", "96.49%", pct(best), "96.49% ± 0.5 pp",
        c.check(std::abs(best.mean - 96.49) <= 0.5), true);
  c.row("test accuracy after the last epoch", "", pct(over(runs, final_eval)));
  const Summary gap = over(runs, final_gap);
  c.row("training − test accuracy after the last epoch", "under 1 pp", pp(gap), "< 1 pp",
        c.check(gap.mean < 1.0), true);
  c.row("the same gap without regularization (#7, same seeds)", "", pp(over(base, final_gap)));
  const Summary g = paired(runs, base, best_eval);
  c.row("gain of the best test accuracy over #7", "+1.16 pp (96.49 − 95.33)", pp(g), "> 0", c.check(g.mean > 0));
  c.histories({runs, base});
  c.draw(train_vs_test({{runs, "λ = 5"}, {base, "λ = 0 (#7)"}},
                           "[784,30,10], 50,000 images, η = 0.5"),
         "Training vs test accuracy with λ = 5.0 (#9) and without (#7)");
}

// #10 / #11: [784,100,10] with λ = 5 on the validation data.
RunSpec hundred(double eta, std::size_t epochs) {
  RunSpec s;
  s.label = fmt::format("[784,100,10] λ = 5 η = {} {} epochs", eta, epochs);
  s.sizes = {784, 100, 10};
  s.lambda = 5.0;
  s.eta = eta;
  s.epochs = epochs;
  s.eval = EvalData::validation;
  return s;
}

template <class T>
void hundred_short(Context<T>& c) {
  const auto runs = c.runs(hundred(0.5, 30));
  const Summary best = over(runs, best_eval);
  c.row("best validation accuracy", "97.92%", pct(best), "≥ 97.5%", c.check(best.mean >= 97.5), true);
  c.row("validation accuracy after the last epoch", "", pct(over(runs, final_eval)));
  c.histories({runs});
  c.draw(accuracy_panel("[784,100,10], λ = 5.0, η = 0.5: validation accuracy", "accuracy (%)",
                        {mean_curve(runs, Quantity::eval_accuracy, "validation accuracy")}),
         "Validation accuracy per epoch of [784,100,10] with λ = 5.0 (#10)");
}

template <class T>
void hundred_long(Context<T>& c) {
  const auto runs = c.runs(hundred(0.1, 60));
  const auto base = c.runs(hundred(0.5, 30));
  const Summary best = over(runs, best_eval);
  c.row("best validation accuracy", "98.04%", pct(best), "> 98% (the book: 'breaks 98%')",
        c.check(best.mean > 98.0), true);
  const auto above = std::count_if(runs.begin(), runs.end(), [](const Run* r) { return best_eval(*r) > 98.0; });
  c.row("seeds whose best validation accuracy is above 98%", "the book's one run: 98.04%",
        fmt::format("{} of {}", above, runs.size()));
  const Summary g = paired(runs, base, best_eval);
  c.row("gain over #10 (η = 0.5, 30 epochs), same seeds", "+0.12 pp (98.04 − 97.92)", pp(g), "> 0", c.check(g.mean > 0));
  c.histories({runs, base});
  c.draw(accuracy_panel("[784,100,10], λ = 5.0: validation accuracy", "accuracy (%)",
                        {mean_curve(runs, Quantity::eval_accuracy, "η = 0.1, 60 epochs (#11)"),
                         mean_curve(base, Quantity::eval_accuracy, "η = 0.5, 30 epochs (#10)")}),
         "Validation accuracy per epoch: η = 0.1 for 60 epochs (#11) vs η = 0.5 for 30 (#10)");
}

// #12: large vs default initialization.
RunSpec init_spec(Init init) {
  RunSpec s;
  s.label = init == Init::large ? "large init N(0,1)" : "default init N(0,1/n_in)";
  s.init = init;
  s.lambda = 5.0;
  s.eta = 0.1;
  s.eval = EvalData::validation;
  return s;
}

template <class T>
void initialization(Context<T>& c) {
  const auto l = c.runs(init_spec(Init::large)), d = c.runs(init_spec(Init::standard));
  const auto first = [](const Run& r) { return series(r, Quantity::eval_accuracy).front(); };
  c.row("validation accuracy after epoch 1, default init", "far ahead", pct(over(d, first)));
  c.row("validation accuracy after epoch 1, large init", "", pct(over(l, first)));
  const Summary ahead = paired(d, l, first);
  c.row("lead of the default init after epoch 1", "far ahead", pp(ahead), "≥ 2 pp",
        c.check(ahead.min >= 2), true);
  const Summary bd = over(d, best_eval), bl = over(l, best_eval);
  c.row("best validation accuracy, default init", "> 96%", pct(bd), "> 96%", c.check(bd.mean > 96));
  c.row("best validation accuracy, large init", "> 96%", pct(bl), "> 96%", c.check(bl.mean > 96));
  const Summary same = paired(d, l, best_eval);
  c.row("default − large, best validation accuracy", "about the same", pp(same), "within ±0.5 pp",
        c.check(std::abs(same.mean) <= 0.5), true);
  c.histories({l, d});
  c.draw(accuracy_panel("[784,30,10], λ = 5.0, η = 0.1: validation accuracy", "accuracy (%)",
                        {mean_curve(d, Quantity::eval_accuracy, "default init: w ~ N(0, 1/n_in)"),
                         mean_curve(l, Quantity::eval_accuracy, "large init: w ~ N(0, 1)")}),
         "Validation accuracy per epoch with the default and the large initialization (#12)");
}

// #13: η = 10, λ = 1000 gives chance; the book's quick-feedback walk-through on [784,10].
RunSpec chance_spec() {
  RunSpec bad;
  bad.label = "[784,30,10] η = 10 λ = 1000";
  bad.init = Init::standard;  // network2.Network([784, 30, 10]) as the book types it
  bad.eta = 10.0;
  bad.lambda = 1000.0;
  bad.eval = EvalData::validation;
  return bad;
}

// (η, λ) of the quick-feedback runs.
const std::vector<std::pair<double, double>> feedback_settings{{10, 1000}, {10, 20}, {100, 20}, {1, 20}};

// Quick feedback: [784,10], 1,000 training images, 100 validation images.
RunSpec feedback_spec(double eta, double lambda) {
  RunSpec feedback;
  feedback.label = fmt::format("[784,10] η = {} λ = {}", eta, lambda);
  feedback.sizes = {784, 10};
  feedback.init = Init::standard;
  feedback.eta = eta;
  feedback.lambda = lambda;
  feedback.train_size = 1000;
  feedback.eval = EvalData::validation;
  feedback.eval_size = 100;
  feedback.fixed = true;  // already quick
  return feedback;
}

std::vector<RunSpec> chance_plan() {
  std::vector<RunSpec> plan{chance_spec()};
  for (const auto& [eta, lambda] : feedback_settings) plan.push_back(feedback_spec(eta, lambda));
  return plan;
}

template <class T>
void chance(Context<T>& c) {
  const auto runs = c.runs(chance_spec());
  const Summary best = over(runs, best_eval);
  c.row("best validation accuracy, [784,30,10], η = 10, λ = 1000", "chance (~10%)", pct(best),
        "≤ 12%", c.check(best.max <= 12.0), true);
  c.row("validation accuracy after the last epoch", "chance (~10%)", pct(over(runs, final_eval)));
  // Quick feedback: [784,10], 1,000 training images, 100 validation images.
  std::vector<const Run*> all = runs;
  Figure f;
  Panel p = accuracy_panel("[784,10], 1,000 training images: accuracy on 100 validation images");
  p.key = "outside right";
  for (const auto& [eta, lambda] : feedback_settings) {
    const auto q = c.runs(feedback_spec(eta, lambda));
    const std::size_t failed = std::size_t(std::count_if(q.begin(), q.end(), [](const Run* r) { return diverged(*r); }));
    c.row(fmt::format("quick feedback: [784,10], η = {}, λ = {}: best of 100 validation images", eta, lambda),
          "", failed == q.size() ? fmt::format("diverged in epoch {} ({} of {} seeds)",
                                               q.front()->history.epochs.size() + 1, failed, q.size())
                                 : pct(over(q, best_eval)));
    all.insert(all.end(), q.begin(), q.end());
    p.curves.push_back(mean_curve(q, Quantity::eval_accuracy, fmt::format("η = {}, λ = {}", eta, lambda)));
  }
  c.result.notes.push_back(
      "The [784,10] rows follow the book's 'broad strategy' walk-through (1,000 training images, "
      "100 validation images, feedback in a fraction of a second); BOOK.md gives no numbers for "
      "them. With η = 10 and λ = 1000 every step multiplies the weights by 1 − ηλ/n = 0.8 "
      "(n = 50,000), so they vanish and the network outputs a constant; on 1,000 images the "
      "factor is 1 − 10·1000/1000 = −9, so the weights blow up and xgrad stops the run (numpy "
      "would carry on with NaN outputs, whose argmax is always 0: about 10% 'accuracy').");
  c.histories({all});
  f.panels = {p};
  f.width = 1000;
  c.draw(f, "Quick feedback on [784,10] (#13): η and λ that give chance, and a signal");
}

// #14: training cost for three learning rates.
const std::vector<double> learning_rate_settings{0.025, 0.25, 2.5};

RunSpec learning_rate_spec(double eta) {
  RunSpec s;
  s.label = fmt::format("η = {}", eta);
  s.eta = eta;
  s.lambda = 5.0;
  s.eval = EvalData::validation;  // as the book's script; only the training cost is plotted
  s.monitor = {false, false, true, false};
  return s;
}

std::vector<RunSpec> learning_rates_plan() {
  std::vector<RunSpec> plan;
  for (double eta : learning_rate_settings) plan.push_back(learning_rate_spec(eta));
  return plan;
}

template <class T>
void learning_rates(Context<T>& c) {
  std::vector<const Run*> all;
  Figure f;
  Panel p = accuracy_panel("[784,30,10], λ = 5.0, 50,000 images: cost on the training data", "cost");
  p.key = "top right";
  std::map<double, Summary> finals;
  for (double eta : learning_rate_settings) {
    const auto runs = c.runs(learning_rate_spec(eta));
    const std::size_t n = runs.front()->spec.epochs;
    const auto rises = [](const Run& r) {
      const auto v = series(r, Quantity::train_cost);
      double count = 0;
      for (std::size_t i = 1; i < v.size(); ++i) count += v[i] > v[i - 1];
      return count;
    };
    const auto late_share = [n](const Run& r) {  // share of the total fall in the last third
      const auto v = series(r, Quantity::train_cost);
      const std::size_t k = n - n / 3 - 1;
      return 100.0 * (v[k] - v.back()) / (v.front() - v.back());
    };
    finals[eta] = over(runs, [](const Run& r) { return series(r, Quantity::train_cost).back(); });
    const Summary up = over(runs, rises), late = over(runs, late_share);
    const char* book = eta == 0.025 ? "smooth, slow" : eta == 0.25 ? "plateau after ~20 epochs" : "oscillating";
    c.row(fmt::format("η = {}: training cost after the last epoch", eta), book, num(finals[eta], 3));
    c.row(fmt::format("η = {}: epochs in which the cost rose", eta), book, num(up, 1),
          eta == 0.025 ? "0" : eta == 2.5 ? "≥ 3" : "",
          eta == 0.025 ? c.check(up.max == 0) : eta == 2.5 ? c.check(up.mean >= 3) : Verdict::none,
          eta != 0.25);
    if (eta != 2.5) {  // an oscillating cost has no meaningful "total fall"
      c.row(fmt::format("η = {}: share of the total fall in the last third of the epochs", eta),
            book, format_summary(late, 1, "%"), eta == 0.25 ? "small (< 10%)" : "",
            eta == 0.25 ? c.check(late.mean < 10) : Verdict::none, eta == 0.25);
    }
    all.insert(all.end(), runs.begin(), runs.end());
    p.curves.push_back(mean_curve(runs, Quantity::train_cost, fmt::format("η = {}", eta)));
  }
  c.row("final training cost: η = 2.5 above η = 0.25", "oscillating (no progress)",
        fmt::format("{:.3f} vs {:.3f}", finals[2.5].mean, finals[0.25].mean), "higher",
        c.check(finals[2.5].mean > finals[0.25].mean));
  c.histories({all});
  f.panels = {p};
  c.draw(f, "Training cost per epoch for η = 0.025, 0.25 and 2.5 (#14)");
}

// #15: accuracy against training-set size, λ and epochs scaled with n.
std::vector<std::size_t> train_sizes(bool quick) {
  return quick ? std::vector<std::size_t>{100, 1000, 5000}
               : std::vector<std::size_t>{100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000};
}

RunSpec train_size_spec(std::size_t n, bool quick) {
  const std::size_t budget = quick ? 50000 : 1500000;  // examples seen: 30 epochs of 50,000
  RunSpec s;
  s.train_size = n;
  s.epochs = budget / n;
  s.lambda = 5.0 * double(n) / 50000.0;
  s.label = fmt::format("{} images, {} epochs, λ = {}", n, s.epochs, s.lambda);
  s.eval = EvalData::validation;
  s.eval_size = quick ? 2000 : 10000;
  s.monitor = {};  // evaluated once, after the last epoch
  s.fixed = true;
  return s;
}

std::vector<RunSpec> train_size_plan(bool quick) {
  std::vector<RunSpec> plan;
  for (std::size_t n : train_sizes(quick)) plan.push_back(train_size_spec(n, quick));
  return plan;
}

template <class T>
void train_size(Context<T>& c) {
  const bool quick = c.lab.quick();
  const std::vector<std::size_t> sizes = train_sizes(quick);
  const fs::path csv = c.options().out / (c.result.key + ".csv");
  std::ofstream out(csv);
  out << "training_size,epochs,lambda,seed,validation_accuracy,seconds\n";
  Curve curve;
  curve.title = "validation accuracy";
  curve.points = true;
  std::vector<double> means;
  for (std::size_t n : sizes) {
    const RunSpec s = train_size_spec(n, quick);
    const auto runs = c.runs(s);
    for (const Run* r : runs) {
      out << fmt::format("{},{},{},{},{:.4f},{:.3f}\n", n, s.epochs, s.lambda, r->seed,
                         final_eval(*r) / 100.0, r->seconds);
    }
    const Summary acc = over(runs, final_eval);
    means.push_back(acc.mean);
    curve.x.push_back(double(n));
    curve.y.push_back(acc.mean);
    if (runs.size() > 1) {
      curve.low.push_back(acc.min);
      curve.high.push_back(acc.max);
    }
    c.row(fmt::format("validation accuracy, {} training images ({} epochs, λ = {})", n, s.epochs, s.lambda),
          "rises with n", pct(acc));
  }
  if (!out) throw std::runtime_error("could not write " + csv.string());
  c.result.files.push_back(csv);
  std::size_t falls = 0;
  for (std::size_t i = 1; i < means.size(); ++i) falls += means[i] <= means[i - 1];
  c.row("sizes at which the mean accuracy did not rise", "none (keeps rising)", fmt::format("{}", falls),
        "0", c.check(falls == 0), true);
  c.row(fmt::format("accuracy gain from {} to {} images", sizes.front(), sizes.back()), "",
        fmt::format("{:+.2f} pp", means.back() - means.front()));
  c.result.notes.push_back(
      "As in the book: λ = 5.0·n/50,000 keeps the weight-decay factor 1 − ηλ/n the same for every "
      "size, and the epochs (1,500,000/n) keep the number of examples seen the same as 30 epochs "
      "of 50,000; the accuracy is measured once, after the last epoch.");
  Figure f;
  f.columns = 2;
  f.width = 620;
  f.height = 440;
  Panel log = accuracy_panel("Accuracy vs training-set size (log scale)");
  log.xlabel = "training-set size";
  log.log_x = true;
  log.curves = {curve};
  Panel lin = log;
  lin.title = "Accuracy vs training-set size";
  lin.log_x = false;
  f.panels = {log, lin};
  f.title = "[784,30,10], η = 0.5, λ scaled with n: validation accuracy";
  c.draw(f, "Validation accuracy against the training-set size (#15)");
}



}  // namespace

template <class T>
std::vector<Experiment<T>> catalogue() {
  return {
      {{1, 2, 3}, "slowdown", {"learning-slowdown", "toy-neuron"}, "The learning slowdown (one neuron)",
       "One sigmoid neuron, input 1, target 0, gradient descent for 300 epochs from (w, b) = "
       "(0.6, 0.9) and (2, 2): quadratic cost with η = 0.15 (#1, #2) and cross-entropy with "
       "η = 0.005 (#3).",
       slowdown<T>, [](bool) { return std::vector<RunSpec>{}; }},
      {{4}, "cross-entropy", {"ce"}, "Cross-entropy on [784,30,10]",
       "[784,30,10], cross-entropy, large init, η = 0.5, mini-batch 10, 30 epochs, 50,000 "
       "training images, test data. Chapter 1's quadratic network (η = 3.0) for comparison.",
       [](Context<T>& c) { cross_entropy(c, 30, 95.49, 95.42); }, [](bool) { return cross_entropy_plan(30); }},
      {{5}, "cross-entropy-100", {"ce100", "hidden-100"}, "Cross-entropy on [784,100,10]",
       "As #4 with 100 hidden neurons.",
       [](Context<T>& c) { cross_entropy(c, 100, 96.82, 96.59); }, [](bool) { return cross_entropy_plan(100); }},
      {{6}, "overfitting", {}, "Overfitting on 1,000 images",
       "[784,30,10], cross-entropy, large init, η = 0.5, mini-batch 10, 400 epochs on the first "
       "1,000 training images, no regularization; all four monitors on the test data.",
       overfitting<T>, [](bool) { return std::vector<RunSpec>{small_data(0)}; }},
      {{7}, "overfitting-full", {}, "The full training set, unregularized",
       "[784,30,10], large init, η = 0.5, 30 epochs, 50,000 training images, λ = 0; training "
       "and test accuracy.",
       overfitting_full<T>, [](bool) { return std::vector<RunSpec>{full_data(0)}; }},
      {{8}, "regularization-1000", {"regularized-overfitting"}, "L2 regularization on 1,000 images",
       "As #6 with λ = 0.1.", regularization_small<T>,
       [](bool) { return std::vector<RunSpec>{small_data(0.1), small_data(0)}; }},
      {{9}, "regularization", {"l2"}, "L2 regularization on the full training set",
       "[784,30,10], large init, η = 0.5, λ = 5.0, 30 epochs, 50,000 training images; "
       "training and test accuracy.",
       regularization_full<T>, [](bool) { return std::vector<RunSpec>{full_data(5.0), full_data(0)}; }},
      {{10}, "regularization-100", {}, "[784,100,10] with λ = 5.0",
       "[784,100,10], large init, η = 0.5, λ = 5.0, 30 epochs, validation data.", hundred_short<T>,
       [](bool) { return std::vector<RunSpec>{hundred(0.5, 30)}; }},
      {{11}, "regularization-100-long", {}, "[784,100,10], η = 0.1, 60 epochs",
       "[784,100,10], large init, η = 0.1, λ = 5.0, 60 epochs, validation data.", hundred_long<T>,
       [](bool) { return std::vector<RunSpec>{hundred(0.1, 60), hundred(0.5, 30)}; }},
      {{12}, "init", {"initialization"}, "Weight initialization",
       "[784,30,10], λ = 5.0, η = 0.1, 30 epochs, validation data: large init N(0, 1) vs the "
       "default N(0, 1/n_in).",
       initialization<T>,
       [](bool) { return std::vector<RunSpec>{init_spec(Init::large), init_spec(Init::standard)}; }},
      {{13}, "chance", {"bad-hyper-parameters", "broad-strategy"}, "Hyper-parameters that give chance",
       "[784,30,10], default init, η = 10, λ = 1000, 30 epochs, validation data; then the book's "
       "quick-feedback walk-through on [784,10].",
       chance<T>, [](bool) { return chance_plan(); }},
      {{14}, "eta", {"learning-rate"}, "Three learning rates",
       "[784,30,10], large init, λ = 5.0, 30 epochs, 50,000 images, η ∈ {0.025, 0.25, 2.5}: "
       "cost on the training data.",
       learning_rates<T>, [](bool) { return learning_rates_plan(); }},
      {{15}, "train-size", {"more-data"}, "More training data",
       "[784,30,10], large init, η = 0.5, n ∈ {100, 200, 500, 1,000, 2,000, 5,000, 10,000, "
       "20,000, 50,000} training images, 1,500,000/n epochs, λ = 5.0·n/50,000; validation "
       "accuracy after the last epoch.",
       train_size<T>, train_size_plan},
  };
}

template <class T>
std::string label_of(const Experiment<T>& e) {
  return e.numbers.size() == 1 ? fmt::format("#{}", e.numbers.front())
                               : fmt::format("#{}–#{}", e.numbers.front(), e.numbers.back());
}

// The experiments named on the command line, in catalogue order; throws for unknown names.
template <class T>
std::vector<const Experiment<T>*> select(const std::vector<Experiment<T>>& all,
                                         const std::vector<std::string>& names) {
  std::set<const Experiment<T>*> chosen;
  for (const std::string& name : names) {
    bool found = false;
    for (const Experiment<T>& e : all) {
      const bool by_number = std::any_of(e.numbers.begin(), e.numbers.end(),
                                         [&](int n) { return name == std::to_string(n); });
      const bool by_name = name == e.key ||
                           std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end();
      if (name == "all" || by_number || by_name) {
        chosen.insert(&e);
        found = true;
      }
    }
    if (!found) {
      throw std::invalid_argument(fmt::format(
          "unknown experiment '{}' (expected 1–15, a name from --list, or all)", name));
    }
  }
  std::vector<const Experiment<T>*> out;
  for (const Experiment<T>& e : all) {
    if (chosen.count(&e)) out.push_back(&e);
  }
  return out;
}

#define XGRAD_CHAPTER3_INSTANTIATE(T)                                                          \
  template struct Context<T>;                                                                  \
  template std::vector<Experiment<T>> catalogue<T>();                                          \
  template std::string label_of<T>(const Experiment<T>&);                                      \
  template std::vector<const Experiment<T>*> select<T>(const std::vector<Experiment<T>>&,      \
                                                       const std::vector<std::string>&);
XGRAD_CHAPTER3_INSTANTIATE(float)
XGRAD_CHAPTER3_INSTANTIATE(double)

}  // namespace xgrad::examples::chapter3
