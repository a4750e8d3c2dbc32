// xgrad-data-info: finds the MNIST data the way every xgrad program does, loads the book's
// split, and prints where it came from, the sizes, the class counts and the load time.
//
//   xgrad-data-info [--data DIR] [--dtype f32|f64] [--train-size N] [--eval-size N]

#include <chrono>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

template <class T>
int run(const mnist::DataSource& source, const mnist::LoadOptions& sizes) {
  const auto start = std::chrono::steady_clock::now();
  const mnist::Split<T> split = mnist::load<T>(source, sizes);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t bytes = 0;
  for (const Dataset<T>* d : {&split.training, &split.validation, &split.test}) {
    std::vector<std::size_t> counts(d->num_classes());
    for (std::size_t label : d->labels()) ++counts[label];
    const char* name = d == &split.training ? "training" : d == &split.validation ? "validation" : "test";
    fmt::print("{:<10} {:>6} examples × {} inputs, classes {}\n", name, d->size(), d->input_size(),
               fmt::join(counts, " "));
    bytes += (d->inputs().size() + d->targets().size()) * sizeof(T) +
             d->labels().size() * sizeof(std::size_t);
  }
  fmt::print("loaded in {:.3f} s; {:.1f} MB of {} data\n", seconds, double(bytes) / 1e6,
             sizeof(T) == 4 ? "float32" : "float64");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Finds and loads the MNIST data, and says where it came from."};
  std::string data_dir, dtype = "f32";
  mnist::LoadOptions sizes;
  std::size_t eval_size = all_items;
  app.add_option("--data", data_dir, "directory with the four IDX files (default: search)");
  app.add_option("--dtype", dtype, "element type")->check(CLI::IsMember({"f32", "f64"}))->capture_default_str();
  app.add_option("--train-size", sizes.training_size, "first N training examples");
  app.add_option("--eval-size", eval_size, "first N validation and test examples");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  sizes.validation_size = sizes.test_size = eval_size;
  try {
    mnist::LocateOptions where;
    where.dir = data_dir;
    const mnist::DataSource source = mnist::locate(where);
    fmt::print("data: {}\n", source.description);
    return dtype == "f32" ? run<float>(source, sizes) : run<double>(source, sizes);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
