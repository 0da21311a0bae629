"""The differential method: take d of both sides, apply one rule per level, use the
trace trick, and identify the derivative (Magnus–Neudecker)."""

from __future__ import annotations

from ...expressions import expr as E
from ..identify import gradient, jacobian
from ..rules import differentiate, dvar, expand_once, has_unevaluated, inner, resolve, rule_names
from ...simplification.simplify import present, simplify, symmetrised
from ..steps import Step, recording

# The second differential of a deep network has three levels of rules per layer, and each
# level's step prints every term so far: past this many levels the rest is one step.
SECOND_LEVELS = 8


def expand_steps(start: E.Expr, var: E.Sym, lhs: str, steps: list, levels: int | None = None) -> E.Expr:
    """Record `lhs = d(...)` and one step per level of rules (after `levels` of them, the
    remaining levels as one step); returns the simplified result."""
    expr = start
    if not recording(steps):                # no steps to show: every level in one pass
        return simplify(resolve(expr, var))
    steps.append(Step("take the differential of both sides", lhs, expr))
    done = 0
    while has_unevaluated(expr):            # one level per pass; parse() bounds the depth
        if levels is not None and done == levels:
            names = rule_names(expr, var)
            expr = resolve(expr, var)
            steps.append(Step("every remaining level at once: " + "; ".join(names), lhs, expr))
            break
        expr, names = expand_once(expr, var)
        done += 1
        steps.append(Step("; ".join(names), lhs, expr))
    simple = simplify(expr)
    if simple != expr:
        steps.append(Step("simplify: collect like terms and factor", lhs, simple))
    return simple


def first_differential(f: E.Expr, var: E.Sym, steps: list) -> E.Expr:
    return expand_steps(E.D(f, var), var, "df", steps)


def identify_scalar(df: E.Expr, var: E.Sym, steps: list) -> E.Expr:
    """df = <G, dX>: returns the gradient G (the shape of X)."""
    dx = dvar(var)
    G = present(gradient(df, dx))
    if var.is_scalar:
        rule = f"identification: df = f′ d{var.name}"
    elif var.cols == "1":
        rule = f"identification: df = gᵀ d{var.name} gives the gradient g"
    else:
        rule = f"trace trick (cyclic property of the trace): df = tr(Gᵀ d{var.name}), G is the gradient"
    steps.append(Step(rule, "df", inner(G, dx)))
    return G


def identify_jacobian(df: E.Expr, var: E.Sym, f: E.Expr, steps: list) -> E.Expr:
    """vec(dF) = J vec(dX): returns J (numerator layout), or F' for a scalar variable."""
    dx = dvar(var)
    J = present(jacobian(df, dx))
    if var.is_scalar:
        deriv = present(E.substitute(df, {dx: E.ONE_SCALAR}))
        steps.append(Step(f"identification: dF = F′ d{var.name}", "dF", E.mul(deriv, dx)))
        return deriv
    if f.cols == "1" and var.cols == "1":
        steps.append(Step(f"identification: df = J d{var.name} (the Jacobian J)", "df", E.mul(J, dx)))
        return J
    vec_dx = E.apply("vec", dx)
    value = lambda p: f"({p.doprint(E.mul(J, vec_dx))}).reshape({p.shape(f.shape)}, order=\"F\")"  # noqa: E731
    steps.append(Step(f"vectorize: vec(AXB) = (Bᵀ ⊗ A) vec(X), so vec(dF) = J vec(d{var.name})",
                      "vec(dF)", E.mul(J, vec_dx), equals="differential", numpy_text=value))
    return J


def second_derivative(f: E.Expr, var: E.Sym, steps: list) -> E.Expr:
    """The Hessian ∂²f/∂x∂xᵀ (over vec(X)) from the differential of the gradient."""
    df = first_differential(f, var, steps)
    g = identify_scalar(df, var, steps)
    steps.append(Step("the gradient", "∇f", g, numpy=True))
    dx = dvar(var)
    dg = expand_steps(E.D(g, var), var, "d∇f", steps, SECOND_LEVELS)
    if var.is_scalar:
        H = present(E.substitute(dg, {dx: E.ONE_SCALAR}))
    else:
        H = symmetrised(present(jacobian(dg, dx)))
    steps.append(Step(f"second differential: d²f = d{var.name}ᵀ H d{var.name}, H symmetric",
                      "d²f", _quadratic(H, dx), numpy=False))
    return H


def _quadratic(H, dx):
    v = E.apply("vec", dx)
    return E.mul(E.transpose(v), H, v)


__all__ = ["first_differential", "identify_scalar", "identify_jacobian", "second_derivative",
           "differentiate"]
