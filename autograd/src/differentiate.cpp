#include "xgrad/autograd/differentiate.hpp"

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include "xgrad/autograd/arithmetic.hpp"
#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/reduction.hpp"

namespace xgrad {
namespace {

template <class T>
Matrix<T> flat_row(const Matrix<T>& m) {
  Matrix<T> r = m;
  r.reshape({std::size_t(1), m.size()});
  return r;
}

// The one-hot seed selecting element k of a matrix of shape s.
template <class T>
Var<T> unit(const Shape& s, std::size_t k) {
  Matrix<T> e = xt::zeros<T>({s[0], s[1]});
  e.flat(k) = T(1);
  return Var<T>(std::move(e));
}

}  // namespace

template <class T>
std::vector<Var<T>> grad(const Var<T>& output, const std::vector<Var<T>>& inputs,
                         const Var<T>& seed, const GradOptions& options) {
  if (!output.defined()) throw GraphError("grad(): the output is an empty Var");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) throw GraphError(fmt::format("grad(): input {} is an empty Var", i));
    if (!inputs[i].requires_grad()) {
      throw GraphError(fmt::format("grad(): input {} ('{}', {}) does not require grad", i,
                                   inputs[i].op(), shape_string(inputs[i].shape())));
    }
  }
  detail::Capture<T> capture{inputs, std::vector<Var<T>>(inputs.size())};
  detail::BackwardPass<T> pass;
  pass.retain_graph = options.retain_graph;
  pass.create_graph = options.create_graph;
  pass.capture = &capture;
  detail::run_backward(output, seed, pass);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!capture.results[i].defined() && !options.allow_unused) {
      throw GraphError(fmt::format(
          "grad(): the output ('{}') does not depend on input {} ('{}', {}); pass "
          "GradOptions::allow_unused to get an empty Var for it",
          output.op(), i, inputs[i].op(), shape_string(inputs[i].shape())));
    }
  }
  return std::move(capture.results);
}

template <class T>
std::vector<Var<T>> grad(const Var<T>& output, const std::vector<Var<T>>& inputs,
                         const GradOptions& options) {
  if (output.defined() && output.size() != 1) {
    throw GraphError(fmt::format("grad(): the output ('{}') has shape {}; without a seed it must "
                                 "be 1×1. Reduce it or pass a seed of its shape",
                                 output.op(), shape_string(output.shape())));
  }
  return grad(output, inputs, Var<T>(Matrix<T>({{T(1)}})), options);
}

template <class T>
std::vector<Matrix<T>> hvp(const ScalarFunction<T>& f, const std::vector<Var<T>>& params,
                           const std::vector<Matrix<T>>& v) {
  if (v.size() != params.size()) {
    throw ShapeError(fmt::format("hvp(): {} direction blocks for {} parameters", v.size(),
                                 params.size()));
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (shape_of(v[i]) != params[i].shape()) {
      throw ShapeError(fmt::format("hvp(): direction block {} has shape {}, parameter {} has {}",
                                   i, shape_string(shape_of(v[i])), i,
                                   shape_string(params[i].shape())));
    }
  }
  GradOptions first;
  first.create_graph = true;
  first.allow_unused = true;
  const std::vector<Var<T>> g = grad(f(), params, first);
  // Σ_i Σ g_i ⊙ v_i over the blocks whose gradient still depends on the parameters; a
  // constant block has no second derivative.
  Var<T> dot;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!g[i].defined() || !g[i].requires_grad()) continue;
    const Var<T> term = sum(g[i] * Var<T>(Matrix<T>(v[i])));
    dot = dot.defined() ? dot + term : term;
  }
  std::vector<Matrix<T>> hv;
  hv.reserve(params.size());
  std::vector<Var<T>> second;
  if (dot.defined()) {
    GradOptions again;
    again.allow_unused = true;
    second = grad(dot, params, again);
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    hv.push_back(i < second.size() && second[i].defined()
                     ? second[i].value()
                     : Matrix<T>(xt::zeros<T>(params[i].value().shape())));
  }
  return hv;
}

template <class T>
Matrix<T> jacobian(const std::function<Var<T>(const Var<T>&)>& f, const Matrix<T>& x) {
  const Var<T> input(Matrix<T>(x), true);
  const Var<T> y = f(input);
  Matrix<T> jac = xt::zeros<T>({y.size(), x.size()});
  if (!y.requires_grad()) return jac;  // y does not depend on x
  GradOptions keep;
  keep.retain_graph = true;
  keep.allow_unused = true;
  for (std::size_t k = 0; k < y.size(); ++k) {
    const std::vector<Var<T>> g = grad(y, {input}, unit<T>(y.shape(), k), keep);
    if (g[0].defined()) xt::row(jac, k) = xt::row(flat_row(g[0].value()), 0);
  }
  return jac;
}

template <class T>
Matrix<T> hessian(const ScalarFunction<T>& f, const std::vector<Var<T>>& params) {
  std::size_t n = 0;
  for (const auto& p : params) n += p.size();
  Matrix<T> h = xt::zeros<T>({n, n});
  GradOptions first;
  first.create_graph = true;
  first.allow_unused = true;
  const std::vector<Var<T>> g = grad(f(), params, first);
  GradOptions again;
  again.retain_graph = true;
  again.allow_unused = true;
  std::size_t row = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    for (std::size_t k = 0; k < params[i].size(); ++k, ++row) {
      if (!g[i].defined() || !g[i].requires_grad()) continue;  // a constant gradient block
      const std::vector<Var<T>> second = grad(g[i], params, unit<T>(g[i].shape(), k), again);
      std::size_t col = 0;
      for (std::size_t j = 0; j < params.size(); ++j) {
        if (second[j].defined()) {
          const Matrix<T>& s = second[j].value();
          for (std::size_t e = 0; e < s.size(); ++e) h(row, col + e) = s.flat(e);
        }
        col += params[j].size();
      }
    }
  }
  return h;
}

template <class T>
Matrix<T> hessian(const std::function<Var<T>(const Var<T>&)>& f, const Matrix<T>& x) {
  const Var<T> input(Matrix<T>(x), true);
  return hessian<T>([&] { return f(input); }, std::vector<Var<T>>{input});
}

#define XGRAD_INSTANTIATE(T)                                                                 \
  template std::vector<Var<T>> grad<T>(const Var<T>&, const std::vector<Var<T>>&,           \
                                       const Var<T>&, const GradOptions&);                  \
  template std::vector<Var<T>> grad<T>(const Var<T>&, const std::vector<Var<T>>&,           \
                                       const GradOptions&);                                 \
  template std::vector<Matrix<T>> hvp<T>(const ScalarFunction<T>&, const std::vector<Var<T>>&, \
                                         const std::vector<Matrix<T>>&);                    \
  template Matrix<T> jacobian<T>(const std::function<Var<T>(const Var<T>&)>&, const Matrix<T>&); \
  template Matrix<T> hessian<T>(const ScalarFunction<T>&, const std::vector<Var<T>>&);      \
  template Matrix<T> hessian<T>(const std::function<Var<T>(const Var<T>&)>&, const Matrix<T>&);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

}  // namespace xgrad
