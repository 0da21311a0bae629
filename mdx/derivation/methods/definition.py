"""The definition (index) method: write f entry by entry, differentiate with respect
to one entry X_pq with Kronecker deltas, contract them, reassemble the matrix form
(mdx.derivation.methods.reassemble); the steps print in index notation (mdx.rendering.index_print).
"""

from __future__ import annotations

from ...expressions import expr as E
from ...expressions.dims import dim_mul
from ...errors import UnsupportedError
from ..index_form import ONE, Factor, Fresh, Term, contract, d_terms, entry, is_differential
from ...rendering.index_print import IndexExpr
from ...simplification.simplify import present
from ..steps import Step
from .reassemble import reassemble, reassemble_vec

# a gradient with more index terms than this is differentiated as a matrix for the Hessian
MAX_INDEX_TERMS = 8


def _entrywise(f: E.Expr, var: E.Sym, steps: list, fresh: Fresh, idx) -> list:
    i, j, p, q = idx
    sub = "".join(x for x in (i, j) if x != ONE)
    fij = f"f_{sub}" if sub else "f"
    vpq = var.name + ("_" + "".join(x for x in (p, q) if x != ONE) if (p, q) != (ONE, ONE) else "")
    terms = entry(f, i, j, fresh)
    steps.append(Step("write f entry by entry (index notation)", fij, IndexExpr(terms), numpy=False))
    if (p, q) == (ONE, ONE):
        rule = f"differentiate with respect to {var.name}"
    elif q == ONE:
        rule = f"differentiate with respect to one entry: ∂{var.name}_a/∂{vpq} = δ_a{p}"
    else:
        rule = f"differentiate with respect to one entry: ∂{var.name}_ab/∂{vpq} = δ_a{p} δ_b{q}"
    dterms = d_terms(terms, var, p, q, fresh)
    steps.append(Step(rule, f"∂{fij}/∂{vpq}", IndexExpr(dterms), numpy=False))
    cterms = [t for t in (contract(t) for t in dterms) if t.coeff != 0]
    steps.append(Step("contract the Kronecker deltas: Σ_k A_k δ_kq = A_q", f"∂{fij}/∂{vpq}",
                      IndexExpr(cterms), numpy=False))
    return cterms


def _back_to_matrix(terms, f, var, idx, dims, steps) -> E.Expr:
    i, j, p, q = idx
    if any(is_differential(t, var) for t in terms):
        return _via_differential(terms, f, var, idx, dims, steps)
    if f.is_scalar:
        return E.add(*(reassemble(t, p, q, dims) for t in terms)) if terms else E.zero(var.shape)
    if var.is_scalar:
        return E.add(*(reassemble(t, i, j, dims) for t in terms)) if terms else E.zero(f.shape)
    if j == ONE and q == ONE:
        return E.add(*(reassemble(t, i, p, dims) for t in terms)) if terms else \
            E.zero((f.rows, var.rows))
    if not terms:
        return E.zero((dim_mul(f.rows, f.cols), dim_mul(var.rows, var.cols)))
    try:
        return E.add(*(reassemble_vec(t, i, j, p, q, var, dims) for t in terms))
    except UnsupportedError:
        return _via_differential(terms, f, var, idx, dims, steps)


def _via_differential(terms, f, var, idx, dims, steps) -> E.Expr:
    """Back to matrix form through the differential, when the index form does not split
    (∂(B (X∘X))_ij/∂X_pq = 2 B_ip X_pj δ_jq is no Kronecker product of two halves) or holds
    a Kronecker product's differential: sum each term against dX_pq, so that only the
    indices i, j remain; reassemble dF as a matrix; identify the derivative from it."""
    from ..identify import gradient, jacobian
    from ..rules import dvar
    i, j, p, q = idx
    dx = dvar(var)
    summed = tuple(x for x in (p, q) if x != ONE)
    dterms = [t if is_differential(t, var) else
              contract(Term(t.coeff, t.factors + (Factor(dx, p, q),), t.sums + summed))
              for t in terms]
    dF = present(E.add(*(reassemble(t, i, j, dims) for t in dterms)))
    dxpq = "d" + var.name + "_" + "".join(x for x in (p, q) if x != ONE) if summed else "d" + var.name
    steps.append(Step(f"multiply by {dxpq} and sum: the entries of the differential, in matrix form",
                      "df" if f.is_scalar else "dF", dF))
    if f.is_scalar:
        return gradient(dF, dx)
    if var.is_scalar:
        return E.substitute(dF, {dx: E.ONE_SCALAR})
    J = present(jacobian(dF, dx))
    if f.cols != ONE or var.cols != ONE:
        steps.append(Step(f"vectorize: vec(AXB) = (Bᵀ ⊗ A) vec(X), so vec(dF) = J vec(d{var.name})",
                          "vec(dF)", E.mul(J, E.apply("vec", dx)), numpy=False))
    return J


def definition_derivative(f: E.Expr, var: E.Sym, steps: list) -> tuple:
    """(raw derivative, f_scalar): gradient, F' or numerator Jacobian (mdx.derivation.layout)."""
    stripped = isinstance(f, E.Apply) and f.name == "vec" and not var.is_scalar
    if stripped:
        steps.append(Step("vec(F) stacks the entries of F: its Jacobian is the vec-form Jacobian of F",
                          "F", f.arg, numpy=False))
        f = f.arg
    idx = tuple(n if d != ONE else ONE for n, d in
                zip("ijpq", (f.rows, f.cols, var.rows, var.cols)))
    fresh = Fresh({n: d for n, d in zip("ijpq", (f.rows, f.cols, var.rows, var.cols))})
    terms = _entrywise(f, var, steps, fresh, idx)
    first = len(steps)
    raw = present(_back_to_matrix(terms, f, var, idx, fresh.dims, steps))
    if stripped:                # dF of the matrix F is not d vec(F): no value to check
        for st in steps[first:]:
            st.numpy = False
    return raw, f.is_scalar


def _hessian_via_differential(grad, f, var, idx, dims, steps) -> E.Expr:
    """A gradient that holds a Kronecker product's differential: take the matrix gradient,
    then its differential, and identify the Hessian from it."""
    from ..identify import jacobian
    from ..rules import differentiate, dvar
    G = present(_back_to_matrix(grad, f, var, idx, dims, steps))
    steps.append(Step("the gradient", "∇f", G))
    dG = present(differentiate(G if var.cols == ONE else E.apply("vec", G), var))
    steps.append(Step("differentiate the gradient", "d∇f", dG))
    dx = dvar(var)
    if var.is_scalar:
        return present(E.substitute(dG, {dx: E.ONE_SCALAR}))
    return present(jacobian(dG, dx))


def definition_hessian(f: E.Expr, var: E.Sym, steps: list) -> E.Expr:
    """∂²f/∂x_p∂x_r entry by entry, then the matrix (over vec(X) for a matrix)."""
    fresh = Fresh({"p": var.rows, "q": var.cols, "r": var.rows, "s": var.cols})
    p, q = ("p" if var.rows != ONE else ONE), ("q" if var.cols != ONE else ONE)
    r, s = ("r" if var.rows != ONE else ONE), ("s" if var.cols != ONE else ONE)
    grad = _entrywise(f, var, steps, fresh, (ONE, ONE, p, q))
    if len(grad) > MAX_INDEX_TERMS:
        steps.append(Step(f"the gradient has {len(grad)} index terms, and a second pass entry by "
                          "entry would multiply them: differentiate the matrix gradient instead",
                          "f", f, numpy=False))
    if len(grad) > MAX_INDEX_TERMS or any(is_differential(t, var) for t in grad):
        return _hessian_via_differential(grad, f, var, (ONE, ONE, p, q), fresh.dims, steps)
    second = [t for t in (contract(t) for t in d_terms(grad, var, r, s, fresh)) if t.coeff != 0]
    steps.append(Step("differentiate the gradient entry by entry, contract the deltas",
                      f"∂²f/∂{var.name}_{p}{q}∂{var.name}_{r}{s}".replace(ONE, ""),
                      IndexExpr(second), numpy=False))
    if not second:
        size = dim_mul(var.rows, var.cols)
        return E.zero((size, size))
    try:
        if var.is_scalar:
            return present(E.add(*(reassemble(t, ONE, ONE, fresh.dims) for t in second)))
        if var.cols == ONE:
            return present(E.add(*(reassemble(t, p, r, fresh.dims) for t in second)))
        return present(E.add(*(reassemble_vec(t, p, q, r, s, var, fresh.dims) for t in second)))
    except UnsupportedError:        # no two-halves form: through the differential of ∇f
        return _hessian_by_rows(second, var, (p, q, r, s), fresh.dims, steps)


def _hessian_by_rows(second, var, idx, dims, steps) -> E.Expr:
    """Σ_rs ∂²f/∂X_pq∂X_rs dX_rs is the (p, q) entry of d∇f: reassemble that matrix,
    then identify the Hessian from vec(d∇f) = H vec(dX)."""
    from ..identify import jacobian
    from ..rules import dvar
    p, q, r, s = idx
    dx = dvar(var)
    summed = tuple(x for x in (r, s) if x != ONE)
    dterms = [contract(Term(t.coeff, t.factors + (Factor(dx, r, s),), t.sums + summed))
              for t in second]
    dG = present(E.add(*(reassemble(t, p, q, dims) for t in dterms)))
    steps.append(Step(f"multiply by d{var.name}_{r}{s} and sum: the differential of the gradient",
                      "d∇f", dG))
    return present(jacobian(dG if var.cols == ONE else E.apply("vec", dG), dx))
