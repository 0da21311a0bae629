"""Identification: from a differential linear in dX to the derivative.

* scalar f:  df = <G, dX> = tr(G^T dX)  gives the gradient G (shape of X), found
  by moving every factor off dX (the trace trick, run as an adjoint sweep);
* vector or matrix f:  vec(dF) = J vec(dX)  gives the Jacobian J (numerator layout),
  through vec(A M B) = (B^T ⊗ A) vec(M);
* a scalar variable: df = F' dθ, so F' is df with dθ = 1.
"""

from __future__ import annotations


from ..expressions import expr as E
from ..expressions.dims import ONE, dim_mul
from ..errors import UnsupportedError
from .rules import inner


def _t(e: E.Expr) -> E.Expr:
    """Transpose, distributed over a sum: gradients read better as sums of terms."""
    if isinstance(e, E.Add):
        return E.add(*(_t(t) for t in e.terms))
    return E.transpose(e)


def _dep(e: E.Expr, dx: E.Sym) -> bool:
    return dx.name in e.free


def _split_mul(m: E.Mul, dx: E.Sym):
    """(linear factor, index, in_scalars) of a product linear in dX."""
    hits = [(f, i, True) for i, f in enumerate(m.scalars) if _dep(f, dx)]
    hits += [(f, i, False) for i, f in enumerate(m.chain) if _dep(f, dx)]
    if len(hits) != 1:
        raise UnsupportedError("the differential is not linear in " + dx.name)
    return hits[0]


def gradient(df: E.Expr, dx: E.Sym) -> E.Expr:
    """G with df = <G, dX> for a scalar df linear in dX."""
    if dx.is_scalar:
        return E.substitute(df, {dx: E.ONE_SCALAR})
    return E.add(*_adjoint(df, E.ONE_SCALAR, dx)) if _dep(df, dx) else E.zero(dx.shape)


def _adjoint(L: E.Expr, G: E.Expr, dx: E.Sym) -> list:
    """Contributions to the gradient of <G, L> with respect to dX."""
    if L == dx:
        return [G]
    if not _dep(L, dx):
        return []
    if isinstance(L, E.Add):
        return [c for t in L.terms for c in _adjoint(t, G, dx)]
    if isinstance(L, E.Mul):
        f, i, in_scalars = _split_mul(L, dx)
        if in_scalars:
            others = L.scalars[:i] + L.scalars[i + 1:]
            rest = E.mul(E.Num(L.coeff), *others)
            body = E.mul(*L.chain) if L.chain else E.ONE_SCALAR
            return _adjoint(f, E.mul(rest, inner(G, body)), dx)
        rest = E.mul(E.Num(L.coeff), *L.scalars)
        left = E.mul(*L.chain[:i]) if i else E.ONE_SCALAR
        right = E.mul(*L.chain[i + 1:]) if i + 1 < len(L.chain) else E.ONE_SCALAR
        seed = E.mul(rest, _t(left), G, _t(right))
        return _adjoint(f, seed, dx)
    if isinstance(L, E.T):
        return _adjoint(L.arg, _t(G), dx)
    if isinstance(L, E.Had):
        lin = [g for g in L.factors if _dep(g, dx)]
        others = [g for g in L.factors if not _dep(g, dx)]
        return _adjoint(lin[0], E.hadamard(G, *others), dx)
    if isinstance(L, E.EDiv) and not _dep(L.den, dx):
        return _adjoint(L.num, E.ediv(G, L.den), dx)
    if isinstance(L, E.Apply):
        a = L.arg
        if L.name == "tr":
            return _adjoint(a, E.mul(G, E.identity(a.rows)), dx)
        if L.name == "sum":
            return _adjoint(a, E.mul(G, E.ones(a.shape)), dx)
        if L.name == "mean":                    # mean(M) = sum(M) / (rows · cols)
            return _adjoint(a, E.mul(G, E.power(E.entry_count(a.shape), -1), E.ones(a.shape)), dx)
        if L.name == "diagm":
            return _adjoint(a, E.apply("diagv", G), dx)
        if L.name == "diagv":
            return _adjoint(a, E.apply("diagm", G), dx)
        if L.name == "vec":                     # <G, vec(L)> = <unvec(G), L>
            return _adjoint(a, unvec_any(G, a.shape), dx)
    if isinstance(L, E.Unvec):                  # <G, unvec(u)> = <vec(G), u>
        return _adjoint(L.arg, E.apply("vec", G), dx)
    if isinstance(L, E.Kron):
        return _kron_adjoint(L, G, dx)
    raise UnsupportedError(f"cannot identify a derivative through {L!r}")


def unvec_any(g: E.Expr, shape) -> E.Expr:
    """M of `shape` with vec(M) = g: read off g's structure, unvec(·) where it shows none."""
    from ..simplification.unvec import unvec_partial
    return unvec_partial(g, shape)


def _kron_adjoint(L: E.Kron, G: E.Expr, dx: E.Sym) -> list:
    """<G, dA ⊗ B> = <G_A, dA> with G_A[a,c] = Σ_bd G[(a,b),(c,d)] B[b,d]: weight G's blocks
    entrywise by B, then sum within each block (and likewise for dB)."""
    A, B = L.a, L.b
    (p, q), (m, n) = A.shape, B.shape
    out = []
    if _dep(A, dx):
        GA = E.mul(E.kron(E.identity(p), E.transpose(E.ones((m, ONE)))),
                   E.hadamard(G, E.kron(E.ones((p, q)), B)),
                   E.kron(E.identity(q), E.ones((n, ONE))))
        out += _adjoint(A, GA, dx)
    if _dep(B, dx):
        GB = E.mul(E.kron(E.transpose(E.ones((p, ONE))), E.identity(m)),
                   E.hadamard(G, E.kron(A, E.ones((m, n)))),
                   E.kron(E.ones((q, ONE)), E.identity(n)))
        out += _adjoint(B, GB, dx)
    return out


def vec(e: E.Expr) -> E.Expr:
    return E.apply("vec", e)


def jacobian(dF: E.Expr, dx: E.Sym) -> E.Expr:
    """J with vec(dF) = J vec(dX) (numerator layout, the Magnus–Neudecker form)."""
    size = dim_mul(dx.rows, dx.cols)
    if dx.is_scalar:
        return vec(E.substitute(dF, {dx: E.ONE_SCALAR}))
    return _jac(dF, dx, size)


def _jac(L: E.Expr, dx: E.Sym, size: str) -> E.Expr:
    rows = dim_mul(L.rows, L.cols)
    if L == dx:
        return E.identity(size)
    if not _dep(L, dx):
        return E.zero((rows, size))
    if L.is_scalar:
        return E.transpose(vec(gradient(L, dx)))
    if isinstance(L, E.Add):
        return E.add(*(_jac(t, dx, size) for t in L.terms))
    if isinstance(L, E.Mul):
        f, i, in_scalars = _split_mul(L, dx)
        if in_scalars:
            others = L.scalars[:i] + L.scalars[i + 1:]
            rest = E.mul(E.Num(L.coeff), *others, *L.chain)
            return E.mul(vec(rest), _jac(f, dx, size))
        rest = E.mul(E.Num(L.coeff), *L.scalars)
        left = E.mul(*L.chain[:i]) if i else None
        right = E.mul(*L.chain[i + 1:]) if i + 1 < len(L.chain) else None
        inner_j = _jac(f, dx, size)
        if right is None and f.cols == ONE:          # A m: a vector, no Kronecker needed
            return E.mul(rest, left if left is not None else E.ONE_SCALAR, inner_j)
        a = left if left is not None else E.identity(f.rows)
        b = right if right is not None else E.identity(f.cols)
        return E.mul(rest, E.kron(E.transpose(b), a), inner_j)
    if isinstance(L, E.T):
        inner_j = _jac(L.arg, dx, size)
        if L.arg.cols == ONE or L.arg.rows == ONE:
            return inner_j
        return E.mul(E.Commutation(L.arg.rows, L.arg.cols), inner_j)
    if isinstance(L, E.Had):
        lin = [g for g in L.factors if _dep(g, dx)]
        others = [g for g in L.factors if not _dep(g, dx)]
        weight = E.hadamard(*others) if others else E.ones(L.shape)
        return E.mul(E.apply("diagm", vec(weight)), _jac(lin[0], dx, size))
    if isinstance(L, E.EDiv) and not _dep(L.den, dx):
        weight = E.ediv(E.ONE_SCALAR, L.den)
        return E.mul(E.apply("diagm", vec(weight)), _jac(L.num, dx, size))
    if isinstance(L, E.Apply) and L.name == "vec":
        return _jac(L.arg, dx, size)
    if isinstance(L, E.Unvec):                              # vec(unvec(u)) = u
        return _jac(L.arg, dx, size)
    if isinstance(L, E.Kron):
        return _jac_kron(L, dx, size)
    if isinstance(L, E.Apply) and L.name == "diagm":        # vec(diag(v)) = E v
        return E.mul(E.DiagSelector(L.arg.rows), _jac(L.arg, dx, size))
    if isinstance(L, E.Apply) and L.name == "diagv":        # diag(M) = Eᵀ vec(M)
        return E.mul(E.transpose(E.DiagSelector(L.arg.rows)), _jac(L.arg, dx, size))
    raise UnsupportedError(f"cannot identify a Jacobian through {L!r}")


def _jac_kron(L: E.Kron, dx: E.Sym, size: str) -> E.Expr:
    """vec(A ⊗ B) = (I_n ⊗ K_{q,m} ⊗ I_p)(vec A ⊗ vec B) for A m×n, B p×q."""
    A, B = L.a, L.b
    m, n, p, q = A.rows, A.cols, B.rows, B.cols
    perm = E.kron(E.kron(E.identity(n), E.commutation(q, m)), E.identity(p))
    if _dep(B, dx) and not _dep(A, dx):
        return E.mul(perm, E.kron(vec(A), E.identity(dim_mul(p, q))), _jac(B, dx, size))
    if _dep(A, dx) and not _dep(B, dx):
        return E.mul(perm, E.kron(E.identity(dim_mul(m, n)), vec(B)), _jac(A, dx, size))
    raise UnsupportedError("the differential is not linear in " + dx.name)


__all__ = ["gradient", "jacobian"]
