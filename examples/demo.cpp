// xgrad-demo: a 2-16-2 tanh network learns two interleaved spirals, with nothing but the
// engine: Vars, ops, backward() and a hand-written SGD step. Needs no data and no flags.

#include <cmath>
#include <random>
#include <vector>

#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

struct Spirals {
  Matrix<double> x;
  std::vector<std::size_t> labels;
};

Spirals make_spirals(std::size_t per_class, std::mt19937_64& rng) {
  std::normal_distribution<double> noise(0.0, 0.05);
  Spirals data{xt::empty<double>({2 * per_class, std::size_t(2)}), {}};
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t i = 0; i < per_class; ++i) {
      const double t = 0.25 + 3.0 * static_cast<double>(i) / static_cast<double>(per_class);
      const double angle = t * 2.2 + static_cast<double>(c) * M_PI;
      const std::size_t row = c * per_class + i;
      data.x(row, 0) = t * std::cos(angle) / 3.0 + noise(rng);
      data.x(row, 1) = t * std::sin(angle) / 3.0 + noise(rng);
      data.labels.push_back(c);
    }
  }
  return data;
}

Matrix<double> gaussian(std::size_t rows, std::size_t cols, double stddev, std::mt19937_64& rng) {
  std::normal_distribution<double> n(0.0, stddev);
  Matrix<double> m = xt::empty<double>({rows, cols});
  for (auto& v : m) v = n(rng);
  return m;
}

}  // namespace

int main() {
  std::mt19937_64 rng(42);
  const Spirals data = make_spirals(200, rng);
  const Vard x(data.x);

  // Parameters: W (in × out) with the book's N(0, 1/n_in) init, biases as row vectors.
  const std::size_t hidden = 32;
  const Vard w1(gaussian(2, hidden, 1.0 / std::sqrt(2.0), rng), true);
  const Vard b1(gaussian(1, hidden, 1.0, rng), true);
  const Vard w2(gaussian(hidden, hidden, 1.0 / std::sqrt(double(hidden)), rng), true);
  const Vard b2(gaussian(1, hidden, 1.0, rng), true);
  const Vard w3(gaussian(hidden, 2, 1.0 / std::sqrt(double(hidden)), rng), true);
  const Vard b3(gaussian(1, 2, 1.0, rng), true);
  const std::vector<Vard> params = {w1, b1, w2, b2, w3, b3};

  const double eta = 0.5;
  fmt::print("xgrad demo: a [2,{0},{0},2] tanh network learns two spirals ({1} points)\n",
             hidden, data.labels.size());
  for (int epoch = 0; epoch <= 2000; ++epoch) {
    const Vard logits = matmul(tanh(matmul(tanh(matmul(x, w1) + b1), w2) + b2), w3) + b3;
    const Vard loss = softmax_log_likelihood(logits, data.labels);
    for (const Vard& p : params) p.zero_grad();
    loss.backward();
    {
      NoGrad no_grad;
      for (const Vard& p : params) p.mutable_value() -= eta * p.grad();
    }
    if (epoch % 200 == 0) {
      std::size_t correct = 0;
      for (std::size_t i = 0; i < data.labels.size(); ++i) {
        const std::size_t guess = logits.value()(i, 1) > logits.value()(i, 0) ? 1 : 0;
        correct += guess == data.labels[i];
      }
      fmt::print("epoch {:4d}  loss {:.4f}  accuracy {:5.1f}%\n", epoch, loss.item(),
                 100.0 * double(correct) / double(data.labels.size()));
    }
  }
  return 0;
}
