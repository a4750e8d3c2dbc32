#include "reference.hpp"

#include <cmath>
#include <stdexcept>

#include "test_util.hpp"

namespace xgrad::book {

double sigma(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double sigma_prime(double z) { return sigma(z) * (1.0 - sigma(z)); }

const char* act_name(Act act) {
  switch (act) {
    case Act::sigmoid: return "sigmoid";
    case Act::tanh: return "tanh";
    case Act::relu: return "relu";
    case Act::identity: return "identity";
    case Act::softmax: return "softmax";
  }
  return "?";
}

double act_value(Act act, double z) {
  switch (act) {
    case Act::sigmoid: return sigma(z);
    case Act::tanh: return (std::exp(z) - std::exp(-z)) / (std::exp(z) + std::exp(-z));
    case Act::relu: return z > 0 ? z : 0.0;
    case Act::identity: return z;
    case Act::softmax: break;
  }
  throw std::logic_error("act_value: softmax is not element-wise");
}

double act_derivative(Act act, double z) {
  switch (act) {
    case Act::sigmoid: return sigma_prime(z);
    case Act::tanh: {
      const double t = act_value(Act::tanh, z);
      return 1.0 - t * t;
    }
    case Act::relu: return z > 0 ? 1.0 : 0.0;
    case Act::identity: return 1.0;
    case Act::softmax: break;
  }
  throw std::logic_error("act_derivative: softmax is not element-wise");
}

const char* cost_name(RefCost cost) {
  switch (cost) {
    case RefCost::quadratic: return "quadratic";
    case RefCost::cross_entropy: return "cross-entropy";
    case RefCost::log_likelihood: return "log-likelihood";
  }
  return "?";
}

namespace {

double y_ln_a(double y, double a) { return y == 0.0 ? 0.0 : y * std::log(a); }
double y_over_a(double y, double a) { return y == 0.0 ? 0.0 : y / a; }

std::vector<double> layer_activation(Act act, const std::vector<double>& z) {
  std::vector<double> a(z.size());
  if (act == Act::softmax) {
    double total = 0;
    for (double zk : z) total += std::exp(zk);
    for (std::size_t j = 0; j < z.size(); ++j) a[j] = std::exp(z[j]) / total;
  } else {
    for (std::size_t j = 0; j < z.size(); ++j) a[j] = act_value(act, z[j]);
  }
  return a;
}

}  // namespace

double cost_value(RefCost cost, const std::vector<double>& a, const std::vector<double>& y) {
  double c = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    switch (cost) {
      case RefCost::quadratic: c += 0.5 * (a[j] - y[j]) * (a[j] - y[j]); break;
      case RefCost::cross_entropy: c -= y_ln_a(y[j], a[j]) + y_ln_a(1 - y[j], 1 - a[j]); break;
      case RefCost::log_likelihood: c -= y_ln_a(y[j], a[j]); break;
    }
  }
  return c;
}

std::vector<double> cost_gradient(RefCost cost, const std::vector<double>& a,
                                  const std::vector<double>& y) {
  std::vector<double> g(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) {
    switch (cost) {
      case RefCost::quadratic: g[j] = a[j] - y[j]; break;
      case RefCost::cross_entropy:
        g[j] = -y_over_a(y[j], a[j]) + y_over_a(1 - y[j], 1 - a[j]);
        break;
      case RefCost::log_likelihood: g[j] = -y_over_a(y[j], a[j]); break;
    }
  }
  return g;
}

RefNetwork random_network(const std::vector<std::size_t>& sizes, Act hidden, Act output,
                          double scale) {
  std::normal_distribution<double> n(0.0, scale);
  RefNetwork net;
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    RefLayer layer{xt::empty<double>({sizes[l], sizes[l - 1]}), std::vector<double>(sizes[l]),
                   l + 1 == sizes.size() ? output : hidden};
    for (double& w : layer.w) w = n(test::rng());
    for (double& b : layer.b) b = n(test::rng());
    net.layers.push_back(std::move(layer));
  }
  return net;
}

namespace {

void add_layer(Sequential<double>& seq, const RefLayer& layer, bool with_activation) {
  seq.add(Dense<double>(transposed(layer.w), as_row(layer.b)));
  if (!with_activation) return;
  switch (layer.act) {
    case Act::sigmoid: seq.add(Sigmoid<double>()); break;
    case Act::tanh: seq.add(Tanh<double>()); break;
    case Act::relu: seq.add(ReLU<double>()); break;
    case Act::softmax: seq.add(Softmax<double>()); break;
    case Act::identity: break;
  }
}

}  // namespace

Sequential<double> to_sequential(const RefNetwork& net) {
  Sequential<double> seq;
  for (const RefLayer& layer : net.layers) add_layer(seq, layer, true);
  return seq;
}

Sequential<double> to_sequential_logits(const RefNetwork& net) {
  Sequential<double> seq;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    add_layer(seq, net.layers[l], l + 1 < net.layers.size());
  }
  return seq;
}

Trace forward(const RefNetwork& net, const std::vector<double>& x) {
  Trace t;
  t.a.push_back(x);
  for (const RefLayer& layer : net.layers) {
    const std::vector<double>& in = t.a.back();
    std::vector<double> z(layer.b);
    for (std::size_t j = 0; j < z.size(); ++j) {
      for (std::size_t k = 0; k < in.size(); ++k) z[j] += layer.w(j, k) * in[k];
    }
    t.a.push_back(layer_activation(layer.act, z));
    t.z.push_back(std::move(z));
  }
  return t;
}

RefGradients backprop(const RefNetwork& net, RefCost cost, const std::vector<double>& x,
                      const std::vector<double>& y) {
  const Trace t = forward(net, x);
  const std::size_t layers = net.layers.size();
  RefGradients g;
  g.w.resize(layers);
  g.b.resize(layers);
  g.delta.resize(layers);
  // BP1: δ^L = ∇_a C ⊙ f'(z^L); for softmax, δ_k = Σ_j ∂C/∂a_j · ∂a_j/∂z_k.
  const std::vector<double> grad_a = cost_gradient(cost, t.a.back(), y);
  const RefLayer& out = net.layers.back();
  std::vector<double>& delta_out = g.delta.back();
  delta_out.assign(grad_a.size(), 0.0);
  if (out.act == Act::softmax) {
    const std::vector<double>& a = t.a.back();
    for (std::size_t k = 0; k < a.size(); ++k) {
      for (std::size_t j = 0; j < a.size(); ++j) {
        delta_out[k] += grad_a[j] * a[j] * ((j == k ? 1.0 : 0.0) - a[k]);
      }
    }
  } else {
    for (std::size_t j = 0; j < grad_a.size(); ++j) {
      delta_out[j] = grad_a[j] * act_derivative(out.act, t.z.back()[j]);
    }
  }
  // BP2: δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l).
  for (std::size_t l = layers - 1; l-- > 0;) {
    const RefLayer& next = net.layers[l + 1];
    g.delta[l].assign(net.layers[l].b.size(), 0.0);
    for (std::size_t k = 0; k < g.delta[l].size(); ++k) {
      double back = 0;
      for (std::size_t j = 0; j < g.delta[l + 1].size(); ++j) {
        back += next.w(j, k) * g.delta[l + 1][j];
      }
      g.delta[l][k] = back * act_derivative(net.layers[l].act, t.z[l][k]);
    }
  }
  // BP3 and BP4.
  for (std::size_t l = 0; l < layers; ++l) {
    g.b[l] = g.delta[l];
    const std::vector<double>& in = t.a[l];
    g.w[l] = xt::empty<double>({g.delta[l].size(), in.size()});
    for (std::size_t j = 0; j < g.delta[l].size(); ++j) {
      for (std::size_t k = 0; k < in.size(); ++k) g.w[l](j, k) = in[k] * g.delta[l][j];
    }
  }
  return g;
}

RefGradients batch_backprop(const RefNetwork& net, RefCost cost, const Matrix<double>& x,
                            const Matrix<double>& y) {
  const std::size_t m = x.shape()[0];
  RefGradients total;
  for (std::size_t i = 0; i < m; ++i) {
    RefGradients g = backprop(net, cost, row(x, i), row(y, i));
    if (i == 0) {
      total = std::move(g);
      continue;
    }
    for (std::size_t l = 0; l < g.w.size(); ++l) {
      for (std::size_t k = 0; k < g.w[l].size(); ++k) total.w[l].flat(k) += g.w[l].flat(k);
      for (std::size_t j = 0; j < g.b[l].size(); ++j) total.b[l][j] += g.b[l][j];
    }
  }
  for (std::size_t l = 0; l < total.w.size(); ++l) {
    for (double& v : total.w[l]) v /= double(m);
    for (double& v : total.b[l]) v /= double(m);
  }
  total.delta.clear();  // per-example quantities: meaningless as a mean
  return total;
}

double batch_cost(const RefNetwork& net, RefCost cost, const Matrix<double>& x,
                  const Matrix<double>& y) {
  double total = 0;
  for (std::size_t i = 0; i < x.shape()[0]; ++i) {
    total += cost_value(cost, forward(net, row(x, i)).a.back(), row(y, i));
  }
  return total / double(x.shape()[0]);
}

std::vector<double> row(const Matrix<double>& m, std::size_t i) {
  std::vector<double> r(m.shape()[1]);
  for (std::size_t j = 0; j < r.size(); ++j) r[j] = m(i, j);
  return r;
}

Matrix<double> transposed(const Matrix<double>& m) {
  Matrix<double> t = xt::empty<double>({m.shape()[1], m.shape()[0]});
  for (std::size_t i = 0; i < m.shape()[0]; ++i) {
    for (std::size_t j = 0; j < m.shape()[1]; ++j) t(j, i) = m(i, j);
  }
  return t;
}

Matrix<double> as_row(const std::vector<double>& v) {
  Matrix<double> r = xt::empty<double>({std::size_t(1), v.size()});
  for (std::size_t j = 0; j < v.size(); ++j) r(0, j) = v[j];
  return r;
}

::testing::AssertionResult gradients_match(const Module<double>& net, const RefGradients& g,
                                           double rtol) {
  const std::vector<Parameter<double>> params = net.parameters();
  if (params.size() != 2 * g.w.size()) {
    return ::testing::AssertionFailure() << params.size() << " parameters for " << g.w.size()
                                         << " reference layers";
  }
  for (std::size_t l = 0; l < g.w.size(); ++l) {
    if (auto r = test::near(params[2 * l].var.grad(), transposed(g.w[l]), rtol); !r) {
      return r << " in dC/dw of layer " << l + 1;
    }
    if (auto r = test::near(params[2 * l + 1].var.grad(), as_row(g.b[l]), rtol); !r) {
      return r << " in dC/db of layer " << l + 1;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace xgrad::book
