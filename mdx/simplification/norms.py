"""xᵀx beside a power of ‖x‖ is ‖x‖²: (xᵀx) x / ‖x‖³ = x / ‖x‖, so that the gradient of
xᵀx / ‖x‖ reaches the textbook's x / ‖x‖ (the terms then collect).  tr(XᵀX) and
sum(X ∘ X) are ‖X‖² too."""

from __future__ import annotations

from ..expressions import expr as E
from .rule_types import on


def _gram_of(s: E.Expr):
    """x for xᵀx (or for tr(XᵀX), sum(X ∘ X)), else None."""
    if isinstance(s, E.Apply) and s.name == "sum" and isinstance(s.arg, E.Had) \
            and len(s.arg.factors) == 2 and s.arg.factors[0] == s.arg.factors[1]:
        return s.arg.factors[0]
    if isinstance(s, E.Apply) and s.name == "tr":
        s = s.arg
        if not isinstance(s, E.Mul) or s.is_scalar:
            return None
    if not isinstance(s, E.Mul) or s.coeff != 1 or s.scalars or len(s.chain) != 2:
        return None
    left, right = s.chain
    return right if isinstance(left, E.T) and left.arg == right else None


def _norm_power(s: E.Expr):
    """(x, k) for ‖x‖^k (k = 1 for ‖x‖), else None."""
    base, k = (s.base, s.k) if isinstance(s, E.Pow) and s.is_scalar else (s, 1)
    if isinstance(base, E.Apply) and base.name == "norm":
        return base.arg, k
    return None


@on(E.Mul)
def gram_beside_norm(e: E.Expr):
    """Among a product's scalars, xᵀx and ‖x‖^k are one power: ‖x‖^(k+2)."""
    if not isinstance(e, E.Mul) or len(e.scalars) < 2:
        return None
    scalars = list(e.scalars)
    for i, s in enumerate(scalars):
        x = _gram_of(s)
        if x is None:
            continue
        for j, t in enumerate(scalars):
            got = _norm_power(t)
            if j != i and got is not None and got[0] == x:
                rest = [f for m, f in enumerate(scalars) if m not in (i, j)]
                return E.mul(E.Num(e.coeff), *rest, E.power(E.apply("norm", x), got[1] + 2),
                             *e.chain)
    return None


RULES = (gram_beside_norm,)
