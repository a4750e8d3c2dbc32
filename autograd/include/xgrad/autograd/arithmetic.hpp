#pragma once
/// @file
/// Element-wise arithmetic with broadcasting, negation and scalar arithmetic.
///
/// Broadcasting: two operands combine when each dimension matches or is 1 — a (1×n) row
/// vector applies to every row, an (m×1) column vector to every column, a (1×1) scalar to
/// every element. Gradients are summed back to each operand's own shape.

#include <type_traits>

#include "var.hpp"

namespace xgrad {

/// a + b.  ∂/∂a = G, ∂/∂b = G (each reduced to its operand's shape).
template <class T> Var<T> add(const Var<T>& a, const Var<T>& b);
/// a − b.  ∂/∂a = G, ∂/∂b = −G.
template <class T> Var<T> sub(const Var<T>& a, const Var<T>& b);
/// a ⊙ b.  ∂/∂a = G ⊙ b, ∂/∂b = G ⊙ a.
template <class T> Var<T> mul(const Var<T>& a, const Var<T>& b);
/// a ⊘ b.  ∂/∂a = G ⊘ b, ∂/∂b = −G ⊙ a ⊘ b².
template <class T> Var<T> div(const Var<T>& a, const Var<T>& b);
/// −a.  ∂/∂a = −G.
template <class T> Var<T> neg(const Var<T>& a);

/// a + s.  ∂/∂a = G.
template <class T> Var<T> add(const Var<T>& a, T s);
/// s·a.  ∂/∂a = s·G.
template <class T> Var<T> mul(const Var<T>& a, T s);
/// s ⊘ a (element-wise).  ∂/∂a = −s·G ⊘ a².
template <class T> Var<T> div(T s, const Var<T>& a);

/// a + b: add(a, b).
template <class T> Var<T> operator+(const Var<T>& a, const Var<T>& b) { return add(a, b); }
/// a − b: sub(a, b).
template <class T> Var<T> operator-(const Var<T>& a, const Var<T>& b) { return sub(a, b); }
/// a ⊙ b: mul(a, b).
template <class T> Var<T> operator*(const Var<T>& a, const Var<T>& b) { return mul(a, b); }
/// a ⊘ b: div(a, b).
template <class T> Var<T> operator/(const Var<T>& a, const Var<T>& b) { return div(a, b); }
/// −a: neg(a).
template <class T> Var<T> operator-(const Var<T>& a) { return neg(a); }

/// Scalar forms: `s` may be any arithmetic type (`2 * a`, `1 - a`, `varf * 0.5`) and is
/// converted to T first.
template <class S>
using EnableIfScalar = std::enable_if_t<std::is_arithmetic_v<S>, int>;

/// a + s: add(a, s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator+(const Var<T>& a, S s) { return add(a, static_cast<T>(s)); }
/// s + a: add(a, s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator+(S s, const Var<T>& a) { return add(a, static_cast<T>(s)); }
/// a − s: add(a, −s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator-(const Var<T>& a, S s) { return add(a, -static_cast<T>(s)); }
/// s − a: add(neg(a), s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator-(S s, const Var<T>& a) { return add(neg(a), static_cast<T>(s)); }
/// a·s: mul(a, s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator*(const Var<T>& a, S s) { return mul(a, static_cast<T>(s)); }
/// s·a: mul(a, s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator*(S s, const Var<T>& a) { return mul(a, static_cast<T>(s)); }
/// a / s: mul(a, 1/s).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator/(const Var<T>& a, S s) { return mul(a, T(1) / static_cast<T>(s)); }
/// s ⊘ a: div(s, a).
template <class T, class S, EnableIfScalar<S> = 0>
Var<T> operator/(S s, const Var<T>& a) { return div(static_cast<T>(s), a); }

}  // namespace xgrad
