"""Setting an affine gradient to zero and solving it, with steps: expand, collect the terms
in the unknown (mdx.derivation.solving.linear_forms), move the rest to the right, cancel a common number and a
common inverse, invert the coefficient.  Every inverse comes with its condition, as text
and as LaTeX; a gradient that is not affine is refused with the reason mdx.derivation.solving.affine finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd

from ...expressions import expr as E
from .affine import (count_uses, expanded_terms, nonlinear_holder, not_affine, term_refusal, terms,
                     transposed)
from ...errors import UnsupportedError
from .linear_forms import Collected, collect
from ..steps import Step


@dataclass
class ClosedForm:
    """unknown = result, provided every condition (text, LaTeX) holds."""
    result: E.Expr
    conditions: list = field(default_factory=list)
    steps: list = field(default_factory=list)


def solve_for(G: E.Expr, var: E.Sym, label: str, text: str, der, shown=None) -> ClosedForm:
    """The unknown `var` (printed `label`, and written back as `shown[var]` in a refusal)
    with G = 0, G affine in it."""
    from ...simplification.simplify import present
    parts = expanded_terms(G, var)
    expanded = E.add(*parts)
    if var.name not in expanded.free:
        raise independent(expanded, label)
    linear, constant = [], []
    for t in parts:
        if var.name not in t.free:
            constant.append(t)
        elif nonlinear_holder(t, var) is not None or count_uses(t, var) > 1:
            raise not_affine(text, der, *term_refusal(t, var, label, shown), label=label)
        else:
            linear.append(t)
    out = ClosedForm(E.zero(var.shape))
    out.steps.append(Step("set it to zero and expand the products", "0", expanded))
    rhs = present(E.neg(E.add(*constant))) if constant else E.zero(var.shape)
    eq = collect(linear, var, label)
    eq.M = present(eq.M)
    if eq.transposed:
        rhs = present(E.transpose(rhs))
    if eq.side == "both":
        return _both_sides(eq, rhs, var, label, out)
    out.steps.append(_equation(_collected(label, eq, "terms") + " and move the rest to the right",
                               eq.lhs(var), rhs))
    M, rhs, note, out.conditions = _cancel(eq.M, rhs, eq.side)
    eq = Collected(eq.side, M)
    if note:
        out.steps.append(_equation(note, eq.lhs(var), rhs))
    out.result, conditions = _invert(M, rhs, eq.side)
    out.conditions += [c for c in conditions if c not in out.conditions]
    if out.result != rhs:
        out.steps.append(Step(f"invert the coefficient of {label} (see the condition)"
                              if conditions else f"divide by the coefficient of {label}",
                              label, out.result, lhs_expr=var if label != var.name else None))
    return out


def _collected(label: str, eq: Collected, what: str) -> str:
    if eq.transposed:
        return f"collect the {what} in {transposed(label)}, transpose both sides"
    return f"collect the {what} in {label}"


def independent(G: E.Expr, label: str) -> UnsupportedError:
    """The refusal for a gradient in which the unknown does not occur."""
    from ...expressions.text import to_text
    if E.is_zero(G):
        return UnsupportedError(f"the gradient is zero whatever {label} is: every {label} is a "
                                "stationary point, so there is none to solve for", 1)
    return UnsupportedError(f"the gradient, {to_text(G)}, does not depend on {label}: it is zero "
                            f"for every {label} when it is zero, and for none otherwise, so there "
                            "is no point to solve for", 1)


def _both_sides(eq: Collected, rhs, var, label, out: ClosedForm) -> ClosedForm:
    """A U B = C: U = A⁻¹ C B⁻¹."""
    from ...expressions.latex import to_latex
    from ...expressions.text import to_text
    from ...simplification.simplify import present
    c, scalars, chain = E.parts(eq.M)   # 2 λ AᵀA U BBᵀ = 2 λ AᵀC Bᵀ: divide by 2 λ first
    L = E.mul(*chain)
    rule = _collected(label, eq, "term") + ", move the rest to the right"
    if c != 1 or scalars:
        rhs = present(E.mul(E.Num(1 / c), *(E.power(s, -1) for s in scalars), rhs))
        rule += f" and divide both sides by {to_text(E.mul(E.Num(c), *scalars))}"
    out.steps.append(_equation(rule, E.mul(L, var, eq.R), rhs))
    out.result = present(E.mul(E.power(L, -1), rhs, E.power(eq.R, -1)))
    L, R = present(L), present(eq.R)
    out.conditions = [nonzero(s) for s in scalars if not is_nonzero(s)] + [
        (f"{to_text(L)} and {to_text(R)} invertible",
         rf"{to_latex(L)} \text{{ and }} {to_latex(R)} \text{{ invertible}}")]
    out.steps.append(Step("multiply by the inverses from both sides (see the condition)", label,
                          out.result, lhs_expr=var if label != var.name else None))
    return out


def _equation(rule: str, lhs: E.Expr, rhs: E.Expr) -> Step:
    from ...expressions.text import to_text
    return Step(rule, to_text(lhs), rhs, numpy=False, lhs_expr=lhs)


# ------------------------------------------------------------------ cancel
def _cancel(M, rhs, side):
    """Divide out a common number, common scalar factors (on the condition that they are not
    0) and a common invertible factor on the side of w: (M, rhs, the step's rule, conditions)."""
    from ...expressions.text import to_text
    from ...simplification.simplify import present
    notes = []
    coeffs = [E.split_coeff(t)[0] for t in terms(M) + terms(rhs) if not E.is_zero(t)]
    common = _common_fraction(coeffs)
    if common not in (0, 1):
        M, rhs = present(E.scale(1 / common, M)), present(E.scale(1 / common, rhs))
    else:
        common = Fraction(1)
    scalars = _common_scalars(terms(M) + terms(rhs))
    if scalars:
        M, rhs = (present(_without(e, scalars)) for e in (M, rhs))
    divide = [s for s in scalars if not (isinstance(s, E.Pow) and s.k < 0)]
    times = [E.power(s.base, -s.k) for s in scalars if s not in divide]      # 1/n: multiply by n
    conditions = [nonzero(s) for s in divide if not is_nonzero(s)]
    if common != 1 or divide:
        by = _fraction_text(common) if not divide else to_text(E.mul(E.Num(common), *divide))
        notes.append(f"divide both sides by {by}" + (" (see the condition)" if conditions else ""))
    if times:
        notes.append(f"multiply both sides by {to_text(E.mul(*times))}")
    factor = _common_factor(terms(M) + terms(rhs), side)
    if factor is not None:
        M, rhs = (present(_strip(t, side)) for t in (M, rhs))
        notes.append(f"cancel the common factor {to_text(factor)} "
                     "(invertible, since it is an inverse)")
    return M, rhs, "; ".join(notes), conditions


def _common_scalars(parts) -> list:
    """The scalar factors (λ, 1/n) that every nonzero term holds."""
    held = [E.parts(t)[1] for t in parts if not E.is_zero(t)]
    return [s for s in held[0] if all(s in h for h in held[1:])] if held else []


def _without(e, scalars):
    out = []
    for t in terms(e):
        c, held, chain = E.parts(t)
        out.append(E.mul(E.Num(c), *(s for s in held if s not in scalars), *chain))
    return E.add(*out)


def _fraction_text(c: Fraction) -> str:
    return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"


def _common_fraction(coeffs) -> Fraction:
    if not coeffs:
        return Fraction(1)
    num = 0
    den = 0
    for c in coeffs:
        num = gcd(num, abs(c.numerator))
        den = gcd(den, c.denominator)
    sign = -1 if all(c < 0 for c in coeffs) else 1
    return Fraction(sign * num, den or 1)


def _common_factor(parts, side):
    """An inverse A⁻¹ that every term starts (side "left") or ends with, else None."""
    first = None
    for t in parts:
        chain = E.parts(t)[2]
        if not chain:
            return None
        f = chain[0] if side == "left" else chain[-1]
        if not (isinstance(f, E.Pow) and f.k == -1):
            return None
        if first is None:
            first = f
        elif f != first:
            return None
    return first


def _strip(e, side):
    out = []
    for t in terms(e):
        c, scalars, chain = E.parts(t)
        chain = chain[1:] if side == "left" else chain[:-1]
        out.append(E.mul(E.Num(c), *scalars, *chain))
    return E.add(*out)


# ------------------------------------------------------------------ invert
def _invert(M, rhs, side):
    """(the solution, its conditions as (text, LaTeX) pairs)."""
    from ...expressions.latex import to_latex
    from ...expressions.text import to_text
    from ...simplification.simplify import present
    scalar = M if M.is_scalar else scalar_multiple_of_identity(M)
    if scalar is not None:
        if scalar == E.ONE_SCALAR:
            return rhs, []
        result = present(E.mul(rhs, E.power(scalar, -1)))
        return result, [] if is_nonzero(scalar) else [nonzero(scalar)]
    inv = E.power(M, -1)
    result = present(E.mul(inv, rhs) if side == "left" else E.mul(rhs, inv))
    props = M.props if isinstance(M, E.Sym) else frozenset()
    why = " (it is, being spd)" if "spd" in props else ""
    M = E.split_coeff(M)[1]            # (A + Aᵀ) / 2 is invertible where A + Aᵀ is
    return result, [(f"{to_text(M)} invertible{why}", rf"{to_latex(M)} \text{{ invertible{why}}}")]


def is_nonzero(s: E.Expr) -> bool:
    """A size, a number other than 0, or a reciprocal (1/n is not 0 wherever it exists)."""
    return isinstance(s, E.DimSize) or isinstance(s, E.Num) and s.value != 0 or \
        isinstance(s, E.Pow) and s.k < 0


def nonzero(s: E.Expr) -> tuple:
    from ...expressions.latex import to_latex
    from ...expressions.text import to_text
    return f"{to_text(s)} ≠ 0", rf"{to_latex(s)} \neq 0"


def scalar_multiple_of_identity(M):
    """s for M = s I (s possibly 1), else None."""
    if isinstance(M, E.Identity):
        return E.ONE_SCALAR
    if isinstance(M, E.Mul) and len(M.chain) == 1 and isinstance(M.chain[0], E.Identity):
        return E.mul(E.Num(M.coeff), *M.scalars)
    return None
