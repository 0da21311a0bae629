"""A matrix of ones beside a sum, multiplied out where a term then vanishes or two cancel:

    1 1ᵀ (I / s − c cᵀ / (n s³)) = 1 1ᵀ / s          (1ᵀ c = 0: c = x − mean(x) 1 is centred)
    (diag(p) − p pᵀ) 1 = p − p = 0                     (pᵀ 1 = 1: p is a softmax)

Each term is tried with the rules that know what ones meet (a centred vector, a
distribution); the product is multiplied out only where that leaves fewer terms."""

from __future__ import annotations

from ..expressions import expr as E
from .means import ones_times_centred
from .rule_types import on
from .textbook import is_ones, sums_to_one

MEETING_ONES = (ones_times_centred, sums_to_one)


def _met(e: E.Expr) -> E.Expr:
    """e with the rules of MEETING_ONES applied to its scalar factors (pᵀ 1 is one, once
    the product is formed) and at its top, while one fires."""
    if isinstance(e, E.Mul) and e.scalars:
        e = E.mul(E.Num(e.coeff), *(_met(f) for f in e.scalars), *e.chain)
    for _ in range(4):
        out = next((got for r in MEETING_ONES if (got := r(e)) is not None), None)
        if out is None:
            return e
        e = out
    return e


def _term_count(e: E.Expr) -> int:
    if isinstance(e, E.Add):
        return len(e.terms)
    return 0 if E.is_zero(e) else 1


@on(E.Mul)
def ones_over_sum(e: E.Expr):
    """1ᵀ (a + b) = 1ᵀ a + 1ᵀ b (and (a + b) 1), where a term then drops out."""
    if not isinstance(e, E.Mul) or len(e.chain) < 2:
        return None
    chain = e.chain
    for i in range(len(chain) - 1):
        a, b = chain[i], chain[i + 1]
        k = i + 1 if is_ones(a) and isinstance(b, E.Add) else \
            i if isinstance(a, E.Add) and is_ones(b) else None
        if k is None:
            continue
        total = E.add(*(_met(E.mul(*chain[:k], t, *chain[k + 1:])) for t in chain[k].terms))
        if _term_count(total) < len(chain[k].terms):
            return E.mul(E.Num(e.coeff), *e.scalars, total)
    return None


RULES = (ones_over_sum,)
