"""Terms collected over the scalar factors some of them share (the definition method
multiplies every product out entry by entry, (1 - y) r² into r² - y r²):

    a M - c M + y c M = a M + (y - 1) c M        a M + b M + c = (a + b) M + c

where what is left of each collected term is a number or one scalar factor.

factor_sum takes what all the terms of a sum share, factor_partial a first or last
matrix factor; this takes scalar factors a part of the terms share, where that reads
shorter."""

from __future__ import annotations

from ..expressions import expr as E
from ..expressions.text import printed_length
from .sum_rules import _common_scalars, _without
from .rule_types import on


@on(E.Add)
def collect_scalar_factors(e: E.Expr):
    """The shortest sum with one group of terms that share a matrix product and some
    scalar factors written as (their common factors) (the sum of the rest); or None."""
    if not isinstance(e, E.Add):
        return None
    parts = [E.parts(t) for t in e.terms]
    best, size = None, printed_length(e)
    for group, same_product in _groups(parts):
        cand = _collected(e.terms, parts, group)
        if cand is None:
            continue
        length = printed_length(cand)
        # one product with its scalars summed reads as a textbook's even at the same length:
        # (alpha + beta) A, not alpha A + beta A
        if length < size or (same_product and best is None and length == size):
            best, size = cand, length
    return best


def _groups(parts):
    """(index set, whether it is all the terms with one matrix product): in a sum of three
    or more terms, the sets of two or more (not all) that share a matrix product and a
    scalar factor, one for each such factor; and the terms that share a matrix product,
    whatever their scalars (9 sum(y) s / 10 + n s / 50 = (9 sum(y) / 10 + n / 50) s)."""
    out = []
    for _, scalars, chain in parts:
        for f in scalars:
            group = tuple(j for j, (_, s, c) in enumerate(parts) if c == chain and f in s)
            if len(parts) >= 3 and 2 <= len(group) < len(parts) and (group, False) not in out:
                out.append((group, False))
        group = tuple(j for j, (_, _, c) in enumerate(parts) if c == chain)
        if chain and len(group) >= 2 and (group, True) not in out:
            out.append((group, True))
    return out


def _collected(terms, parts, group):
    chosen = [parts[j] for j in group]
    common = _common_scalars(chosen)
    left = [_without(s, common) for _, s, _ in chosen]
    if any(len(s) > 1 for s in left):
        return None               # (1 - y) c M, not (a b - c d) M: longer once pieces are named
    inner = E.add(*(E.mul(E.Num(c), *s) for (c, _, _), s in zip(chosen, left)))
    merged = E.mul(*common, inner, *chosen[0][2])
    rest = [t for j, t in enumerate(terms) if j not in group]
    return E.add(*rest[:group[0]], merged, *rest[group[0]:])

