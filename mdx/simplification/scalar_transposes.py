"""A scalar is its own transpose: of two terms of a sum that are each other's transpose
one is written as the other, aᵀ M b + bᵀ M a = 2 aᵀ M b for a symmetric M; and
aᵀ M b + bᵀ N a = aᵀ M b + aᵀ Nᵀ b, so that the ends a and b are taken out,
aᵀ (M + Nᵀ) b."""

from __future__ import annotations

from ..expressions import expr as E
from .rule_types import on


def _turned(t: E.Expr) -> E.Expr:
    """The scalar term t written as its transpose: (aᵀ M b)ᵀ = bᵀ Mᵀ a."""
    coeff, scalars, chain = E.parts(t)
    return E.mul(E.Num(coeff), *scalars, *(E.transpose(f) for f in reversed(chain)))


def _ends(t: E.Expr):
    chain = E.parts(t)[2]
    return (chain[0], chain[-1]) if len(chain) > 2 else None


@on(E.Add)
def transposed_twins(e: E.Expr):
    """Terms tᵢ, tⱼ of a scalar sum with tⱼᵀ = tᵢ (up to a number) are summed; with tⱼᵀ
    sharing both end factors with tᵢ where tⱼ does not, tⱼ is written as tⱼᵀ."""
    if not isinstance(e, E.Add) or not e.is_scalar:
        return None
    terms = list(e.terms)
    for j, tj in enumerate(terms):
        if len(E.parts(tj)[2]) < 2:
            continue
        turned = _turned(tj)
        if turned == tj:
            continue
        for i, ti in enumerate(terms):
            if i == j:
                continue
            ci, mi = E.split_coeff(ti)
            ct, mt = E.split_coeff(turned)
            if mi == mt:
                rest = [t for k, t in enumerate(terms) if k not in (i, j)]
                return E.add(E.scale(ci + ct, mi), *rest)
            ends = _ends(ti)
            if ends is not None and ends == _ends(turned) and ends != _ends(tj):
                terms[j] = turned
                return E.add(*terms)
    return None


RULES = (transposed_twins,)
