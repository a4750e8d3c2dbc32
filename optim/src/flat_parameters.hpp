#pragma once
// The parameters an optimizer updates, seen as one vector in double precision: what
// L-BFGS, Hessian-free and nonlinear CG work on (their histories and directions span all
// parameters at once).

#include <cstddef>
#include <vector>

#include <fmt/format.h>

#include "xgrad/autograd/differentiate.hpp"
#include "xgrad/autograd/errors.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/optim/optimizer.hpp"

namespace xgrad::detail {

using Vector = std::vector<double>;

inline double dot(const Vector& a, const Vector& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// y += a·x
inline void axpy(double a, const Vector& x, Vector& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] += a * x[i];
}

template <class T>
class FlatParameters {
 public:
  // The parameters that require grad (frozen ones are left alone), in order.
  explicit FlatParameters(const std::vector<Parameter<T>>& parameters) {
    for (const Parameter<T>& p : parameters) {
      if (!p.var.requires_grad()) continue;
      vars_.push_back(p.var);
      size_ += p.var.size();
    }
  }

  std::size_t size() const noexcept { return size_; }

  Vector values() const {
    Vector x;
    x.reserve(size_);
    for (const Var<T>& v : vars_) x.insert(x.end(), v.value().begin(), v.value().end());
    return x;
  }

  void set_values(const Vector& x) const {
    std::size_t k = 0;
    for (const Var<T>& v : vars_) {
      for (T& e : v.mutable_value()) e = static_cast<T>(x[k++]);
    }
  }

  // The loss and its gradient at the current values; every Var's grad() is left as it was.
  Vector gradient(const Objective<T>& objective, double& loss, const std::string& owner) const {
    const Var<T> f = objective();
    check_scalar(f, owner);
    loss = static_cast<double>(f.item());
    GradOptions o;
    o.allow_unused = true;
    return flatten(grad(f, vars_, o));
  }

  // H·v for the Hessian of the objective at the current values.
  Vector hessian_vector(const Objective<T>& objective, const Vector& v, const std::string& owner) const {
    std::vector<Matrix<T>> blocks;
    std::size_t k = 0;
    for (const Var<T>& p : vars_) {
      Matrix<T> b = xt::empty<T>(p.value().shape());
      for (T& e : b) e = static_cast<T>(v[k++]);
      blocks.push_back(std::move(b));
    }
    const std::vector<Matrix<T>> hv = hvp<T>(
        [&] {
          const Var<T> f = objective();
          check_scalar(f, owner);
          return f;
        },
        vars_, blocks);
    Vector out;
    out.reserve(size_);
    for (const Matrix<T>& m : hv) out.insert(out.end(), m.begin(), m.end());
    return out;
  }

 private:
  static void check_scalar(const Var<T>& f, const std::string& owner) {
    if (!f.defined() || f.size() != 1) {
      throw InvalidArgument(fmt::format("{}: the objective must return a 1×1 loss, got {}", owner,
                                        f.defined() ? shape_string(f.shape()) : "an empty Var"));
    }
  }

  Vector flatten(const std::vector<Var<T>>& grads) const {
    Vector g;
    g.reserve(size_);
    for (std::size_t i = 0; i < vars_.size(); ++i) {
      if (grads[i].defined()) {
        g.insert(g.end(), grads[i].value().begin(), grads[i].value().end());
      } else {
        g.insert(g.end(), vars_[i].size(), 0.0);  // the loss does not depend on it
      }
    }
    return g;
  }

  std::vector<Var<T>> vars_;
  std::size_t size_ = 0;
};

}  // namespace xgrad::detail
