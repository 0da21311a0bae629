"""A sum in a product that is the negative of another factor there is written as that
factor, its sign moved to the coefficient: (x − m 1) (m 1 − x)ᵀ = −(x − m 1) (x − m 1)ᵀ,
so that the product reads as the square (an outer product, a norm) it is."""

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
    """(the sum, whether f is its transpose), or None."""
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


RULES = (negated_twin,)
