"""Numerator and denominator layout (SPEC section 4), applied in one place.

The methods produce one layout-free object per problem: the gradient G (shape of
X) for a scalar f, the derivative F' (shape of F) for a scalar variable, and the
numerator vec-Jacobian J otherwise.  Denominator layout keeps G and transposes
the others; numerator layout transposes G and keeps the others.
"""

from __future__ import annotations

from ..expressions import expr as E

LAYOUTS = ("denominator", "numerator")


def arrange(raw: E.Expr, f_scalar: bool, layout: str) -> E.Expr:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    keep = (layout == "denominator") == f_scalar
    return raw if keep else E.transpose(raw)


def on_declared_set(result: E.Expr, typed) -> E.Expr:
    """The derivative evaluated where the variables are what they are declared (Xᵀ = X for
    a symmetric X): every variable of the problem was differentiated free of its
    structure (mdx.shapes.typer), and is written back as declared."""
    back = {v: typed.symbols[v.name] for v in (typed.var, *typed.variables)
            if typed.symbols[v.name] != v}
    return E.substitute(result, back) if back else result
