"""Inverses of products that cancel against their neighbours:

    Aᵀ (Bᵀ Xᵀ Aᵀ)⁻¹ Bᵀ = Aᵀ A⁻ᵀ X⁻ᵀ B⁻ᵀ Bᵀ = X⁻ᵀ        (A, X, B square)

(A X B)⁻¹ = B⁻¹ X⁻¹ A⁻¹ holds when every factor is square: A X B invertible then makes
each of them invertible.  For a rectangular factor it does not hold, and the product's
inverse stays whole (Aᵀ (A X B)⁻ᵀ Bᵀ, the general form of the Matrix Cookbook's (51))."""

from __future__ import annotations

from ..expressions import expr as E
from .rule_types import on


def _square_factors(f: E.Expr):
    """The matrix factors of P in f = P⁻¹, when P is a product of square matrices (and
    scalars); else None."""
    if not (isinstance(f, E.Pow) and f.k == -1 and isinstance(f.base, E.Mul)):
        return None
    p = f.base
    if len(p.chain) < 2 or any(g.rows != g.cols for g in p.chain):
        return None
    return p.chain


@on(E.Mul)
def inverse_of_square_product(e: E.Expr):
    """… A (X B A)⁻¹ … = … B⁻¹ X⁻¹ …: a product's inverse split into its factors' inverses
    where a neighbour then cancels."""
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    for i, f in enumerate(chain):
        inner = _square_factors(f)
        if inner is None:
            continue
        if i > 0 and chain[i - 1] == inner[-1] or i + 1 < len(chain) and chain[i + 1] == inner[0]:
            split = [E.power(g, -1) for g in reversed(inner)]
            p = f.base                  # (c P)⁻¹ = P⁻¹ / c: its scalars leave the inverse
            scale = [E.power(E.mul(E.Num(p.coeff), *p.scalars), -1)] if p.coeff != 1 or p.scalars else []
            return E.mul(E.Num(e.coeff), *e.scalars, *scale, *chain[:i], *split, *chain[i + 1:])
    return None


RULES = (inverse_of_square_product,)
