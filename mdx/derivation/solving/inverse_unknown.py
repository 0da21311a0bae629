"""A gradient affine in the inverse of the variable: `C - S⁻¹` (from `-log det S + tr(S C)`)
is solved for the unknown V = S⁻¹ like any affine gradient, then S = V⁻¹, with the
condition that V be invertible.  S⁻ᵀ is Vᵀ.  A gradient that holds S both directly and
through S⁻¹ is affine in neither, and is refused as such."""

from __future__ import annotations

from ...expressions import expr as E
from .affine import expand_terms, is_var, not_affine
from .closed_form import ClosedForm, is_nonzero, nonzero, solve_for
from ...errors import UnsupportedError
from ..steps import Step

_KNOWN_INVERTIBLE = frozenset({"spd", "invertible", "orthogonal"})


def inverse_uses(G: E.Expr, var: E.Sym) -> tuple:
    """(the inverses S⁻¹, S⁻ᵀ that G holds, how often it holds S otherwise)."""
    inverses, direct = set(), 0

    def walk(e):
        nonlocal direct
        if _inverse_of_var(e, var):
            inverses.add(e)
        elif is_var(e, var):
            direct += 1
        else:
            for k in e.children():
                walk(k)
    walk(E.add(*expand_terms(G, var)))
    return inverses, direct


def _inverse_of_var(e: E.Expr, var: E.Sym) -> bool:
    """e is S⁻¹ or S⁻ᵀ (the inverse of Sᵀ)."""
    if not (isinstance(e, E.Pow) and e.k == -1):
        return False
    return is_var(e.base, var) or isinstance(e.base, E.T) and is_var(e.base.arg, var)


def solve_through_inverse(G: E.Expr, var: E.Sym, inverses: set, direct: int, text: str,
                          der) -> ClosedForm:
    """S with G = 0, G affine in V = S⁻¹ and free of S otherwise."""
    label = f"{var.name}⁻¹"
    if direct:
        raise not_affine(text, der, f"it holds {var.name} both directly and through its inverse "
                         f"{label}, so it is affine in neither, and setting it to zero gives a "
                         f"nonlinear equation in {var.name}", label=var.name)
    V = E.Sym(_fresh(var, der.symbols), var.shape, var.kind, var.props)
    H = E.substitute(G, {p: V if is_var(p.base, var) else E.transpose(V) for p in inverses})
    shown = {V: E.power(var, -1)}
    inner = solve_for(H, V, label, text, der, shown)
    out = ClosedForm(E.zero(var.shape), list(inner.conditions),
                     [_shown(st, shown) for st in inner.steps])
    if E.is_zero(inner.result):
        raise UnsupportedError(f"setting the gradient to zero gives {label} = 0, which no "
                               f"{var.name} satisfies: there is no stationary point", 1)
    out.result, conditions = inverse_of(inner.result)
    out.conditions += [c for c in conditions if c not in out.conditions]
    out.steps.append(Step("invert both sides" + (" (see the condition)" if conditions else ""),
                          var.name, out.result))
    return out


def _fresh(var: E.Sym, symbols: dict) -> str:
    """A name for S⁻¹ that no symbol of the problem has (it is never printed)."""
    name = var.name + "_inv"
    while name in symbols:
        name += "_"
    return name


def _shown(st: Step, shown: dict) -> Step:
    """The step with V written back as S⁻¹."""
    from ...expressions.text import to_text
    lhs_expr = E.substitute(st.lhs_expr, shown) if st.lhs_expr is not None else None
    lhs = to_text(lhs_expr) if lhs_expr is not None else st.lhs
    return Step(st.rule, lhs, E.substitute(st.expr, shown), st.equals, st.numpy, st.numpy_text,
                lhs_expr)


def inverse_of(R: E.Expr) -> tuple:
    """(R⁻¹, the conditions for it): (s A B)⁻¹ = B⁻¹ A⁻¹ / s for square factors, each of
    which must be invertible (a transpose when its matrix is; an inverse always)."""
    from ...expressions.latex import to_latex
    from ...expressions.text import to_text
    from ...simplification.simplify import present
    c, scalars, chain = E.parts(R)
    if not all(f.rows == f.cols for f in chain):
        chain = [E.mul(*chain)]
    out = present(E.mul(E.Num(1 / c), *(E.power(s, -1) for s in scalars),
                        *(E.power(f, -1) for f in reversed(chain))))
    conditions = [nonzero(s) for s in scalars if not is_nonzero(s)]
    for f in chain:
        base = f.arg if isinstance(f, E.T) else f
        if not (_an_inverse(base) or isinstance(base, E.Sym) and base.props & _KNOWN_INVERTIBLE):
            shown = present(base)
            conditions.append((f"{to_text(shown)} invertible",
                               rf"{to_latex(shown)} \text{{ invertible}}"))
    return out, conditions


def _an_inverse(e: E.Expr) -> bool:
    """I, or a negative power: invertible wherever it exists (which its own condition says)."""
    return isinstance(e, E.Identity) or isinstance(e, E.Pow) and e.k < 0
