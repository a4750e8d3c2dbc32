#pragma once
/// @file
/// Element-wise arithmetic with broadcasting, negation and scalar arithmetic.
///
/// Broadcasting: two operands combine when each dimension matches or is 1 — a (1×n) row
/// vector applies to every row, an (m×1) column vector to every column, a (1×1) scalar to
/// every element. Gradients are summed back to each operand's own shape.

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

/// a + s: add(a, s).
template <class T> Var<T> operator+(const Var<T>& a, T s) { return add(a, s); }
/// s + a: add(a, s).
template <class T> Var<T> operator+(T s, const Var<T>& a) { return add(a, s); }
/// a − s: add(a, −s).
template <class T> Var<T> operator-(const Var<T>& a, T s) { return add(a, -s); }
/// s − a: add(neg(a), s).
template <class T> Var<T> operator-(T s, const Var<T>& a) { return add(neg(a), s); }
/// a·s: mul(a, s).
template <class T> Var<T> operator*(const Var<T>& a, T s) { return mul(a, s); }
/// s·a: mul(a, s).
template <class T> Var<T> operator*(T s, const Var<T>& a) { return mul(a, s); }
/// a / s: mul(a, 1/s).
template <class T> Var<T> operator/(const Var<T>& a, T s) { return mul(a, T(1) / s); }
/// s ⊘ a: div(s, a).
template <class T> Var<T> operator/(T s, const Var<T>& a) { return div(s, a); }

}  // namespace xgrad
