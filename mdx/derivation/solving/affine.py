"""The gradient as a sum of terms in the unknown, for mdx.derivation.solving.stationary: expanded so that each
term holds the unknown once (a linear term) or not at all (a constant), and, for a term
that is not linear, the true reason why (the unknown inside σ, sign or an inverse; the
unknown more than once), with the refusal that says it."""

from __future__ import annotations

from ...expressions import expr as E
from ...errors import MdxError, UnsupportedError

MAX_TERMS = 200
# structural functions that are linear in their argument: they distribute over a sum
LINEAR_APPLY = frozenset({"tr", "sum", "mean", "vec", "diagm", "diagv"})
_LINEAR_CALLS = frozenset({"tr", "sum", "mean", "vec", "diag", "kron"})     # the parser's names
# elementwise functions that are piecewise constant: a gradient holding one is a step, not a line
NUMERICALLY = "solve it numerically (gradient descent, Newton's method)"
_PIECEWISE_CONSTANT = {     # name: (what it is, the function not differentiable at 0, the hint)
    "sign": ("the subgradient of abs and of the 1-norm", "the 1-norm (abs)",
             "solve it numerically: proximal gradient (soft-thresholding) or coordinate descent "
             "handle the 1-norm"),
    "step": ("the derivative of relu", "relu", NUMERICALLY)}


class NotAffineError(UnsupportedError):
    """The gradient is not affine in the variable: no closed form from collecting terms."""


def is_var(e: E.Expr, var: E.Sym) -> bool:
    """e is the variable itself (by name: a declared property may be on one copy only)."""
    return isinstance(e, E.Sym) and e.name == var.name and not e.diff


def count_uses(e: E.Expr, var: E.Sym) -> int:
    if is_var(e, var):
        return 1
    return sum(count_uses(k, var) for k in e.children())


def transposed(label: str) -> str:
    """How the unknown's transpose prints in a step or a message: Uᵀ, or S⁻ᵀ for S⁻¹."""
    return label[:-2] + "⁻ᵀ" if label.endswith("⁻¹") else label + "ᵀ"


def terms(e: E.Expr) -> list:
    return list(e.terms) if isinstance(e, E.Add) else [e]


def expand_terms(e: E.Expr, var: E.Sym) -> list:
    """e as a list of terms with no sum left inside a product (only where var is)."""
    if var.name not in e.free:
        return [e]
    if isinstance(e, E.Add):
        out = [t for term in e.terms for t in expand_terms(term, var)]
    elif isinstance(e, E.Mul):
        out = [E.Num(e.coeff)]
        for f in list(e.scalars) + list(e.chain):
            parts = expand_terms(f, var)
            out = [E.mul(a, b) for a in out for b in parts]
            _bounded(out)
    elif isinstance(e, E.T):
        out = [E.transpose(t) for t in expand_terms(e.arg, var)]
    elif isinstance(e, E.Had):
        out = [E.ONE_SCALAR]
        for f in e.factors:
            out = [E.hadamard(a, b) for a in out for b in expand_terms(f, var)]
            _bounded(out)
    elif isinstance(e, E.Apply) and e.name in LINEAR_APPLY:      # sum(a + b) = sum(a) + sum(b)
        out = [E.apply(e.name, t) for t in expand_terms(e.arg, var)]
    elif isinstance(e, E.EDiv) and var.name not in e.den.free:
        out = [E.ediv(t, e.den) for t in expand_terms(e.num, var)]
    else:
        out = [e]
    return out


def _bounded(out: list) -> None:
    if len(out) > MAX_TERMS:
        raise UnsupportedError("the gradient expands into too many terms to collect", 1)


def expanded_terms(G: E.Expr, var: E.Sym) -> list:
    """The terms of G expanded, with like terms collected (so that what cancels, cancels)."""
    return terms(E.add(*expand_terms(G, var)))


# ------------------------------------------------------------------ why a term is not linear
def nonlinear_holder(e: E.Expr, var: E.Sym):
    """The outermost part of e that holds var inside a nonlinear operation, else None."""
    if var.name not in e.free:
        return None
    if isinstance(e, E.Func) or isinstance(e, E.Apply) and e.name not in LINEAR_APPLY or \
            isinstance(e, (E.Pow, E.EPow)) and e.k != 1 or \
            isinstance(e, E.EDiv) and var.name in e.den.free:
        return e
    for k in e.children():
        found = nonlinear_holder(k, var)
        if found is not None:
            return found
    return None


def holder_name(h: E.Expr) -> str:
    """How a refusal names the nonlinear operation h: `σ`, `log`, `an inverse`."""
    from ...language.functions import text_name
    if isinstance(h, E.Func):
        return text_name(h.name) + "'" * h.primes
    if isinstance(h, E.Apply):
        return {"norm": "a norm", "norm1": "a 1-norm"}.get(h.name, h.name)
    if isinstance(h, E.Pow) and h.k == -1:
        return "a reciprocal" if h.is_scalar else "an inverse"
    if isinstance(h, E.Pow):
        return "a power"
    if isinstance(h, E.EPow):
        return "an elementwise power"
    return "a denominator"


def term_refusal(t: E.Expr, var: E.Sym, label: str, written=None) -> tuple:
    """(why, hint) for a term t that holds the unknown (printed `label`, and written back
    with the substitution `written`) but is not linear."""
    from ...expressions.text import LARGE, to_text
    shown = to_text(E.substitute(t, written) if written else t)
    shown = f"its term {shown}" if t.size < LARGE // 8 else "a term"
    h = nonlinear_holder(t, var)
    if isinstance(h, E.Func) and h.name in _PIECEWISE_CONSTANT:
        what, kink, hint = _PIECEWISE_CONSTANT[h.name]
        where = to_text(h.arg) if h.arg.size < 20 else "its argument"
        return (f"{shown} holds {label} inside {h.name}, {what}: it is piecewise constant, not "
                f"affine, and {kink} is not differentiable where an entry of {where} is 0, "
                "where a minimum may lie with no zero gradient", hint)
    if h is not None:
        return (f"{shown} holds {label} inside {holder_name(h)}, which is not linear, so setting "
                f"the gradient to zero gives a nonlinear equation in {label}", NUMERICALLY)
    n = count_uses(t, var)
    return (f"{shown} holds {label} more than once ({n} times), so setting the gradient to zero "
            f"gives a polynomial equation in {label}, not a linear one", NUMERICALLY)


def not_affine(text: str, der, why: str, hint: str = NUMERICALLY,
               label: str | None = None) -> MdxError:
    """The refusal, pointing at the first nonlinear call around the variable in the text."""
    from ...language.parser import parse
    label = label or der.var.name
    node = _nonlinear_node(parse(text).expr, der.var.name)
    column = node.start + 1 if node is not None else 1
    width = (node.end - node.start) if node is not None else 1
    what = "a 1-norm" if node is not None and node.op == "norm" else node.value if node else ""
    inside = f" ({der.var.name} is inside {what})" if node is not None else ""
    return NotAffineError(f"the gradient is not affine in {label}{inside}: {why}; mdx does not "
                          "solve it in closed form", column, hint, width=width)


def _nonlinear_node(node, name):
    nonlinear = node.op in ("call", "bare_call") and node.value not in _LINEAR_CALLS or \
        node.op == "norm" and node.value == "1"
    if nonlinear and _mentions(node, name):
        return node
    for a in node.args:
        found = _nonlinear_node(a, name)
        if found is not None:
            return found
    return None


def _mentions(node, name) -> bool:
    return (node.op == "name" and node.value == name) or any(_mentions(a, name) for a in node.args)
