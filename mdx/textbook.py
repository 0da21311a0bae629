"""Identities that bring a result to the form a textbook prints, whichever method found it.

The definition method reassembles sums over indices (sum(x ∘ y), 1ᵀ (A ∘ Bᵀ) 1, a.^(-1));
the chain method multiplies Kronecker factors; these rules give both the compact forms the
differential method reaches, so that the three methods print the same result:

    sum(a ∘ b) = aᵀ b (vectors)            sum(P ∘ Qᵀ) = tr(P Q)
    1ᵀ M 1 = sum(M)                        (A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D)
    A ⊗ B + A ⊗ C = A ⊗ (B + C)            a ∘ u.^(-k) = a ./ (u ∘ … ∘ u)
"""

from __future__ import annotations

from . import expr as E
from .dims import ONE


def sum_of_hadamard(e: E.Expr):
    """sum(a ∘ b) = aᵀ b for vectors; sum(P ∘ Qᵀ) = tr(P Q) when a transpose cancels."""
    if not (isinstance(e, E.Apply) and e.name == "sum" and isinstance(e.arg, E.Had)
            and len(e.arg.factors) == 2):
        return None
    a, b = e.arg.factors
    if a.cols == ONE:
        return E.mul(E.transpose(a), b)
    if isinstance(b, E.T):
        return E.apply("tr", E.mul(a, b.arg))
    if isinstance(a, E.T):
        return E.apply("tr", E.mul(b, a.arg))
    return None


def ones_sandwich(e: E.Expr):
    """1ᵀ M 1 = sum(M)."""
    if not (isinstance(e, E.Mul) and e.is_scalar and len(e.chain) == 3):
        return None
    first, mid, last = e.chain
    if isinstance(first, E.T) and isinstance(first.arg, E.Ones) and isinstance(last, E.Ones):
        return E.mul(E.Num(e.coeff), *e.scalars, E.apply("sum", mid))
    return None


def kron_mixed_product(e: E.Expr):
    """(A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D) when both products are defined."""
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    for i in range(len(chain) - 1):
        x, y = chain[i], chain[i + 1]
        if isinstance(x, E.Kron) and isinstance(y, E.Kron) and x.a.cols == y.a.rows \
                and x.b.cols == y.b.rows:
            merged = E.kron(E.mul(x.a, y.a), E.mul(x.b, y.b))
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], merged, *chain[i + 2:])
    return None


def factor_kron(e: E.Expr):
    """A ⊗ B + A ⊗ C = A ⊗ (B + C), and B ⊗ A + C ⊗ A = (B + C) ⊗ A."""
    if not isinstance(e, E.Add):
        return None
    parts = [E.split_coeff(t) for t in e.terms]
    if not all(isinstance(m, E.Kron) for _, m in parts):
        return None
    for side in ("a", "b"):
        shared = getattr(parts[0][1], side)
        if all(getattr(m, side) == shared for _, m in parts[1:]):
            other = "b" if side == "a" else "a"
            rest = E.add(*(E.scale(c, getattr(m, other)) for c, m in parts))
            return E.kron(shared, rest) if side == "a" else E.kron(rest, shared)
    return None


def _den_factors(f: E.Expr):
    """The denominator factors of u.^(-k) for a negative integer k, or None."""
    if isinstance(f, E.EPow) and f.k < 0 and f.k.denominator == 1:
        k = -int(f.k)
        return [f.base] * k if k <= 2 else [E.epower(f.base, k)]
    return None


def negative_powers(e: E.Expr):
    """a ∘ u.^(-1) = a ./ u, and u.^(-2) as u ∘ u: a quotient reads as one."""
    factors = list(e.factors) if isinstance(e, E.Had) else [e] if isinstance(e, E.EPow) else None
    if factors is None:
        return None
    num, den = [], []
    for f in factors:
        d = _den_factors(f)
        if d is None:
            num.append(f)
        else:
            den.extend(d)
    if not den:
        return None
    top = E.hadamard(*num) if num else E.ONE_SCALAR
    return E.ediv(top, E.hadamard(*den))


def plain_before_transpose(e: E.Expr):
    """D + Dᵀ rather than Dᵀ + D."""
    if not isinstance(e, E.Add):
        return None
    terms = list(e.terms)
    for i, t in enumerate(terms):
        if isinstance(t, E.T) and t.arg in terms[i + 1:]:
            j = terms.index(t.arg)
            terms[i], terms[j] = terms[j], terms[i]
            return E.Add(tuple(terms))
    return None


RULES = (sum_of_hadamard, ones_sandwich, kron_mixed_product, factor_kron)
PRESENT_RULES = (negative_powers, plain_before_transpose)
