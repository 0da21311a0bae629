"""unvec(v), the matrix of a given shape whose column-major vec is v, read off v's structure:
vec is linear and commutes with elementwise operations, and a Kronecker, commutation or
diag(vec W) factor in front of a vec form comes back by the identities of
mdx.simplification.vecrules ((P ⊗ Q) vec M = vec(Q M Pᵀ), ...)."""

from __future__ import annotations

from fractions import Fraction

from ..expressions import expr as E
from ..expressions.dims import ONE, dim_mul
from ..expressions.text import printed_length
from ..language.functions import PER_COLUMN


def _as_matrix(v: E.Expr, rows: str, cols: str):
    """M with vec(M) = v and M of size rows × cols, when that is visible; else None."""
    if isinstance(v, E.Apply) and v.name == "vec" and v.arg.shape == (rows, cols):
        return v.arg
    if isinstance(v, (E.Ones, E.Zero)) and v.shape == (dim_mul(rows, cols), ONE):
        return type(v)((rows, cols))
    if v.cols == ONE and cols == ONE and v.rows == rows:
        return v
    if v.cols == ONE and rows == ONE and v.rows == cols:
        return E.transpose(v)
    return None


def _row_as_matrix(r: E.Expr, rows: str, cols: str):
    """M with vec(M)ᵀ = r."""
    if r.rows != ONE:
        return None
    return _as_matrix(E.transpose(r), rows, cols)


def _diag_of_vec(f: E.Expr) -> bool:
    return isinstance(f, E.Apply) and f.name == "diagm" and isinstance(f.arg, E.Apply) \
        and f.arg.name == "vec"


def unvec(v: E.Expr, shape) -> E.Expr | None:
    """M of the given shape with vec(M) = v, read off the structure, or None.

    vec is linear and commutes with every elementwise operation, so a sum, a scalar
    multiple, a Hadamard product, a quotient or an elementwise function of vec forms
    comes back term by term; a Kronecker, commutation or diag(vec W) factor in front of
    a vec form comes back by the identities above ((P ⊗ Q) vec M = vec(Q M Pᵀ), ...).
    """
    if isinstance(v, E.T) and isinstance(v.arg, E.Add):
        v = E.add(*(E.transpose(t) for t in v.arg.terms))
    if isinstance(v, E.Add):
        return _unvec_all(v.terms, shape, E.add)
    if isinstance(v, E.Had):
        return _unvec_all(v.factors, shape, E.hadamard)
    if isinstance(v, E.EDiv):
        return _unvec_all((v.num, v.den), shape, E.ediv)
    if isinstance(v, E.Func) and v.name in PER_COLUMN:
        return None                     # of each column: f(vec X) is not vec(f(X))
    if isinstance(v, (E.Func, E.EPow)) and not v.is_scalar:
        inner = unvec(v.children()[0], shape)
        return None if inner is None else E.rebuild(v, (inner, *v.children()[1:]))
    if isinstance(v, E.Num):
        return None
    coeff, scalars, chain = Fraction(1), (), (v,)
    if isinstance(v, E.Mul):
        coeff, scalars, chain = v.coeff, v.scalars, v.chain
    if not chain:
        return None
    body = chain[0] if len(chain) == 1 else None
    if body is None:
        M = _unvec_product(chain, shape)
    elif isinstance(body, (E.Add, E.Had, E.EDiv, E.Func, E.EPow)) or (
            isinstance(body, E.T) and isinstance(body.arg, E.Add)):
        M = unvec(body, shape) if body is not v else None
    elif E.is_zero(body):
        M = E.zero(shape)
    elif isinstance(body, E.Kron) and body.a.cols == ONE and body.b.cols == ONE \
            and (body.b.rows, body.a.rows) == shape:          # b ⊗ a = vec(a bᵀ)
        M = E.mul(body.b, E.transpose(body.a))
    else:
        M = _as_matrix(body, shape[0], shape[1])
    return None if M is None else E.mul(E.Num(coeff), *scalars, M)


def unvec_partial(v: E.Expr, shape) -> E.Expr:
    """unvec(v) read off v's structure where it shows, the node unvec(·) around what does not:
    a sum term by term, and the column a Kronecker factor acts on ((P ⊗ Q) h = vec(Q unvec(h)
    Pᵀ)), so that unvec((I ⊗ Xᵀ) h) is Xᵀ unvec(h), as the other methods find it."""
    M = unvec(v, shape)
    if M is not None:
        return M
    whole = E.unvec(v, shape)
    if isinstance(v, E.Add):
        split = E.add(*(unvec_partial(t, shape) for t in v.terms))
        return min((whole, split), key=printed_length)
    coeff, scalars, chain = E.parts(v)
    first, rest = (chain[0], E.mul(*chain[1:])) if len(chain) > 1 else (None, None)
    if isinstance(first, E.Kron) and rest.cols == ONE and (first.b.rows, first.a.rows) == shape:
        P, Q = first.a, first.b
        inner = unvec_partial(rest, (Q.cols, P.cols))
        return E.mul(E.Num(coeff), *scalars, Q, inner, E.transpose(P))
    return whole


def _unvec_all(parts, shape, combine):
    got = [unvec(p, shape) for p in parts]
    return None if any(g is None for g in got) else combine(*got)


def _unvec_product(chain, shape):
    """unvec of F h, with F a Kronecker, commutation or diag(vec W) factor and h a column."""
    first, rest = chain[0], E.mul(*chain[1:])
    if rest.cols != ONE:
        return None
    r, c = shape
    if isinstance(first, E.Add):                   # (F1 + F2) h = F1 h + F2 h
        return _unvec_all([E.mul(t, rest) for t in first.terms], shape, E.add)
    if isinstance(first, E.Kron):                  # (P ⊗ Q) vec M = vec(Q M Pᵀ)
        P, Q = first.a, first.b
        if (Q.rows, P.rows) != (r, c):
            return None
        M = unvec(rest, (Q.cols, P.cols))
        return None if M is None else E.mul(Q, M, E.transpose(P))
    if isinstance(first, E.Commutation) and (first.s, first.r) == (r, c):   # K vec M = vec Mᵀ
        M = unvec(rest, (c, r))
        return None if M is None else E.transpose(M)
    if _diag_of_vec(first) and first.arg.arg.shape == (r, c):               # diag(vec W) vec M
        M = unvec(rest, shape)
        return None if M is None else E.hadamard(first.arg.arg, M)
    return None
