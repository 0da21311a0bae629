"""A quotient by a matrix that only its diagonal reaches: I ./ M = diag(1 ./ diag(M)), and
the diagonal taken inside an elementwise function, diag(g(M)) = g(diag(M)).

tr(sqrt(XᵀX)) (sqrt of each entry) has the gradient X (I ./ sqrt(XᵀX)): evaluated as
written, the off-diagonal entries of sqrt(XᵀX) may be NaN (a negative entry) and 0 / 0
is NaN too, though only the diagonal counts.  X diag(1 ./ sqrt(diag(XᵀX))) is the same
matrix, and it is finite wherever f is."""

from __future__ import annotations

from ..expressions import expr as E
from .rule_types import on


@on(E.EDiv)
def identity_quotient(e: E.Expr):
    """I ./ M = diag(1 ./ diag(M)); I ./ (c M) = diag(1 ./ diag(M)) / c."""
    if not (isinstance(e, E.EDiv) and isinstance(e.num, E.Identity)):
        return None
    c, m = E.split_coeff(e.den)
    d = E.apply("diagv", m)
    return E.scale(1 / c, E.apply("diagm", E.ediv(E.Ones(d.shape), d)))


@on(E.Apply)
def diagonal_inside(e: E.Expr):
    """diag(g(M)) = g(diag(M)) for an elementwise g; diag(c M) = c diag(M); diag(A ./ B) =
    diag(A) ./ diag(B); diag(1 1ᵀ) = 1."""
    if not (isinstance(e, E.Apply) and e.name == "diagv"):
        return None
    m = e.arg
    if isinstance(m, E.Func) and not m.arg.is_scalar and not m.bounds:
        return E.rebuild(m, (E.apply("diagv", m.arg),) + tuple(m.children())[1:])
    if isinstance(m, E.EDiv):
        return E.ediv(E.apply("diagv", m.num), E.apply("diagv", m.den))
    if isinstance(m, E.Ones):
        return E.Ones((m.rows, "1"))
    if isinstance(m, E.Mul) and len(m.chain) == 1 and not m.chain[0].is_scalar:
        return E.mul(E.Num(m.coeff), *m.scalars, E.apply("diagv", m.chain[0]))
    return None


@on(E.Mul)
def number_out_of_diag(e: E.Expr):
    """2 X diag(1 ./ (2 v)) = X diag(1 ./ v): the number in a diagonal's denominator meets
    the product's, where they cancel (diag(1 ./ (2 v)) alone stays)."""
    if not (isinstance(e, E.Mul) and e.coeff != 1):
        return None
    for i, f in enumerate(e.chain):
        if isinstance(f, E.Apply) and f.name == "diagm" and isinstance(f.arg, E.EDiv) \
                and isinstance(f.arg.num, E.Ones):
            c, v = E.split_coeff(f.arg.den)
            k = e.coeff / c
            if c != 1 and _plainness(k) < _plainness(e.coeff):
                chain = e.chain[:i] + (E.apply("diagm", E.ediv(f.arg.num, v)),) + e.chain[i + 1:]
                return E.mul(E.Num(k), *e.scalars, *chain)
    return None


def _plainness(c) -> int:
    """How much a coefficient is to write: 1 and 2 less than 3/2."""
    return abs(c.numerator) + c.denominator


RULES = (identity_quotient, diagonal_inside, number_out_of_diag)
