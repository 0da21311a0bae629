"""The logistic function read where a result writes it out (the derivative of
log1p(exp(u)) and of log(1 + exp(u)), written as quotients):

    exp(u) ./ (1 + exp(u)) = σ(u)         1 ./ (1 + exp(u)) = σ(-u)
    (a ∘ exp(u)) ./ (1 + exp(u)) = a ∘ σ(u)

and the scalar forms exp(u) / (1 + exp(u)), 1 / (1 + exp(u)).
"""

from __future__ import annotations

from ..expressions import expr as E


def _plain(f: E.Expr, name: str) -> bool:
    return isinstance(f, E.Func) and f.name == name and not (f.primes or f.defn)


def _exponent_of_one_plus_exp(d: E.Expr):
    """u where d is 1 + exp(u) (1 a number or a ones vector or matrix), else None."""
    if not (isinstance(d, E.Add) and len(d.terms) == 2):
        return None
    for one, ex in (d.terms, d.terms[::-1]):
        if (one == E.ONE_SCALAR or isinstance(one, E.Ones)) and _plain(ex, "exp"):
            return ex.arg
    return None


def _sigmoid(u: E.Expr) -> E.Expr:
    return E.func("sigmoid", u)


def sigmoid_of_quotient(e: E.Expr):
    """exp(u) ./ (1 + exp(u)) = σ(u), 1 ./ (1 + exp(u)) = σ(-u); the scalar forms too."""
    if isinstance(e, E.EDiv):
        u = _exponent_of_one_plus_exp(e.den)
        if u is None:
            return None
        if isinstance(e.num, E.Ones):
            return _sigmoid(E.neg(u))
        num = list(e.num.factors) if isinstance(e.num, E.Had) else [e.num]
        if E.func("exp", u) not in num:
            return None
        num.remove(E.func("exp", u))
        return E.hadamard(*num, _sigmoid(u))
    if isinstance(e, E.Mul):
        return _scalar_quotient(e)
    return None


def _scalar_quotient(e: E.Mul):
    """c exp(u) (1 + exp(u))^(-1) = c σ(u); c (1 + exp(u))^(-1) = c σ(-u)."""
    scalars = list(e.scalars)
    for i, s in enumerate(scalars):
        if not (isinstance(s, E.Pow) and s.k == -1):
            continue
        u = _exponent_of_one_plus_exp(s.base)
        if u is None:
            continue
        del scalars[i]
        if E.func("exp", u) in scalars:
            scalars.remove(E.func("exp", u))
            scalars.append(_sigmoid(u))
        else:
            scalars.append(_sigmoid(E.neg(u)))
        return E.mul(E.Num(e.coeff), *scalars, *e.chain)
    return None
