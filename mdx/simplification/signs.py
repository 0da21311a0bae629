"""A sum in a product that is the negative of another factor there is written as that
factor, its sign moved to the coefficient: (x − m 1) (m 1 − x)ᵀ = −(x − m 1) (x − m 1)ᵀ,
so that the product reads as the square (an outer product, a norm) it is; and two terms
that end (or begin) in opposite sums are written with the same one, so that it is taken
out: m (x − m)ᵀ + x (m − x)ᵀ = −(x − m) (x − m)ᵀ."""

from __future__ import annotations

from collections import Counter

from ..expressions import expr as E
from ..expressions.text import to_text
from .means import is_centred
from .rule_types import on


def _is_negative_of(w: E.Expr, u: E.Expr) -> bool:
    """Whether the sums w and u have opposite terms, in any order."""
    return isinstance(w, E.Add) and isinstance(u, E.Add) and len(w.terms) == len(u.terms) \
        and Counter(E.neg(t) for t in w.terms) == Counter(u.terms)


def _sum_of(f: E.Expr):
    """(the sum, whether f is its transpose), or None; xᵀ − mᵀ is (x − m)ᵀ."""
    if isinstance(f, E.Add) and all(isinstance(E.split_coeff(t)[1], E.T) for t in f.terms):
        return E.transpose(f), True
    if isinstance(f, E.Add):
        return f, False
    if isinstance(f, E.T) and isinstance(f.arg, E.Add):
        return f.arg, True
    return None


def _wrapped(s: E.Expr, transposed: bool) -> E.Expr:
    return E.transpose(s) if transposed else s


@on(E.Mul)
def negated_twin(e: E.Expr):
    """… u … (−u)ᵀ … = −(… u … uᵀ …), u a sum."""
    if not isinstance(e, E.Mul) or len(e.chain) + len(e.scalars) < 2:
        return None
    factors = list(e.scalars) + list(e.chain)
    sums = [(i, got) for i, f in enumerate(factors) if (got := _sum_of(f)) is not None]
    for i, (su, tu) in sums:
        for j, (sv, tv) in sums:
            if j > i and su.shape == sv.shape and _is_negative_of(sv, su):
                if _preferred(sv, su):          # keep v's sign: u is written as −v
                    factors[i] = _wrapped(sv, tu)
                else:
                    factors[j] = _wrapped(su, tv)
                return E.mul(E.Num(-e.coeff), *factors)
    return None


def _preferred(a: E.Expr, b: E.Expr) -> bool:
    """Which of a sum and its negative is written: fewer minus signs, the centred form
    x − mean(x) 1, then one order for all (x − a rather than a − x)."""
    def key(s):
        negative = sum(E.split_coeff(t)[0] < 0 for t in s.terms)
        return (-negative, is_centred(s), to_text(s))
    return key(a) > key(b)


@on(E.Add)
def opposite_end_factors(e: E.Expr):
    """a uᵀ + b (−u)ᵀ = a uᵀ − b uᵀ, u a sum, as the first or last factor of two terms
    (written alike: xᵀ − mᵀ as (x − m)ᵀ): the common factor can then be taken,
    m (x − m)ᵀ + x (m − x)ᵀ = (m − x) (x − m)ᵀ, which negated_twin writes −(x − m) (x − m)ᵀ."""
    if not isinstance(e, E.Add):
        return None
    terms = list(e.terms)
    parts = [E.parts(t) for t in terms]
    for end in (-1, 0):
        ends = [(i, got) for i, (_, _, chain) in enumerate(parts)
                if len(chain) > 1 and (got := _sum_of(chain[end])) is not None]
        for i, (su, tu) in ends:
            for j, (sv, tv) in ends:
                if j <= i or tu != tv or su.shape != sv.shape:
                    continue
                opposite = _is_negative_of(sv, su)
                if not opposite and (su != sv or parts[i][2][end] == parts[j][2][end]):
                    continue
                keep = sv if opposite and _preferred(sv, su) else su
                for k, s in ((i, su), (j, sv)):
                    coeff, scalars, chain = parts[k]
                    chain = list(chain)
                    chain[end] = _wrapped(keep, tu)
                    terms[k] = E.mul(E.Num(coeff if s == keep else -coeff), *scalars, *chain)
                return E.add(*terms)
    return None


RULES = (negated_twin, opposite_end_factors)
